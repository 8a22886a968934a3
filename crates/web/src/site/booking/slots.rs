//! Free times for the flow's date and time steps, from the availability engine over the hold
//! snapshot (the same engine and snapshot as `GET /api/v1/availability`), and how the pages
//! word them: "Tuesday 1 December", "10:30 AM", "Tuesday 1 December, 10:30 AM with Dana
//! Whitfield", always in the location's zone.

use crate::state::AppState;
use crate::views::rfc3339;
use jiff::civil::{Date, Time};
use medspa_core::availability::{self, HoldIndex, Query, Slot};
use medspa_core::catalog::Service;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::time::{Interval, add_days, from_millis, start_of_day};
use medspa_core::{AppointmentId, StaffId};
use medspa_store::StoreError;
use std::sync::Arc;

/// What to look for: a service at a location, maybe one provider, maybe ignoring the
/// appointment being moved.
#[derive(Clone, Copy)]
pub struct Search<'c> {
    pub clinic: &'c Clinic,
    pub service: &'c Service,
    pub location: &'c Location,
    pub staff: Option<StaffId>,
    pub exclude: Option<AppointmentId>,
}

/// Free slots (one per start and provider, sorted by start) and the holds they came from.
pub struct Found {
    pub slots: Vec<Slot>,
    pub holds: Arc<HoldIndex>,
}

/// Free slots on the local dates `from..=to`.
pub async fn free(
    app: &AppState,
    s: &Search<'_>,
    from: Date,
    to: Date,
) -> Result<Found, StoreError> {
    let policy = app.config.policy;
    let q = Query {
        clinic: s.clinic,
        service: s.service,
        location: s.location,
        from,
        to,
        staff: s.staff,
        now_ms: app.clock.now().as_millisecond(),
        policy: &policy,
        exclude: s.exclude,
    };
    let w = q.hold_window();
    let holds = app
        .holds
        .get(&app.store, s.location.id, w.start, w.end)
        .await?;
    Ok(Found {
        slots: availability::slots(&q, &holds),
        holds,
    })
}

/// The first `n` dates in `from..=to` with a free time (for "next free day" jumps).
pub async fn free_days(
    app: &AppState,
    s: &Search<'_>,
    from: Date,
    to: Date,
    n: usize,
) -> Result<Vec<Date>, StoreError> {
    if from > to {
        return Ok(Vec::new());
    }
    let tz = s.location.zone.tz();
    let found = free(app, s, from, to).await?;
    let mut days: Vec<Date> = Vec::new();
    for slot in &found.slots {
        let d = medspa_core::time::local_date(slot.start, tz);
        if days.last() != Some(&d) {
            days.push(d);
            if days.len() == n {
                break;
            }
        }
    }
    Ok(days)
}

/// The last date the booking horizon allows at a location.
pub fn last_date(app: &AppState, today: Date) -> Date {
    add_days(today, i64::from(app.config.policy.horizon_days))
}

/// How a date looks on the date step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayState {
    /// This many distinct free start times.
    Open(usize),
    /// The location doesn't open that day (weekly hours or a closure).
    Closed,
    /// Open, but nothing free (or too soon to book).
    Full,
}

/// Each date of `from..=to` with its state.
pub fn days(slots: &[Slot], location: &Location, from: Date, to: Date) -> Vec<(Date, DayState)> {
    let tz = location.zone.tz();
    let mut out = Vec::new();
    for date in medspa_core::time::dates(from, to) {
        let mut starts: Vec<i64> = slots
            .iter()
            .filter(|s| medspa_core::time::local_date(s.start, tz) == date)
            .map(|s| s.start)
            .collect();
        starts.dedup();
        let closed =
            location.is_closed(date) || location.hours.for_weekday(date.weekday()).is_empty();
        let state = match (starts.len(), closed) {
            (0, true) => DayState::Closed,
            (0, false) => DayState::Full,
            (n, _) => DayState::Open(n),
        };
        out.push((date, state));
    }
    out
}

/// One slot per start time for "any provider": among the providers free then, the one with
/// the fewest held minutes that day, ties in clinic order (the engine's auto-assignment rule),
/// so the name on the label is who the booking gets.
pub fn one_per_start<'s>(
    slots: &'s [Slot],
    holds: &HoldIndex,
    location: &Location,
    exclude: Option<AppointmentId>,
) -> Vec<&'s Slot> {
    let tz = location.zone.tz();
    slots
        .chunk_by(|a, b| a.start == b.start)
        .filter_map(|group| {
            let date = medspa_core::time::local_date(group[0].start, tz);
            let day = Interval::new(
                start_of_day(date, tz).unwrap_or(i64::MIN),
                start_of_day(add_days(date, 1), tz).unwrap_or(i64::MAX),
            );
            group.iter().min_by_key(|s| {
                s.staff
                    .map_or(0, |id| holds.held_ms(id.into(), day, exclude))
            })
        })
        .collect()
}

/// "Tuesday 1 December".
pub fn day_label(date: Date) -> String {
    date.strftime("%A %-d %B").to_string()
}

/// "Tuesday 1 December 2026".
pub fn day_label_long(date: Date) -> String {
    date.strftime("%A %-d %B %Y").to_string()
}

/// The local wall time of an instant at a location.
pub fn local_time(ms: i64, location: &Location) -> Time {
    from_millis(ms)
        .to_zoned(location.zone.tz().clone())
        .datetime()
        .time()
}

/// The local date of an instant at a location.
pub fn local_date(ms: i64, location: &Location) -> Date {
    medspa_core::time::local_date(ms, location.zone.tz())
}

/// "10:30 AM".
pub fn clock(ms: i64, location: &Location) -> String {
    crate::site::format::clock(local_time(ms, location))
}

/// "Tuesday 1 December 2026, 10:30 AM".
pub fn when_long(ms: i64, location: &Location) -> String {
    format!(
        "{}, {}",
        day_label_long(local_date(ms, location)),
        clock(ms, location)
    )
}

/// The zone as the pages name it once: "America/Chicago (CST)".
pub fn zone_note(ms: i64, location: &Location) -> String {
    let abbr = from_millis(ms)
        .to_zoned(location.zone.tz().clone())
        .strftime("%Z")
        .to_string();
    format!("{} ({abbr})", location.zone.name())
}

/// A provider's name, or `""`.
pub fn staff_name(clinic: &Clinic, staff: Option<StaffId>) -> String {
    staff
        .and_then(|id| clinic.staff_member(id))
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// "Tuesday 1 December, 10:30 AM with Dana Whitfield" (no "with" when no one is needed).
pub fn slot_label(
    clinic: &Clinic,
    location: &Location,
    start_ms: i64,
    staff: Option<StaffId>,
) -> String {
    let when = format!(
        "{}, {}",
        day_label(local_date(start_ms, location)),
        clock(start_ms, location)
    );
    match staff_name(clinic, staff) {
        n if n.is_empty() => when,
        n => format!("{when} with {n}"),
    }
}

/// The radio value of a slot: `start|staff_id`.
pub fn slot_value(location: &Location, s: &Slot) -> String {
    format!(
        "{}|{}",
        rfc3339(s.start, location),
        s.staff.map(|id| id.to_string()).unwrap_or_default()
    )
}

/// Part of the day, for grouping times: morning (before noon), afternoon (before 5 PM),
/// evening.
pub fn period(ms: i64, location: &Location) -> &'static str {
    match local_time(ms, location).hour() {
        h if h < 12 => "Morning",
        h if h < 17 => "Afternoon",
        _ => "Evening",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn labels_read_like_speech() {
        assert_eq!(day_label(date(2026, 12, 1)), "Tuesday 1 December");
        assert_eq!(day_label_long(date(2026, 12, 1)), "Tuesday 1 December 2026");
    }
}
