//! Booking as one use case shared by the JSON API and the HTML booking flow: parse the raw
//! request into core types, apply the protocol's eligibility rules, book through the store,
//! keep the availability snapshot in step, and describe the result.

use crate::state::AppState;
use crate::views::{self, BookingView};
use jiff::Timestamp;
use jiff::civil::Date;
use medspa_core::availability::{self, Policy, Query, Slot, Unavailable};
use medspa_core::catalog::Service;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::input::{Email, InvalidInput, PersonName, Phone};
use medspa_core::protocol::{Answers, Refusal, evaluate, followup_window};

use medspa_core::{AppointmentId, StaffId};
use medspa_store::{
    Appointment, BookError, BookOutcome, Booked, IdempotencyKey, NewBooking, StoreError,
};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The raw fields of a booking, as they arrive from JSON or a form.
#[derive(Clone, Debug, Default)]
pub struct BookingInput {
    pub service: Option<String>,
    pub start: Option<String>,
    pub staff_id: Option<String>,
    pub location: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub screening: Map<String, Value>,
    pub notes: Option<String>,
    pub consent: Option<bool>,
    /// Continue a series: the previous session's reference and manage token.
    pub series_reference: Option<String>,
    pub series_token: Option<String>,
}

/// A booking request that passed validation.
pub struct Parsed<'c> {
    pub service: &'c Service,
    pub location: &'c Location,
    pub start_ms: i64,
    pub staff: Option<StaffId>,
    pub name: PersonName,
    pub email: Email,
    pub phone: Phone,
    pub answers: Answers,
    pub notes: Option<String>,
}

/// Why a booking was not made.
pub enum Failure {
    /// Field errors (422 `validation_failed`).
    Invalid(InvalidInput),
    /// The protocol refuses this client or this start (422 with the refusal's code).
    Refused {
        refusal: Refusal,
        earliest_start_ms: Option<i64>,
    },
    /// The slot cannot be held (409 `slot_unavailable`), with the nearest free slots.
    Unavailable {
        reason: Unavailable,
        alternatives: Vec<Slot>,
    },
    /// The idempotency key came with another body (422 `idempotency_mismatch`).
    IdempotencyMismatch,
    /// A series session outside its interval (422 `series_interval`), with the allowed dates.
    SeriesInterval { earliest: Date, latest: Date },
    /// Too close to another live session of the same client (422 `series_interval` for the
    /// same treatment, `treatment_spacing` for another one), checked inside the booking
    /// transaction.
    Spacing(medspa_core::protocol::spacing::SpacingConflict),
    /// The stored screening answers cannot be opened, so a change that needs them
    /// re-checked is refused (409 `screening_unreadable`): fail closed.
    ScreeningUnreadable,
    /// Storage failed (5xx).
    Store(StoreError),
}

impl From<InvalidInput> for Failure {
    fn from(e: InvalidInput) -> Self {
        Self::Invalid(e)
    }
}

/// The local date of `ms` at a location.
pub fn local_date(ms: i64, location: &Location) -> Date {
    medspa_core::time::local_date(ms, location.zone.tz())
}

/// Today's date at a location.
pub fn today(app: &AppState, location: &Location) -> Date {
    local_date(app.clock.now().as_millisecond(), location)
}

/// Resolves the location field: a location id, or the only/first location when absent.
pub fn resolve_location<'c>(
    clinic: &'c Clinic,
    raw: Option<&str>,
    field: &str,
) -> Result<&'c Location, InvalidInput> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => clinic
            .default_location()
            .ok_or_else(|| InvalidInput::field(field, "The clinic has no location")),
        Some(raw) => clinic
            .locations
            .iter()
            .find(|l| l.id.to_string() == raw || l.name.eq_ignore_ascii_case(raw))
            .ok_or_else(|| InvalidInput::field(field, "Unknown location")),
    }
}

/// Parses a staff id qualified for the service at the location.
pub fn resolve_staff(
    clinic: &Clinic,
    service: &Service,
    location: &Location,
    raw: Option<&str>,
    field: &str,
) -> Result<Option<StaffId>, InvalidInput> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let id: StaffId = raw
        .parse()
        .map_err(|_| InvalidInput::field(field, "Unknown staff member"))?;
    let ok = clinic
        .staff_member(id)
        .is_some_and(|s| s.location_id == location.id && s.is_qualified(service.id));
    if ok {
        Ok(Some(id))
    } else {
        Err(InvalidInput::field(
            field,
            "This staff member does not offer this service here",
        ))
    }
}

/// Parses an RFC 3339 instant with an offset (`2026-12-01T10:30:00-06:00` or `...Z`).
pub fn parse_instant(raw: &str, field: &str) -> Result<Timestamp, InvalidInput> {
    raw.trim().parse::<Timestamp>().map_err(|_| {
        InvalidInput::field(
            field,
            "Use an RFC 3339 date-time with an offset, like 2026-12-01T10:30:00-06:00",
        )
    })
}

/// Validates every field at once, so a form can show all its messages together.
pub fn parse<'c>(clinic: &'c Clinic, input: &BookingInput) -> Result<Parsed<'c>, InvalidInput> {
    let mut errors = InvalidInput::default();
    let service = match input
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            errors.push("service", "Choose a service");
            None
        }
        Some(slug) => {
            let s = clinic.service(slug);
            if s.is_none() {
                errors.push("service", "Unknown service");
            }
            s
        }
    };
    let location = resolve_location(clinic, input.location.as_deref(), "location")
        .map_err(|e| errors.extend(e))
        .ok();
    let start = match input.start.as_deref() {
        None | Some("") => {
            errors.push("start", "Choose a time");
            None
        }
        Some(raw) => parse_instant(raw, "start")
            .map_err(|e| errors.extend(e))
            .ok(),
    };
    let staff = match (service, location) {
        (Some(s), Some(l)) => resolve_staff(clinic, s, l, input.staff_id.as_deref(), "staff_id")
            .map_err(|e| errors.extend(e))
            .ok()
            .flatten(),
        _ => None,
    };
    let name = PersonName::parse(input.name.as_deref().unwrap_or_default(), "client.name")
        .map_err(|e| errors.extend(e))
        .ok();
    let email = Email::parse(input.email.as_deref().unwrap_or_default(), "client.email")
        .map_err(|e| errors.extend(e))
        .ok();
    let phone = Phone::parse(input.phone.as_deref().unwrap_or_default(), "client.phone")
        .map_err(|e| errors.extend(e))
        .ok();
    let answers = service
        .map(|s| Answers::parse(&s.protocol, &input.screening))
        .transpose()
        .map_err(|e| errors.extend(e))
        .ok()
        .flatten();
    let notes = input
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        errors.push("notes", "Notes must be 2,000 characters or fewer");
    }
    if input.consent != Some(true) {
        errors.push("consent", "Please agree to the booking terms to continue");
    }
    errors.into_result()?;
    match (service, location, start, name, email, phone, answers) {
        (
            Some(service),
            Some(location),
            Some(start),
            Some(name),
            Some(email),
            Some(phone),
            Some(answers),
        ) => Ok(Parsed {
            service,
            location,
            start_ms: start.as_millisecond(),
            staff,
            name,
            email,
            phone,
            answers,
            notes,
        }),
        _ => Err(InvalidInput::field("body", "Invalid booking")),
    }
}

/// The earliest start the protocol allows as an instant: the start of `date` in the location
/// zone, never before now plus the minimum notice.
pub fn earliest_instant(app: &AppState, location: &Location, date: Date) -> i64 {
    let day = medspa_core::time::start_of_day(date, location.zone.tz()).unwrap_or(i64::MIN);
    let notice =
        app.clock.now().as_millisecond() + i64::from(app.config.policy.min_notice_minutes) * 60_000;
    day.max(notice)
}

/// Applies the service's protocol to the answers for a start (today = the location's date).
pub fn check_eligibility(app: &AppState, p: &Parsed<'_>) -> Result<(), Failure> {
    let evaluation = evaluate(&p.service.protocol, &p.answers, today(app, p.location));
    evaluation
        .check_start(local_date(p.start_ms, p.location))
        .map_err(|refusal| {
            let earliest_start_ms = refusal
                .earliest_start()
                .map(|d| earliest_instant(app, p.location, d));
            Failure::Refused {
                refusal,
                earliest_start_ms,
            }
        })
}

/// The nearest free slots around `around` for the service (any staff unless one was asked).
pub async fn alternatives(
    app: &AppState,
    clinic: &Clinic,
    service: &Service,
    location: &Location,
    staff: Option<StaffId>,
    around: i64,
    exclude: Option<AppointmentId>,
) -> Vec<Slot> {
    let policy: Policy = app.config.policy;
    let now_ms = app.clock.now().as_millisecond();
    let window = availability::ALTERNATIVES_WINDOW_DAYS * 86_400_000;
    let Ok(holds) = app
        .holds
        .get(&app.store, location.id, around - window, around + window)
        .await
    else {
        return Vec::new();
    };
    let date = local_date(around, location);
    let q = Query {
        clinic,
        service,
        location,
        from: date,
        to: date,
        staff,
        now_ms,
        policy: &policy,
        exclude,
    };
    availability::alternatives(&q, around, &holds, 5)
}

fn unavailable(e: BookError) -> Result<Unavailable, Failure> {
    match e {
        BookError::Unavailable(u) => Ok(u),
        BookError::IdempotencyMismatch => Err(Failure::IdempotencyMismatch),
        BookError::Spacing(c) => Err(Failure::Spacing(c)),
        BookError::Store(s) => Err(Failure::Store(s)),
        other => Err(Failure::Store(StoreError::Rejected(other.to_string()))),
    }
}

/// Resolves a series continuation: the first session's id and this session's index, after
/// checking that the previous session belongs to the client (its token), is the same
/// treatment, and that `start_ms` falls inside the series interval.
async fn series_slot(
    app: &AppState,
    p: &Parsed<'_>,
    input: &BookingInput,
) -> Result<Option<(AppointmentId, u32)>, Failure> {
    let reference = input
        .series_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let Some(reference) = reference else {
        return Ok(None);
    };
    let token = input.series_token.as_deref().unwrap_or_default();
    let prev = match app.store.appointment_with_token(reference, token).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => {
            return Err(Failure::Invalid(InvalidInput::field(
                "series.reference",
                "No booking with that reference and token",
            )));
        }
        Err(e) => return Err(Failure::Store(e)),
    };
    if prev.status == medspa_store::Status::Cancelled {
        // A cancelled session is no anchor for the next one: its place in the series is free.
        return Err(Failure::Invalid(InvalidInput::field(
            "series.reference",
            "That session was cancelled, so it can't start the next one: book this one as a \
             new session",
        )));
    }
    let Some(series) = p
        .service
        .protocol
        .series
        .filter(|_| prev.service == p.service.id)
    else {
        return Err(Failure::Invalid(InvalidInput::field(
            "series.reference",
            "That booking is not a session of this treatment's series",
        )));
    };
    if prev.series_index >= series.sessions {
        return Err(Failure::Invalid(InvalidInput::field(
            "series.reference",
            "That series is already complete",
        )));
    }
    let (earliest, latest) = followup_window(&series, local_date(prev.start_ms, p.location));
    let date = local_date(p.start_ms, p.location);
    if date < earliest || date > latest {
        return Err(Failure::SeriesInterval { earliest, latest });
    }
    Ok(Some((
        prev.series_id.unwrap_or(prev.id),
        prev.series_index + 1,
    )))
}

/// Free slots for the next session of a series, one per date (the first of each), for the
/// dates the series interval allows after `a`.
pub async fn next_session_slots(app: &AppState, clinic: &Clinic, a: &Appointment) -> Vec<Slot> {
    let (Some(service), Some(location)) =
        (clinic.service_by_id(a.service), clinic.location(a.location))
    else {
        return Vec::new();
    };
    let Some(series) = service
        .protocol
        .series
        .filter(|s| a.series_index < s.sessions)
    else {
        return Vec::new();
    };
    let (from, to) = followup_window(&series, local_date(a.start_ms, location));
    let tz = location.zone.tz();
    let lo = medspa_core::time::start_of_day(from, tz).unwrap_or(i64::MIN);
    let hi =
        medspa_core::time::start_of_day(medspa_core::time::add_days(to, 1), tz).unwrap_or(i64::MAX);
    let Ok(holds) = app.holds.get(&app.store, location.id, lo, hi).await else {
        return Vec::new();
    };
    let policy: Policy = app.config.policy;
    let now_ms = app.clock.now().as_millisecond();
    let q = Query {
        clinic,
        service,
        location,
        from,
        to,
        staff: a.staff,
        now_ms,
        policy: &policy,
        exclude: None,
    };
    let mut seen = std::collections::HashSet::new();
    availability::slots(&q, &holds)
        .into_iter()
        .filter(|s| seen.insert(local_date(s.start, location)))
        .take(5)
        .collect()
}

/// What a successful booking call produced.
pub enum Created {
    /// A new booking and its view (with the manage token).
    New(Box<(BookingView, Appointment)>),
    /// An idempotent replay: the stored response body.
    Replayed(String),
}

/// Books: validates, checks eligibility, writes, and keeps the hold snapshot in step.
pub async fn create(
    app: &AppState,
    input: &BookingInput,
    idem: Option<IdempotencyKey>,
) -> Result<Created, Failure> {
    let clinic: Arc<Clinic> = app.clinic();
    let p = parse(&clinic, input)?;
    check_eligibility(app, &p)?;
    let series = series_slot(app, &p, input).await?;
    let screening_json = serde_json::to_string(&p.answers).ok();
    let booking = NewBooking {
        service: p.service.id,
        location: p.location.id,
        start_ms: p.start_ms,
        staff: p.staff,
        name: p.name.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        screening_json,
        notes: p.notes.clone(),
        series,
    };
    let now_ms = app.clock.now().as_millisecond();
    let render: medspa_store::bookings::Render = {
        let (app, clinic, answers) = (app.clone(), clinic.clone(), p.answers.clone());
        Arc::new(move |b: &Booked| {
            serde_json::to_string(&views::booking_view(
                &app,
                &clinic,
                &b.appointment,
                Some(&b.token),
                Some(&answers),
            ))
            .unwrap_or_default()
        })
    };
    let policy = app.config.policy;
    match app
        .store
        .book(&clinic, &policy, &booking, idem.as_ref(), now_ms, render)
        .await
    {
        Ok(BookOutcome::Created(b)) => {
            app.holds
                .held(p.location.id, b.appointment.id, &b.plan.holds);
            app.mail_nudge();
            let mut view = views::booking_view(
                app,
                &clinic,
                &b.appointment,
                Some(&b.token),
                Some(&p.answers),
            );
            view.next_session_slots = next_session_slots(app, &clinic, &b.appointment)
                .await
                .iter()
                .map(|s| views::SlotView::of(&clinic, p.location, s))
                .collect();
            Ok(Created::New(Box::new((view, b.appointment))))
        }
        Ok(BookOutcome::Replayed(body)) => Ok(Created::Replayed(body)),
        Err(e) => {
            let reason = unavailable(e)?;
            if reason == Unavailable::Taken {
                // Our snapshot missed someone else's write: reload before suggesting times.
                app.holds.invalidate();
            }
            let alternatives = alternatives(
                app, &clinic, p.service, p.location, p.staff, p.start_ms, None,
            )
            .await;
            Err(Failure::Unavailable {
                reason,
                alternatives,
            })
        }
    }
}

/// Why a cancel or reschedule was refused.
pub enum ChangeFailure {
    /// The new time failed like a new booking would (validation, eligibility, taken).
    Booking(Failure),
    /// The change itself is refused (cut-off, status) or storage failed.
    Change(BookError),
}

fn cutoff_ms(app: &AppState) -> i64 {
    i64::from(app.config.cancel_cutoff_hours) * 3_600_000
}

/// Cancels an appointment (frees its holds at once) and updates the snapshot.
pub async fn cancel(
    app: &AppState,
    a: &Appointment,
    actor: &str,
) -> Result<Appointment, BookError> {
    let now_ms = app.clock.now().as_millisecond();
    let cancelled = app
        .store
        .cancel(a.id, cutoff_ms(app), now_ms, actor)
        .await?;
    app.holds.released(cancelled.location, cancelled.id);
    app.mail_nudge();
    Ok(cancelled)
}

/// Re-applies the protocol to an appointment's stored answers for a new start date. Answers
/// that were never stored (staff bookings, imports) are not re-evaluated; answers that were
/// stored but cannot be opened refuse the change (fail closed).
pub fn recheck(
    app: &AppState,
    clinic: &Clinic,
    a: &Appointment,
    start_ms: i64,
) -> Result<(), Failure> {
    let (Some(service), Some(location)) =
        (clinic.service_by_id(a.service), clinic.location(a.location))
    else {
        return Ok(());
    };
    let answers = match crate::api::stored_answers(app, a) {
        crate::api::Stored::None => return Ok(()),
        crate::api::Stored::Unreadable => return Err(Failure::ScreeningUnreadable),
        crate::api::Stored::Answers(answers) => answers,
    };
    let ev = evaluate(&service.protocol, &answers, today(app, location));
    ev.check_start(local_date(start_ms, location))
        .map_err(|refusal| {
            let earliest_start_ms = refusal
                .earliest_start()
                .map(|d| earliest_instant(app, location, d));
            Failure::Refused {
                refusal,
                earliest_start_ms,
            }
        })
}

/// Moves an appointment to a new start with the same checks as a new booking, atomically.
pub async fn reschedule(
    app: &AppState,
    clinic: &Clinic,
    a: &Appointment,
    start: Option<&str>,
    staff_id: Option<&str>,
) -> Result<Appointment, ChangeFailure> {
    let invalid = |e: InvalidInput| ChangeFailure::Booking(Failure::Invalid(e));
    let (Some(service), Some(location)) =
        (clinic.service_by_id(a.service), clinic.location(a.location))
    else {
        return Err(ChangeFailure::Change(BookError::Store(
            StoreError::NotFound,
        )));
    };
    let start = match start.map(str::trim).filter(|s| !s.is_empty()) {
        None => return Err(invalid(InvalidInput::field("start", "Choose a time"))),
        Some(raw) => parse_instant(raw, "start")
            .map_err(invalid)?
            .as_millisecond(),
    };
    let staff = resolve_staff(clinic, service, location, staff_id, "staff_id").map_err(invalid)?;
    recheck(app, clinic, a, start).map_err(ChangeFailure::Booking)?;
    series_recheck(app, service, location, a, start)
        .await
        .map_err(ChangeFailure::Booking)?;
    let now_ms = app.clock.now().as_millisecond();
    let policy = app.config.policy;
    match app
        .store
        .reschedule(
            clinic,
            &policy,
            a.id,
            start,
            staff,
            cutoff_ms(app),
            now_ms,
            "client",
        )
        .await
    {
        Ok(moved) => {
            let holds = app.store.holds_of(moved.id).await.unwrap_or_default();
            app.holds.held(moved.location, moved.id, &holds);
            app.mail_nudge();
            Ok(moved)
        }
        Err(BookError::Unavailable(reason)) => {
            if reason == Unavailable::Taken {
                app.holds.invalidate();
            }
            let alternatives =
                alternatives(app, clinic, service, location, staff, start, Some(a.id)).await;
            Err(ChangeFailure::Booking(Failure::Unavailable {
                reason,
                alternatives,
            }))
        }
        Err(BookError::Spacing(c)) => Err(ChangeFailure::Booking(Failure::Spacing(c))),
        Err(e) => Err(ChangeFailure::Change(e)),
    }
}

/// A series session keeps its interval rules when it moves: after the previous session's
/// window opens and before it closes, and so that the next booked session stays inside the
/// window that follows the new date.
async fn series_recheck(
    app: &AppState,
    service: &Service,
    location: &Location,
    a: &Appointment,
    start_ms: i64,
) -> Result<(), Failure> {
    let (Some(series), Some(first)) = (service.protocol.series, a.series_id.or(Some(a.id))) else {
        return Ok(());
    };
    let sessions = app
        .store
        .series_appointments(first)
        .await
        .map_err(Failure::Store)?;
    let live = |x: &&Appointment| x.id != a.id && x.status != medspa_store::Status::Cancelled;
    let date = local_date(start_ms, location);
    let mut earliest = Date::MIN;
    let mut latest = Date::MAX;
    if let Some(prev) = sessions
        .iter()
        .filter(live)
        .rfind(|x| x.series_index + 1 == a.series_index)
    {
        let (lo, hi) = followup_window(&series, local_date(prev.start_ms, location));
        earliest = earliest.max(lo);
        latest = latest.min(hi);
    }
    if let Some(next) = sessions
        .iter()
        .filter(live)
        .find(|x| x.series_index == a.series_index + 1)
    {
        // The next session must fall inside [date + min, date + max]: so date lies in
        // [next - max, next - min].
        let next_date = local_date(next.start_ms, location);
        let back = |weeks: u32| medspa_core::time::add_days(next_date, -7 * i64::from(weeks));
        earliest = earliest.max(back(series.max_interval_weeks));
        latest = latest.min(back(series.min_interval_weeks));
    }
    if date < earliest || date > latest {
        return Err(Failure::SeriesInterval { earliest, latest });
    }
    Ok(())
}
