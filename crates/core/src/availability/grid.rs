//! Local days and the slot grid: the instants of a local date, its hours and shifts expanded to
//! instants, and its candidate starts at local wall-clock times that are multiples of the grid
//! from local midnight, inside that date's opening hours.
//!
//! A wall time that does not exist (spring-forward gap) yields no instant; a wall time shown
//! twice (fall-back fold) yields both instants. Most days have no offset change, and then the
//! grid is plain arithmetic from the day's first instant; only the two change days a year go
//! through the zone rules wall time by wall time.

use super::pattern::MINUTE_MS;
use crate::time::{Interval, Millis, TimeRange, from_millis, start_of_day, wall_instants};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// One local date and the instants it spans. When the zone's offset does not change during
/// the day (all but about two days a year), wall time is plain arithmetic from `lo`, which saves
/// a zone lookup per opening range, shift and break of every staff member on every day.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocalDay {
    pub date: Date,
    /// First instant of the day.
    pub lo: Millis,
    /// First instant of the next day.
    pub hi: Millis,
    /// One offset all day and midnight exists: wall time = instant - `lo`.
    uniform: bool,
}

/// The local days `first..=last` in `tz` (dates jiff cannot place are skipped).
pub(crate) fn local_days(first: Date, last: Date, tz: &TimeZone) -> Vec<LocalDay> {
    let mut out = Vec::new();
    let mut date = first;
    let mut lo = start_of_day(date, tz);
    while date <= last {
        let Ok(next) = date.tomorrow() else { break };
        let hi = start_of_day(next, tz);
        if let (Some(lo), Some(hi)) = (lo, hi) {
            // `following` yields transitions after the given instant: ask from just before
            // the day so a change exactly at midnight (midnight skipped) is seen too.
            let changes = tz
                .following(from_millis(lo - 1))
                .next()
                .is_some_and(|t| t.timestamp().as_millisecond() < hi);
            out.push(LocalDay {
                date,
                lo,
                hi,
                uniform: !changes,
            });
        }
        (date, lo) = (next, hi);
    }
    out
}

/// Milliseconds since midnight of a wall-clock time.
fn wall_ms(t: Time) -> Millis {
    let seconds = i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
    seconds * 1000 + i64::from(t.subsec_nanosecond()) / 1_000_000
}

impl LocalDay {
    /// Pushes the instants of `ranges` on this day onto `out`, exactly as
    /// [`TimeRange::on`] resolves them (gaps and folds included).
    pub(crate) fn expand(&self, ranges: &[TimeRange], tz: &TimeZone, out: &mut Vec<Interval>) {
        for r in ranges {
            if self.uniform {
                out.push(Interval::new(
                    self.lo + wall_ms(r.start),
                    self.lo + wall_ms(r.end),
                ));
            } else if let Some(iv) = r.on(self.date, tz) {
                out.push(iv);
            }
        }
    }

    /// Pushes the grid instants of this day that lie inside `open` (this day's opening
    /// intervals) onto `out`. The caller sorts and dedups `out` once at the end.
    pub(crate) fn push_grid_starts(
        &self,
        tz: &TimeZone,
        grid_minutes: u32,
        open: &[Interval],
        out: &mut Vec<Millis>,
    ) {
        if !self.uniform {
            push_by_wall_time(self.date, tz, grid_minutes.max(1), open, out);
            return;
        }
        let grid = i64::from(grid_minutes.max(1)) * MINUTE_MS;
        for iv in open {
            let (lo, hi) = (iv.start.max(self.lo), iv.end.min(self.hi));
            let mut t = self.lo + (lo - self.lo + grid - 1).div_euclid(grid) * grid;
            while t < hi {
                out.push(t);
                t += grid;
            }
        }
    }
}

/// The careful path for a day with an offset change: every grid wall time through the zone.
fn push_by_wall_time(
    date: Date,
    tz: &TimeZone,
    grid_minutes: u32,
    open: &[Interval],
    out: &mut Vec<Millis>,
) {
    let mut minute = 0;
    while minute < 24 * 60 {
        let Ok(time) = Time::new(
            i8::try_from(minute / 60).unwrap_or(0),
            i8::try_from(minute % 60).unwrap_or(0),
            0,
            0,
        ) else {
            break;
        };
        for t in wall_instants(date.to_datetime(time), tz) {
            if open.iter().any(|iv| iv.start <= t && t < iv.end) {
                out.push(t);
            }
        }
        minute += grid_minutes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::add_days;
    use jiff::civil::{date, time};

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    fn day(d: Date, tz: &TimeZone) -> LocalDay {
        local_days(d, d, tz)[0]
    }

    fn whole_day(d: Date, tz: &TimeZone) -> Interval {
        Interval::new(
            start_of_day(d, tz).unwrap(),
            start_of_day(add_days(d, 1), tz).unwrap(),
        )
    }

    #[test]
    fn ordinary_day_has_96_quarter_hours() {
        let tz = chicago();
        let d = date(2026, 12, 1);
        let mut out = Vec::new();
        day(d, &tz).push_grid_starts(&tz, 15, &[whole_day(d, &tz)], &mut out);
        assert_eq!(out.len(), 96);
    }

    #[test]
    fn change_days_skip_the_gap_and_repeat_the_fold() {
        let tz = chicago();
        let mut out = Vec::new();
        let d = date(2027, 3, 14);
        day(d, &tz).push_grid_starts(&tz, 15, &[whole_day(d, &tz)], &mut out);
        assert_eq!(out.len(), 92, "02:00-02:45 do not exist");
        let mut out = Vec::new();
        let d = date(2026, 11, 1);
        day(d, &tz).push_grid_starts(&tz, 15, &[whole_day(d, &tz)], &mut out);
        out.sort_unstable();
        out.dedup();
        assert_eq!(out.len(), 100, "01:00-01:45 happen twice");
    }

    #[test]
    fn grid_counts_from_local_midnight() {
        let tz = chicago();
        let d = date(2026, 12, 1);
        let lo = start_of_day(d, &tz).unwrap();
        // Open 09:10-10:00: quarter hours 09:15, 09:30, 09:45.
        let open = [Interval::new(lo + 550 * MINUTE_MS, lo + 600 * MINUTE_MS)];
        let mut out = Vec::new();
        day(d, &tz).push_grid_starts(&tz, 15, &open, &mut out);
        assert_eq!(
            out,
            vec![
                lo + 555 * MINUTE_MS,
                lo + 570 * MINUTE_MS,
                lo + 585 * MINUTE_MS
            ]
        );
    }

    #[test]
    fn expand_matches_time_range_on_every_kind_of_day() {
        let tz = chicago();
        let ranges = [
            TimeRange::new(time(0, 0, 0, 0), time(4, 0, 0, 0)).unwrap(),
            TimeRange::new(time(1, 30, 0, 0), time(2, 30, 0, 0)).unwrap(),
            TimeRange::new(time(9, 15, 0, 0), time(17, 45, 0, 0)).unwrap(),
            TimeRange::new(time(23, 0, 0, 0), time(23, 59, 0, 0)).unwrap(),
        ];
        let days = local_days(date(2026, 10, 30), date(2027, 3, 16), &tz);
        assert_eq!(days.len(), 138);
        assert_eq!(days.iter().filter(|d| !d.uniform).count(), 2);
        for d in &days {
            let mut got = Vec::new();
            d.expand(&ranges, &tz, &mut got);
            let want: Vec<Interval> = ranges.iter().filter_map(|r| r.on(d.date, &tz)).collect();
            assert_eq!(got, want, "{}", d.date);
            assert_eq!(d.hi, start_of_day(add_days(d.date, 1), &tz).unwrap());
        }
    }
}
