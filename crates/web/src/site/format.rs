//! Words and numbers for people: prices, durations, opening hours, dates, and care-plan day
//! offsets ("2 weeks before", "Day 2–3") for pages that must not show calendar dates.

use jiff::civil::{Date, Time, Weekday};
use medspa_core::time::WeeklySchedule;

/// Integer cents as a price: `125000` -> `"$1,250"`, `9950` -> `"$99.50"`, `0` ->
/// `"Complimentary"`.
pub fn price(cents: i64) -> String {
    if cents <= 0 {
        return "Complimentary".to_owned();
    }
    let dollars = cents / 100;
    let rest = cents % 100;
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rest == 0 {
        format!("${grouped}")
    } else {
        format!("${grouped}.{rest:02}")
    }
}

/// The decimal amount for structured data: `125000` -> `"1250.00"`.
pub fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// Minutes as words: `105` -> `"1 h 45 min"`, `60` -> `"1 hour"`, `30` -> `"30 min"`.
pub fn duration(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Downtime as words: `(0, 0)` -> `"None"`, `(4, 7)` -> `"4–7 days"`, `(2, 2)` -> `"2 days"`,
/// `(0, 7)` -> `"Up to 7 days"`.
pub fn downtime(min_days: u32, max_days: u32) -> String {
    match (min_days, max_days) {
        (_, 0) => "None".to_owned(),
        (0, b) => format!("Up to {}", plural(b, "day")),
        (a, b) if a >= b => plural(b, "day"),
        (a, b) => format!("{a}–{b} days"),
    }
}

fn plural(n: impl Into<i64>, unit: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// When a care step happens relative to the treatment day (day 0), for previews without
/// dates: "2 weeks before", "From 4 weeks before", "The day before", "Treatment day",
/// "Day 2", "Day 2–3", "Treatment day to day 28".
pub fn care_day(from: i64, until: Option<i64>) -> String {
    let until = until.filter(|u| *u > from);
    if from < 0 {
        let start = before(from);
        return match until {
            None => upper_first(&start),
            Some(-1 | 0) => format!("From {start} until the day before"),
            Some(u) if u < 0 => format!("From {start} to {}", before(u)),
            Some(u) => format!("From {start} to day {u}"),
        };
    }
    match (from, until) {
        (0, None) => "Treatment day".to_owned(),
        (0, Some(u)) => format!("Treatment day to day {u}"),
        (f, None) => format!("Day {f}"),
        (f, Some(u)) => format!("Day {f}–{u}"),
    }
}

fn before(day: i64) -> String {
    let n = -day;
    match n {
        1 => "the day before".to_owned(),
        n if n % 7 == 0 => format!("{} before", plural(n / 7, "week")),
        n => format!("{} before", plural(n, "day")),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A long date: "November 2, 2026".
pub fn long_date(d: Date) -> String {
    d.strftime("%B %-d, %Y").to_string()
}

/// A clock time: "9:00 AM", "7:30 PM".
pub fn clock(t: Time) -> String {
    t.strftime("%-I:%M %p").to_string()
}

/// One line of opening hours: days with the same hours grouped ("Mon–Fri", "9:00 AM – 7:00 PM").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursLine {
    pub days: String,
    pub hours: String,
}

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "Mon", "Mo"),
    (Weekday::Tuesday, "Tue", "Tu"),
    (Weekday::Wednesday, "Wed", "We"),
    (Weekday::Thursday, "Thu", "Th"),
    (Weekday::Friday, "Fri", "Fr"),
    (Weekday::Saturday, "Sat", "Sa"),
    (Weekday::Sunday, "Sun", "Su"),
];

/// Opening hours grouped by runs of days with identical hours; closed days are "Closed".
pub fn hours(schedule: &WeeklySchedule) -> Vec<HoursLine> {
    let text = |wd: Weekday| {
        let ranges = schedule.for_weekday(wd);
        if ranges.is_empty() {
            "Closed".to_owned()
        } else {
            ranges
                .iter()
                .map(|r| format!("{} – {}", clock(r.start), clock(r.end)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for (i, (wd, _, _)) in DAYS.iter().enumerate() {
        let t = text(*wd);
        match out.last_mut() {
            Some((_, end, last)) if *last == t => *end = i,
            _ => out.push((i, i, t)),
        }
    }
    out.into_iter()
        .map(|(a, b, hours)| HoursLine {
            days: if a == b {
                DAYS[a].1.to_owned()
            } else {
                format!("{}–{}", DAYS[a].1, DAYS[b].1)
            },
            hours,
        })
        .collect()
}

/// schema.org `openingHours` values: `"Mo-Fr 09:00-19:00"`.
pub fn schema_hours(schedule: &WeeklySchedule) -> Vec<String> {
    let mut out = Vec::new();
    for (wd, _, code) in DAYS {
        for r in schedule.for_weekday(wd) {
            out.push(format!(
                "{code} {}-{}",
                r.start.strftime("%H:%M"),
                r.end.strftime("%H:%M")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use medspa_core::time::TimeRange;

    #[test]
    fn prices() {
        assert_eq!(price(125_000), "$1,250");
        assert_eq!(price(9_950), "$99.50");
        assert_eq!(price(123_456_700), "$1,234,567");
        assert_eq!(price(0), "Complimentary");
        assert_eq!(decimal(125_000), "1250.00");
    }

    #[test]
    fn durations_and_downtime() {
        assert_eq!(duration(105), "1 h 45 min");
        assert_eq!(duration(60), "1 hour");
        assert_eq!(duration(120), "2 hours");
        assert_eq!(duration(30), "30 min");
        assert_eq!(downtime(0, 0), "None");
        assert_eq!(downtime(4, 7), "4–7 days");
        assert_eq!(downtime(0, 1), "Up to 1 day");
        assert_eq!(downtime(0, 7), "Up to 7 days");
        assert_eq!(downtime(2, 2), "2 days");
    }

    #[test]
    fn care_days() {
        assert_eq!(care_day(-14, None), "2 weeks before");
        assert_eq!(care_day(-3, None), "3 days before");
        assert_eq!(care_day(-1, None), "The day before");
        assert_eq!(
            care_day(-28, Some(-1)),
            "From 4 weeks before until the day before"
        );
        assert_eq!(care_day(0, None), "Treatment day");
        assert_eq!(care_day(2, Some(3)), "Day 2–3");
        assert_eq!(care_day(0, Some(28)), "Treatment day to day 28");
        assert_eq!(care_day(1, None), "Day 1");
    }

    #[test]
    fn grouped_hours() {
        let mut s = WeeklySchedule::on_days(
            &[
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            TimeRange::new(Time::constant(9, 0, 0, 0), Time::constant(19, 0, 0, 0)).unwrap(),
        );
        s.add(
            Weekday::Saturday,
            TimeRange::new(Time::constant(9, 0, 0, 0), Time::constant(15, 0, 0, 0)).unwrap(),
        );
        let h = hours(&s);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].days, "Mon–Fri");
        assert_eq!(h[0].hours, "9:00 AM – 7:00 PM");
        assert_eq!(h[2].hours, "Closed");
        assert_eq!(schema_hours(&s)[0], "Mo 09:00-19:00");
        assert_eq!(
            long_date(jiff::civil::date(2026, 11, 2)),
            "November 2, 2026"
        );
    }
}
