//! A booking for its holder, by reference + manage token: the confirmation page right after
//! booking, the manage page (details, care plan, calendar file, next-session suggestions),
//! cancelling with a confirmation page, and moving it through the flow's date and time steps
//! ([`super::pick`]) to a review page.
//!
//! A wrong reference and a wrong token are the same 404 page. The token travels in the query
//! of GET links (like the emailed manage link) and in a hidden field of every POST form; the
//! middleware never logs the raw URI.

use super::Flow;
use super::draft::{Draft, Fields};
use super::pick::{self, Ctx, Problem, Subject, parse_date, parse_slot};
use super::questions::refused_page;
use super::slots;
use super::views::{
    CareGroup, Page, Progress, RESCHEDULE_STEPS, Summary, calendar_url, care_plan, manage_path,
    respond,
};
use crate::booking::{self, ChangeFailure, Failure};
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::{FormErrors, see_other};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use medspa_core::clinic::Clinic;
use medspa_core::protocol::{Outcome, Refusal, evaluate};
use medspa_store::{Appointment, BookError, Status, StoreError};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    token: Option<String>,
    /// What just happened, for the manage page's message: `cancelled` or `moved`.
    done: Option<String>,
}

/// The appointment behind a reference and token; the same 404 for either being wrong.
async fn load(app: &AppState, reference: &str, token: &str) -> Result<Appointment, PageError> {
    if token.trim().is_empty() || reference.len() > 40 {
        return Err(PageError::not_found());
    }
    match app
        .store
        .appointment_with_token(reference, token.trim())
        .await
    {
        Ok(a) => Ok(a),
        Err(StoreError::NotFound) => Err(PageError::not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Whether the client may still change it online (confirmed, outside the cut-off).
fn changeable(app: &AppState, a: &Appointment) -> bool {
    let cutoff = i64::from(app.config.cancel_cutoff_hours) * 3_600_000;
    a.status == Status::Confirmed && a.start_ms - app.clock.now().as_millisecond() > cutoff
}

fn summary(clinic: &Clinic, a: &Appointment) -> Result<Summary, PageError> {
    Summary::of(clinic, a).ok_or_else(|| PageError::internal("appointment without service"))
}

/// The first free time on each of the next dates a series allows, worded.
async fn next_sessions(app: &AppState, clinic: &Clinic, a: &Appointment) -> Vec<String> {
    let Some(location) = clinic.location(a.location) else {
        return Vec::new();
    };
    booking::next_session_slots(app, clinic, a)
        .await
        .iter()
        .map(|s| slots::slot_label(clinic, location, s.start, s.staff))
        .collect()
}

#[derive(Template)]
#[template(path = "site/book_confirmed.html")]
struct ConfirmedPage {
    reference: String,
    email: String,
    summary: Summary,
    care: Vec<CareGroup>,
    calendar: String,
    manage: String,
    embed: bool,
    next_sessions: Vec<String>,
    series: Option<(u32, u32)>,
    next: Option<NextSession>,
}

/// The form that starts booking a series' next session (the flow's `next` step).
struct NextSession {
    action: String,
    csrf: String,
    service: String,
    reference: String,
    token: String,
    index: u32,
}

impl NextSession {
    /// For `a` when its series has sessions to go and free times were found.
    fn of(
        clinic: &Clinic,
        a: &Appointment,
        token: &str,
        csrf: &CsrfToken,
        prefix: &str,
        suggestions: &[String],
    ) -> Option<Self> {
        let service = clinic.service_by_id(a.service)?;
        let series = service.protocol.series?;
        (a.status == Status::Confirmed
            && a.series_index < series.sessions
            && !suggestions.is_empty())
        .then(|| Self {
            action: format!("{prefix}/book/next"),
            csrf: csrf.value(),
            service: service.slug.to_string(),
            reference: a.reference.clone(),
            token: token.to_owned(),
            index: a.series_index + 1,
        })
    }
}

/// `GET /bookings/{reference}/confirmed?token=`: straight after booking.
pub async fn confirmed(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(reference): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    confirmation(
        &app,
        &csrf,
        &reference,
        q.token.as_deref().unwrap_or_default(),
        false,
    )
    .await
}

/// `GET /embed/bookings/{reference}/confirmed?token=`: the same, in the compact frame.
pub async fn confirmed_embed(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(reference): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    confirmation(
        &app,
        &csrf,
        &reference,
        q.token.as_deref().unwrap_or_default(),
        true,
    )
    .await
}

async fn confirmation(
    app: &AppState,
    csrf: &CsrfToken,
    reference: &str,
    token: &str,
    embed: bool,
) -> Result<Response, PageError> {
    let a = load(app, reference, token).await?;
    if a.status != Status::Confirmed {
        return Ok(see_other(&manage_path(&a.reference, token)));
    }
    let clinic = app.clinic();
    let answers = crate::api::answers_of(app, &clinic, &a);
    let series = clinic
        .service_by_id(a.service)
        .and_then(|s| s.protocol.series)
        .map(|s| (a.series_index, s.sessions));
    let prefix = if embed { "/embed" } else { "" };
    let next_sessions = next_sessions(app, &clinic, &a).await;
    let page = ConfirmedPage {
        next: NextSession::of(&clinic, &a, token, csrf, prefix, &next_sessions),
        reference: a.reference.clone(),
        email: a.client_email.clone(),
        summary: summary(&clinic, &a)?,
        care: care_plan(&clinic, &a, answers.as_ref()),
        calendar: calendar_url(&a.reference, token),
        manage: manage_path(&a.reference, token),
        embed,
        next_sessions,
        series,
    };
    respond(
        app,
        embed,
        &format!("{prefix}/bookings/{}/confirmed", a.reference),
        &Page::of("Your booking is confirmed", &page)?,
    )
}

#[derive(Template)]
#[template(path = "site/manage.html")]
struct ManagePage {
    reference: String,
    token: String,
    cancelled: bool,
    upcoming: bool,
    can_change: bool,
    done: Option<&'static str>,
    summary: Summary,
    care: Vec<CareGroup>,
    calendar: String,
    next_sessions: Vec<String>,
    next: Option<NextSession>,
    cutoff_hours: u32,
    phone: String,
    tel: String,
    rebook: String,
}

/// `GET /bookings/{reference}?token=`: the booking, its care plan and what can be done.
pub async fn show(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(reference): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = q.token.unwrap_or_default();
    let a = load(&app, &reference, &token).await?;
    let clinic = app.clinic();
    let cancelled = a.status == Status::Cancelled;
    let answers = crate::api::answers_of(&app, &clinic, &a);
    let done = match q.done.as_deref() {
        Some("cancelled") if cancelled => {
            Some("Your booking has been cancelled. We've emailed you a note of it.")
        }
        Some("moved") if !cancelled => Some(
            "Your booking has been moved. We've emailed you the new time and an updated calendar file.",
        ),
        _ => None,
    };
    let next_sessions = if cancelled {
        Vec::new()
    } else {
        next_sessions(&app, &clinic, &a).await
    };
    let page = ManagePage {
        next: NextSession::of(&clinic, &a, &token, &csrf, "", &next_sessions),
        reference: a.reference.clone(),
        cancelled,
        upcoming: a.start_ms > app.clock.now().as_millisecond(),
        can_change: changeable(&app, &a),
        done,
        summary: summary(&clinic, &a)?,
        care: if cancelled {
            Vec::new()
        } else {
            care_plan(&clinic, &a, answers.as_ref())
        },
        calendar: calendar_url(&a.reference, &token),
        next_sessions,
        cutoff_hours: app.config.cancel_cutoff_hours,
        tel: crate::site::layout::tel(&clinic.info.phone),
        phone: clinic.info.phone.clone(),
        rebook: clinic
            .service_by_id(a.service)
            .map_or_else(|| "/book".to_owned(), crate::site::treatments::book_url),
        token,
    };
    let title = if cancelled {
        "Your cancelled booking"
    } else {
        "Your booking"
    };
    respond(
        &app,
        false,
        &format!("/bookings/{}", a.reference),
        &Page::of(title, &page)?,
    )
}

#[derive(Template)]
#[template(path = "site/manage_cancel.html")]
struct CancelPage {
    reference: String,
    token: String,
    csrf: String,
    summary: Summary,
}

#[derive(Template)]
#[template(path = "site/manage_message.html")]
struct MessagePage {
    heading: String,
    message: String,
    phone: String,
    tel: String,
    back: String,
}

/// A short page explaining why a change can't be made online, with the clinic's phone.
fn message(
    app: &AppState,
    a: &Appointment,
    token: &str,
    heading: &str,
    text: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let page = MessagePage {
        heading: heading.to_owned(),
        message: text,
        tel: crate::site::layout::tel(&clinic.info.phone),
        phone: clinic.info.phone.clone(),
        back: manage_path(&a.reference, token),
    };
    respond(
        app,
        false,
        &format!("/bookings/{}", a.reference),
        &Page::of(heading, &page)?.status(status),
    )
}

fn too_late(app: &AppState, a: &Appointment, token: &str) -> Result<Response, PageError> {
    let text = if a.status == Status::Confirmed {
        format!(
            "Bookings can be changed or cancelled online until {} hours before the start. To \
             change this one, please call us.",
            app.config.cancel_cutoff_hours
        )
    } else {
        format!(
            "This booking is {} and can no longer be changed online.",
            a.status.as_str()
        )
    };
    message(
        app,
        a,
        token,
        "This booking can't be changed online",
        text,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// `GET /bookings/{reference}/cancel?token=`: "Cancel your booking?".
pub async fn cancel_page(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(reference): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = q.token.unwrap_or_default();
    let a = load(&app, &reference, &token).await?;
    if a.status == Status::Cancelled {
        return Ok(see_other(&manage_path(&a.reference, &token)));
    }
    if !changeable(&app, &a) {
        return too_late(&app, &a, &token);
    }
    let clinic = app.clinic();
    let page = CancelPage {
        reference: a.reference.clone(),
        summary: summary(&clinic, &a)?,
        csrf: csrf.value(),
        token,
    };
    respond(
        &app,
        false,
        &format!("/bookings/{}/cancel", a.reference),
        &Page::of("Cancel your booking?", &page)?,
    )
}

/// `POST /bookings/{reference}/cancel` (token in the body): cancels, frees the time, back to
/// the manage page.
pub async fn cancel(
    State(app): State<AppState>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let token = f.get("token").to_owned();
    let a = load(&app, &reference, &token).await?;
    match booking::cancel(&app, &a, "client").await {
        Ok(c) => Ok(see_other(&format!(
            "{}&done=cancelled",
            manage_path(&c.reference, &token)
        ))),
        Err(BookError::NotChangeable(_)) if a.status == Status::Cancelled => {
            Ok(see_other(&manage_path(&a.reference, &token)))
        }
        Err(BookError::TooLate | BookError::NotChangeable(_)) => too_late(&app, &a, &token),
        Err(BookError::Store(e)) => Err(e.into()),
        Err(e) => Err(PageError::internal(e)),
    }
}

// ---- moving a booking ----

fn flow(a: &Appointment) -> Flow {
    Flow {
        embed: false,
        reschedule: Some(a.reference.clone()),
    }
}

/// What moving `a` may offer: its service and location, dates from the prep windows of its
/// stored answers (today when none were stored).
fn subject<'c>(
    app: &AppState,
    clinic: &'c Clinic,
    a: &Appointment,
) -> Result<(Subject<'c>, Option<Refusal>), PageError> {
    let service = clinic
        .service_by_id(a.service)
        .ok_or_else(|| PageError::internal("appointment without service"))?;
    let location = clinic
        .location(a.location)
        .ok_or_else(|| PageError::internal("appointment without location"))?;
    let today = booking::today(app, location);
    let mut earliest = today;
    let mut waits = Vec::new();
    let mut refusal = None;
    if let Some(answers) = crate::api::answers_of(app, clinic, a) {
        let ev = evaluate(&service.protocol, &answers, today);
        match ev.outcome {
            Outcome::Eligible => {
                earliest = ev.earliest_start.unwrap_or(today);
                waits = ev.waits;
            }
            Outcome::NotEligible => {
                refusal = Some(Refusal::NotEligible {
                    reasons: ev.reasons,
                });
            }
            Outcome::ConsultationRequired => {
                refusal = Some(Refusal::ConsultationRequired {
                    reasons: ev.reasons,
                });
            }
        }
    }
    Ok((
        Subject {
            clinic,
            service,
            location,
            today,
            earliest,
            latest: None,
            window_note: None,
            waits,
            exclude: Some(a.id),
            steps: RESCHEDULE_STEPS.to_vec(),
        },
        refusal,
    ))
}

/// `GET /bookings/{reference}/reschedule?token=`: the date step for a new time.
pub async fn reschedule_start(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(reference): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = q.token.unwrap_or_default();
    let a = load(&app, &reference, &token).await?;
    let draft = Draft {
        token,
        ..Draft::default()
    };
    moving(&app, &csrf, &a, draft, "date", &Fields::default()).await
}

/// `GET /bookings/{reference}/reschedule/{step}`: a reload of a POST step.
pub async fn reschedule_restart(Path((reference, _)): Path<(String, String)>) -> Response {
    // Without the token we can't show the booking: the emailed link starts again.
    see_other(&format!("/bookings/{reference}/reschedule"))
}

/// `POST /bookings/{reference}/reschedule/{step}`: `date`, `time`, `review` or `save`.
pub async fn reschedule_step(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path((reference, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let draft = Draft::from_fields(&f);
    let a = load(&app, &reference, &draft.token).await?;
    moving(&app, &csrf, &a, draft, &step, &f).await
}

#[derive(Template)]
#[template(path = "site/manage_review.html")]
struct ReviewPage {
    progress: Vec<Progress>,
    csrf: String,
    hidden: Vec<(String, String)>,
    current: Summary,
    next: Summary,
    date: String,
    save: String,
    back: String,
}

async fn moving(
    app: &AppState,
    csrf: &CsrfToken,
    a: &Appointment,
    mut draft: Draft,
    step: &str,
    f: &Fields,
) -> Result<Response, PageError> {
    if !changeable(app, a) {
        return too_late(app, a, &draft.token);
    }
    let clinic = app.clinic();
    let flow = flow(a);
    let (subject, refusal) = subject(app, &clinic, a)?;
    let token = csrf.value();
    if let Some(r) = refusal {
        return refused_page(app, &flow, subject.service, &draft, &token, &r);
    }
    if step == "review"
        && let Some((start, staff)) = parse_slot(f.get("slot"))
    {
        draft.start = start;
        draft.staff = staff;
    }
    let cx = Ctx {
        app,
        flow: &flow,
        subject: &subject,
        draft: &draft,
        csrf: &token,
    };
    let date = parse_date(f.get("date"));
    match step {
        "date" => pick::date_page(&cx, parse_date(f.get("dates")), None, StatusCode::OK).await,
        "time" => super::steps::time_for(&cx, date).await,
        "review" => review(&cx, a, date).await,
        "save" => save(&cx, a, date).await,
        _ => Err(PageError::not_found()),
    }
}

async fn review(
    cx: &Ctx<'_, '_>,
    a: &Appointment,
    date: Option<jiff::civil::Date>,
) -> Result<Response, PageError> {
    let s = cx.subject;
    let start = booking::parse_instant(&cx.draft.start, "start").ok();
    let staff = booking::resolve_staff(
        s.clinic,
        s.service,
        s.location,
        Some(&cx.draft.staff),
        "staff",
    );
    let (Some(start), Ok(staff)) = (start, staff) else {
        let mut errors = FormErrors::default();
        errors.push("slot", "Choose a time");
        let d = date.unwrap_or(s.earliest);
        return pick::time_page(cx, d, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let start_ms = start.as_millisecond();
    let page = ReviewPage {
        progress: cx.progress("Confirm"),
        csrf: cx.csrf.to_owned(),
        hidden: cx.hidden(&["date"]),
        current: summary(s.clinic, a)?,
        next: Summary::new(s.clinic, s.service, s.location, start_ms, staff),
        date: slots::local_date(start_ms, s.location).to_string(),
        save: cx.flow.url("save"),
        back: cx.flow.url("time"),
    };
    cx.respond(&Page::of("Confirm your new time", &page)?)
}

async fn save(
    cx: &Ctx<'_, '_>,
    a: &Appointment,
    date: Option<jiff::civil::Date>,
) -> Result<Response, PageError> {
    let s = cx.subject;
    let d = cx.draft;
    let staff = Some(d.staff.as_str()).filter(|x| !x.is_empty());
    match booking::reschedule(cx.app, s.clinic, a, Some(&d.start), staff).await {
        Ok(moved) => Ok(see_other(&format!(
            "{}&done=moved",
            manage_path(&moved.reference, &d.token)
        ))),
        Err(ChangeFailure::Booking(Failure::Unavailable {
            reason,
            alternatives,
        })) => {
            let start_ms = booking::parse_instant(&d.start, "start")
                .map(jiff::Timestamp::as_millisecond)
                .unwrap_or_default();
            let staff_id = booking::resolve_staff(s.clinic, s.service, s.location, staff, "staff")
                .ok()
                .flatten();
            let label = slots::slot_label(s.clinic, s.location, start_ms, staff_id);
            let message = if reason == medspa_core::availability::Unavailable::Taken {
                format!("Sorry, {label} was booked by someone else a moment ago. Please choose another time; your booking hasn't changed.")
            } else {
                format!("Sorry, {label} can't be booked: {reason} Your booking hasn't changed.")
            };
            let day = date.unwrap_or_else(|| slots::local_date(start_ms, s.location));
            pick::time_page(
                cx,
                day,
                Some(Problem {
                    message,
                    alternatives,
                }),
                FormErrors::default(),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(ChangeFailure::Booking(Failure::Refused { refusal, .. })) => match refusal {
            Refusal::PrepWindow { earliest_start, .. } => {
                pick::date_page(
                    cx,
                    Some(earliest_start),
                    Some(format!(
                        "That date is inside your preparation window. The first date we can offer is {}.",
                        slots::day_label_long(earliest_start)
                    )),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            other => refused_page(cx.app, cx.flow, s.service, d, cx.csrf, &other),
        },
        Err(ChangeFailure::Booking(Failure::SeriesInterval { earliest, latest })) => {
            pick::date_page(
                cx,
                Some(earliest),
                Some(format!(
                    "This session of your series should be between {} and {}.",
                    slots::day_label_long(earliest),
                    slots::day_label_long(latest)
                )),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ChangeFailure::Booking(Failure::Invalid(e))) => {
            let mut errors = FormErrors::default();
            errors.push(
                "slot",
                e.errors.first().map_or("Choose a time", |f| f.message.as_str()),
            );
            let day = date.unwrap_or(s.earliest);
            pick::time_page(cx, day, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(
            ChangeFailure::Booking(Failure::Store(e)) | ChangeFailure::Change(BookError::Store(e)),
        ) => Err(e.into()),
        Err(ChangeFailure::Booking(_)) => Err(PageError::internal("unexpected reschedule failure")),
        Err(ChangeFailure::Change(BookError::TooLate | BookError::NotChangeable(_))) => {
            too_late(cx.app, a, &d.token)
        }
        Err(ChangeFailure::Change(e)) => Err(PageError::internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::booking::views::progress;

    #[test]
    fn manage_paths_carry_the_token() {
        assert_eq!(manage_path("ABC", "t0k"), "/bookings/ABC?token=t0k");
        assert!(calendar_url("ABC", "t0k").ends_with("calendar.ics?token=t0k"));
        let _ = progress(RESCHEDULE_STEPS, "Time");
    }
}
