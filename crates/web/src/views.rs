//! JSON views shared by the API and pages: times in the location's zone with its offset,
//! money in cents, never health data.

use crate::state::AppState;
use medspa_core::availability::Slot;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::protocol::{Answers, care_plan, followup_window};
use medspa_core::time::from_millis;
use medspa_store::Appointment;
use serde::Serialize;
use utoipa::ToSchema;

/// RFC 3339 with the location's UTC offset at that instant, e.g. `2026-12-01T10:30:00-06:00`.
pub fn rfc3339(ms: i64, location: &Location) -> String {
    let ts = from_millis(ms);
    let offset = location.zone.tz().to_offset(ts);
    ts.display_with_offset(offset).to_string()
}

/// A staff member as the API names them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

impl StaffRef {
    /// The reference for a staff id (name looked up in the clinic).
    pub fn of(clinic: &Clinic, id: medspa_core::StaffId) -> Self {
        Self {
            id: id.to_string(),
            name: clinic
                .staff_member(id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        }
    }
}

/// One bookable start.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SlotView {
    /// Start, RFC 3339 with the location's offset.
    pub start: String,
    /// `start` + `duration_minutes` (buffers not shown).
    pub end: String,
    pub staff: Option<StaffRef>,
}

impl SlotView {
    /// The view of an engine slot.
    pub fn of(clinic: &Clinic, location: &Location, s: &Slot) -> Self {
        Self {
            start: rfc3339(s.start, location),
            end: rfc3339(s.end, location),
            staff: s.staff.map(|id| StaffRef::of(clinic, id)),
        }
    }
}

/// A location as the API names it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LocationRef {
    pub id: String,
    pub name: String,
    pub timezone: String,
}

impl LocationRef {
    /// The reference for a location.
    pub fn of(l: &Location) -> Self {
        Self {
            id: l.id.to_string(),
            name: l.name.clone(),
            timezone: l.zone.name().to_owned(),
        }
    }
}

/// One dated care-plan step.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CareStepView {
    /// Local date `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub detail: String,
    /// `before`, `day`, `after` or `check_in`.
    pub phase: String,
    /// Last date of a daily range, when the step repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// Where a series stands and when the next session should be.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SeriesView {
    pub sessions: u32,
    /// This appointment's place in the series (1-based).
    pub index: u32,
    /// Earliest date for the next session (local), when one is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_from: Option<String>,
    /// Latest date for the next session (local).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_to: Option<String>,
}

/// A booking, as returned by the API (the manage token only in the 201).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub reference: String,
    /// `confirmed`, `cancelled`, `completed` or `no_show`.
    pub status: String,
    /// The service slug.
    pub service: String,
    pub service_name: String,
    pub start: String,
    pub end: String,
    pub staff: Option<StaffRef>,
    pub location: LocationRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
    /// Absolute URL of the manage page, with the token (only when the token is known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    pub care_plan: Vec<CareStepView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesView>,
    /// For a series with sessions to go: free slots for the next session inside the interval
    /// (the first free time on each of up to five dates). Only in the 201.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub next_session_slots: Vec<SlotView>,
    /// Advisory pre-care steps (e.g. "protect your skin from the sun" from 28 days before)
    /// whose first day had already passed when the booking was made: the date no longer
    /// leaves the full time for them. Required steps never appear: the lead time keeps them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missed_prep: Vec<MissedStep>,
}

/// An advisory pre-care step the booked date leaves too little time for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MissedStep {
    /// When the step would have started (`YYYY-MM-DD`, before the booking was made).
    pub date: String,
    pub title: String,
}

/// The advisory pre-care steps that started before the appointment was booked.
pub fn missed_prep(clinic: &Clinic, a: &Appointment) -> Vec<MissedStep> {
    let (Some(service), Some(location)) =
        (clinic.service_by_id(a.service), clinic.location(a.location))
    else {
        return Vec::new();
    };
    let tz = location.zone.tz();
    let booked = medspa_core::time::local_date(a.created_at_ms, tz);
    let start = medspa_core::time::local_date(a.start_ms, tz);
    service
        .protocol
        .missed_advisory_steps(booked, start)
        .into_iter()
        .filter(|c| c.only_if.is_none())
        .map(|c| MissedStep {
            date: medspa_core::protocol::day_offset(start, c.from_day).to_string(),
            title: c.title.clone(),
        })
        .collect()
}

/// The care plan of an appointment (answer-dependent steps only with answers).
pub fn care_steps(
    clinic: &Clinic,
    a: &Appointment,
    answers: Option<&Answers>,
) -> Vec<CareStepView> {
    let (Some(service), Some(location)) =
        (clinic.service_by_id(a.service), clinic.location(a.location))
    else {
        return Vec::new();
    };
    let start = from_millis(a.start_ms).to_zoned(location.zone.tz().clone());
    care_plan(&service.protocol, &start, answers)
        .into_iter()
        .map(|s| CareStepView {
            date: s.date.to_string(),
            title: s.title,
            detail: s.detail,
            phase: serde_json::to_value(s.phase)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            until: s.until.map(|d| d.to_string()),
        })
        .collect()
}

/// The full view of an appointment.
pub fn booking_view(
    app: &AppState,
    clinic: &Clinic,
    a: &Appointment,
    token: Option<&str>,
    answers: Option<&Answers>,
) -> BookingView {
    let service = clinic.service_by_id(a.service);
    let location = clinic
        .location(a.location)
        .or_else(|| clinic.default_location());
    let loc_ref = location.map_or(
        LocationRef {
            id: a.location.to_string(),
            name: String::new(),
            timezone: "UTC".into(),
        },
        LocationRef::of,
    );
    let (start, end) = match location {
        Some(l) => (rfc3339(a.start_ms, l), rfc3339(a.end_ms, l)),
        None => (
            from_millis(a.start_ms).to_string(),
            from_millis(a.end_ms).to_string(),
        ),
    };
    let series = service.and_then(|s| s.protocol.series).map(|series| {
        let date = location.map(|l| medspa_core::time::local_date(a.start_ms, l.zone.tz()));
        let due = a.series_index < series.sessions;
        let window = date.filter(|_| due).map(|d| followup_window(&series, d));
        SeriesView {
            sessions: series.sessions,
            index: a.series_index,
            next_from: window.map(|w| w.0.to_string()),
            next_to: window.map(|w| w.1.to_string()),
        }
    });
    BookingView {
        reference: a.reference.clone(),
        status: a.status.as_str().to_owned(),
        service: service.map(|s| s.slug.to_string()).unwrap_or_default(),
        service_name: service.map(|s| s.name.clone()).unwrap_or_default(),
        start,
        end,
        staff: a.staff.map(|id| StaffRef::of(clinic, id)),
        location: loc_ref,
        manage_token: token.map(str::to_owned),
        manage_url: token.map(|t| manage_url(app, &a.reference, t)),
        care_plan: care_steps(clinic, a, answers),
        series,
        next_session_slots: Vec::new(),
        missed_prep: missed_prep(clinic, a),
    }
}

/// The absolute manage URL for a booking.
pub fn manage_url(app: &AppState, reference: &str, token: &str) -> String {
    format!("{}/bookings/{reference}?token={token}", app.config.base_url)
}
