//! The slot grid: candidate start instants of one local date, at local wall-clock times that are
//! multiples of the grid from local midnight, inside that date's opening hours.
//!
//! A wall time that does not exist (spring-forward gap) yields no instant; a wall time shown
//! twice (fall-back fold) yields both instants. Most days have no offset change, and then the
//! grid is plain arithmetic from the day's first instant; only the two change days a year go
//! through the zone rules wall time by wall time.

use super::pattern::MINUTE_MS;
use crate::time::{Interval, Millis, add_days, from_millis, start_of_day, wall_instants};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// Pushes the grid instants of `date` that lie inside `open` (this date's opening intervals,
/// sorted) onto `out`. The caller sorts and dedups `out` once at the end.
pub(crate) fn push_grid_starts(
    date: Date,
    tz: &TimeZone,
    grid_minutes: u32,
    open: &[Interval],
    out: &mut Vec<Millis>,
) {
    let grid = i64::from(grid_minutes.max(1)) * MINUTE_MS;
    let (Some(day_lo), Some(day_hi)) =
        (start_of_day(date, tz), start_of_day(add_days(date, 1), tz))
    else {
        return;
    };
    // `following` yields transitions after the given instant: start just before the day so a
    // change exactly at midnight (midnight skipped) also takes the careful path.
    let changes_today = tz
        .following(from_millis(day_lo - 1))
        .next()
        .is_some_and(|t| t.timestamp().as_millisecond() < day_hi);
    if changes_today {
        push_by_wall_time(date, tz, grid_minutes.max(1), open, out);
        return;
    }
    // One offset all day, and midnight exists: wall time = instant - day_lo.
    for iv in open {
        let (lo, hi) = (iv.start.max(day_lo), iv.end.min(day_hi));
        let mut t = day_lo + (lo - day_lo + grid - 1).div_euclid(grid) * grid;
        while t < hi {
            out.push(t);
            t += grid;
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
    use jiff::civil::date;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
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
        push_grid_starts(d, &tz, 15, &[whole_day(d, &tz)], &mut out);
        assert_eq!(out.len(), 96);
    }

    #[test]
    fn change_days_skip_the_gap_and_repeat_the_fold() {
        let tz = chicago();
        let mut out = Vec::new();
        let d = date(2027, 3, 14);
        push_grid_starts(d, &tz, 15, &[whole_day(d, &tz)], &mut out);
        assert_eq!(out.len(), 92, "02:00-02:45 do not exist");
        let mut out = Vec::new();
        let d = date(2026, 11, 1);
        push_grid_starts(d, &tz, 15, &[whole_day(d, &tz)], &mut out);
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
        push_grid_starts(d, &tz, 15, &open, &mut out);
        assert_eq!(
            out,
            vec![
                lo + 555 * MINUTE_MS,
                lo + 570 * MINUTE_MS,
                lo + 585 * MINUTE_MS
            ]
        );
    }
}
