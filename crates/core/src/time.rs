//! Civil (wall-clock) time rules and their expansion into instants in a location's zone.
//!
//! Rules such as opening hours and shifts are weekday + local time in the location's IANA zone.
//! They are expanded per date here, so a 09:00-17:00 day stays 09:00-17:00 local on both sides of
//! a daylight-saving change. Gaps and folds are resolved on purpose: a wall time that does not
//! exist (spring-forward gap) is moved to the first instant after the gap (`compatible`), and a
//! repeated wall time (fall-back) maps to its earlier instant for a range start and the later
//! one for a range end so the range covers the whole local span.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC): the storage unit for instants.
pub type Millis = i64;

/// Half-open interval of instants `[start, end)` in Unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: Millis,
    pub end: Millis,
}

impl Interval {
    /// A new interval; callers guarantee `start <= end`.
    pub const fn new(start: Millis, end: Millis) -> Self {
        Self { start, end }
    }
    /// Whether the two half-open intervals share any instant.
    pub const fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// Whether `other` lies entirely inside `self`.
    pub const fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// Length in milliseconds.
    pub const fn len(&self) -> Millis {
        self.end - self.start
    }
    /// True for an empty interval.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// Converts a timestamp to Unix milliseconds.
pub fn to_millis(t: Timestamp) -> Millis {
    t.as_millisecond()
}

/// Converts Unix milliseconds to a timestamp (saturating at jiff's supported range).
pub fn from_millis(ms: Millis) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// A local time-of-day range `[start, end)`, e.g. 09:00-17:00. `end` may be 24:00, written as
/// `end_of_day = true`, for ranges that run to midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub start: Time,
    pub end: Time,
}

impl TimeRange {
    /// A range; `None` unless `start < end`.
    pub fn new(start: Time, end: Time) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// The instants this range covers on `date` in `tz`; `None` if it collapses to nothing
    /// (possible only when the whole range falls inside a DST gap).
    pub fn on(&self, date: Date, tz: &TimeZone) -> Option<Interval> {
        let start = local_start(date.to_datetime(self.start), tz)?;
        let end = local_end(date.to_datetime(self.end), tz)?;
        (start < end).then_some(Interval::new(start, end))
    }
}

/// Resolves a local wall time used as the start of a range: the earlier instant of a fold, the
/// first instant after a gap.
pub fn local_start(dt: jiff::civil::DateTime, tz: &TimeZone) -> Option<Millis> {
    let amb = tz.to_ambiguous_timestamp(dt);
    let ts = if amb.is_ambiguous() {
        amb.earlier().ok()?
    } else {
        amb.compatible().ok()?
    };
    Some(to_millis(ts))
}

/// Resolves a local wall time used as the end of a range: the later instant of a fold, the
/// first instant after a gap.
pub fn local_end(dt: jiff::civil::DateTime, tz: &TimeZone) -> Option<Millis> {
    let amb = tz.to_ambiguous_timestamp(dt);
    let ts = if amb.is_ambiguous() {
        amb.later().ok()?
    } else {
        amb.compatible().ok()?
    };
    Some(to_millis(ts))
}

/// The instant at which `date` begins in `tz` (handles zones where midnight is skipped).
pub fn start_of_day(date: Date, tz: &TimeZone) -> Option<Millis> {
    tz.to_zoned(date.to_datetime(Time::midnight()))
        .ok()
        .and_then(|z| z.start_of_day().ok())
        .map(|z| to_millis(z.timestamp()))
}

/// The local calendar date of an instant in `tz`.
pub fn local_date(ms: Millis, tz: &TimeZone) -> Date {
    from_millis(ms).to_zoned(tz.clone()).date()
}

/// Adds whole calendar days to a date (saturating at jiff's range).
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(days.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The dates `first..=last` in order; empty when `last < first`. Ends at the last date jiff
/// can represent instead of repeating it, so a loop over a window at the end of the calendar
/// (9999-12-31) terminates: [`add_days`] saturates and must never drive a loop.
pub fn dates(first: Date, last: Date) -> impl Iterator<Item = Date> {
    let mut next = (first <= last).then_some(first);
    std::iter::from_fn(move || {
        let date = next?;
        next = date.tomorrow().ok().filter(|d| *d <= last);
        Some(date)
    })
}

/// Weekly opening hours or shifts: for each weekday (Monday first) a list of local time ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySchedule {
    /// Index 0 = Monday .. 6 = Sunday.
    pub days: [Vec<TimeRange>; 7],
}

impl WeeklySchedule {
    /// The ranges for a weekday.
    pub fn for_weekday(&self, wd: Weekday) -> &[TimeRange] {
        &self.days[usize::from(wd.to_monday_zero_offset().unsigned_abs())]
    }

    /// Adds a range on a weekday.
    pub fn add(&mut self, wd: Weekday, range: TimeRange) {
        self.days[usize::from(wd.to_monday_zero_offset().unsigned_abs())].push(range);
    }

    /// The same ranges on each of the listed weekdays.
    pub fn on_days(weekdays: &[Weekday], range: TimeRange) -> Self {
        let mut s = Self::default();
        for wd in weekdays {
            s.add(*wd, range);
        }
        s
    }

    /// Whether one range of the local day on which `iv` starts holds the whole of `iv` (an
    /// appointment inside opening hours).
    pub fn covers(&self, iv: Interval, tz: &TimeZone) -> bool {
        let date = local_date(iv.start, tz);
        self.on(date, tz).iter().any(|r| r.contains(&iv))
    }

    /// The instants covered on `date` in `tz`, sorted.
    pub fn on(&self, date: Date, tz: &TimeZone) -> Vec<Interval> {
        let mut v: Vec<Interval> = self
            .for_weekday(date.weekday())
            .iter()
            .filter_map(|r| r.on(date, tz))
            .collect();
        v.sort_unstable();
        v
    }
}

/// Unix milliseconds of a civil date-time read as if it were UTC: "wall-clock milliseconds",
/// handy for grid arithmetic on local times (saturating at jiff's range).
pub fn civil_millis(dt: jiff::civil::DateTime) -> Millis {
    jiff::tz::Offset::UTC.to_timestamp(dt).map_or(
        if dt.date() < Date::constant(1970, 1, 1) {
            Millis::MIN
        } else {
            Millis::MAX
        },
        to_millis,
    )
}

/// Every instant at which the local wall time `dt` occurs in `tz`, earliest first: none inside a
/// spring-forward gap (that wall time never shows on a clock), two inside a fall-back fold (the
/// clock shows it twice, an hour apart), one otherwise. Unlike [`local_start`] this does not move
/// a gap time: a slot grid must not invent a time the clock skips.
pub fn wall_instants(dt: jiff::civil::DateTime, tz: &TimeZone) -> impl Iterator<Item = Millis> {
    use jiff::tz::AmbiguousOffset;
    let civil = civil_millis(dt);
    let at = |offset: jiff::tz::Offset| civil - i64::from(offset.seconds()) * 1000;
    let pair = match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => [Some(at(offset)), None],
        AmbiguousOffset::Gap { .. } => [None, None],
        // `before` is the offset in force before the transition (the earlier instant).
        AmbiguousOffset::Fold { before, after } => [Some(at(before)), Some(at(after))],
    };
    pair.into_iter().flatten()
}

/// Minutes since local midnight shown by a clock in `tz` at `ms`, or `None` when the instant is
/// not on a whole minute.
pub fn local_minute_of_day(ms: Millis, tz: &TimeZone) -> Option<u32> {
    let t = from_millis(ms).to_zoned(tz.clone()).time();
    (t.second() == 0 && t.subsec_nanosecond() == 0)
        .then(|| u32::from(t.hour().unsigned_abs()) * 60 + u32::from(t.minute().unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    #[test]
    fn working_day_stays_local_across_fall_back() {
        let r = TimeRange::new(time(9, 0, 0, 0), time(17, 0, 0, 0)).unwrap();
        let tz = chicago();
        // 2026-11-01: CDT -> CST at 02:00. 9:00 CST = 15:00 UTC.
        let iv = r.on(date(2026, 11, 1), &tz).unwrap();
        assert_eq!(from_millis(iv.start).to_string(), "2026-11-01T15:00:00Z");
        assert_eq!(iv.len(), 8 * 3_600_000);
        let before = r.on(date(2026, 10, 31), &tz).unwrap();
        assert_eq!(
            from_millis(before.start).to_string(),
            "2026-10-31T14:00:00Z"
        );
    }

    #[test]
    fn night_range_over_the_gap_is_shorter() {
        let tz = chicago();
        // 01:00-04:00 local on spring-forward day is only 2 real hours.
        let r = TimeRange::new(time(1, 0, 0, 0), time(4, 0, 0, 0)).unwrap();
        assert_eq!(r.on(date(2027, 3, 14), &tz).unwrap().len(), 2 * 3_600_000);
        // 01:00-02:30 on fall-back day covers the repeated hour: 2.5 real hours.
        let r = TimeRange::new(time(0, 30, 0, 0), time(1, 30, 0, 0)).unwrap();
        assert_eq!(r.on(date(2026, 11, 1), &tz).unwrap().len(), 2 * 3_600_000);
    }

    #[test]
    fn schedules_cover_whole_intervals_only() {
        let tz = chicago();
        let week = WeeklySchedule::on_days(
            &[Weekday::Monday],
            TimeRange::new(time(9, 0, 0, 0), time(17, 0, 0, 0)).unwrap(),
        );
        let monday = TimeRange::new(time(9, 0, 0, 0), time(10, 0, 0, 0))
            .unwrap()
            .on(date(2026, 11, 30), &tz)
            .unwrap();
        assert!(week.covers(monday, &tz));
        let late = TimeRange::new(time(16, 30, 0, 0), time(17, 30, 0, 0))
            .unwrap()
            .on(date(2026, 11, 30), &tz)
            .unwrap();
        assert!(!week.covers(late, &tz), "runs past closing");
        let tuesday = Interval::new(monday.start + 86_400_000, monday.end + 86_400_000);
        assert!(!week.covers(tuesday, &tz), "closed day");
    }

    #[test]
    fn dates_end_at_the_edges_of_the_calendar() {
        assert_eq!(dates(Date::MAX, Date::MAX).collect::<Vec<_>>(), [Date::MAX]);
        assert_eq!(dates(Date::MIN, Date::MIN).count(), 1);
        assert_eq!(dates(add_days(Date::MAX, -61), Date::MAX).count(), 62);
        assert_eq!(dates(date(2026, 12, 2), date(2026, 12, 1)).count(), 0);
        let week: Vec<Date> = dates(date(2026, 12, 28), date(2027, 1, 3)).collect();
        assert_eq!(week.len(), 7);
        assert_eq!(week[6], date(2027, 1, 3));
    }

    #[test]
    fn interval_overlap_is_half_open() {
        let a = Interval::new(0, 10);
        assert!(!a.overlaps(&Interval::new(10, 20)));
        assert!(a.overlaps(&Interval::new(9, 20)));
        assert!(a.contains(&Interval::new(0, 10)));
    }
}
