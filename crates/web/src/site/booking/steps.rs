//! A new booking, step by step: treatment (a GET form), questions ([`super::questions`]),
//! date and time ([`super::pick`]), details and "Confirm booking", which calls
//! [`booking::create`] and redirects to the confirmation page.
//!
//! Every POST step first passes the [`gate`]: a known service, valid answers to its
//! questions, and an eligible outcome today; otherwise the client lands on the step that needs
//! fixing (422) or on the refusal page with its reasons and the consultation link. A double
//! "Confirm booking" books once: each details form carries an `attempt` value used as the
//! booking's idempotency key.

use super::Flow;
use super::draft::{Draft, Fields, read_answers};
use super::pick::{self, Ctx, Problem, Subject, parse_date, parse_slot};
use super::questions::{Screening, quiz_prefill, refused_page, screening_page};
use super::views::{Page, Progress, Summary, new_steps, progress, respond};
use crate::booking::{self, BookingInput, Created, Failure};
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::{FormErrors, see_other};
use crate::site::format;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use medspa_core::catalog::Service;
use medspa_core::clinic::Clinic;
use medspa_core::input::InvalidInput;
use medspa_core::protocol::{Answers, Outcome, Refusal, evaluate, followup_window};
use medspa_store::IdempotencyKey;
use rand::RngCore;

/// `GET /book[?service=slug&from=quiz&quiz=..]`.
pub async fn start(
    State(app): State<AppState>,
    csrf: CsrfToken,
    RawQuery(q): RawQuery,
) -> Result<Response, PageError> {
    begin(&app, &csrf, &Flow::new(false), q.as_deref(), false).await
}

/// `GET /book/consultation[?service=slug]`: the flow preset to the free consultation.
pub async fn start_consultation(
    State(app): State<AppState>,
    csrf: CsrfToken,
    RawQuery(q): RawQuery,
) -> Result<Response, PageError> {
    begin(&app, &csrf, &Flow::new(false), q.as_deref(), true).await
}

/// `GET /embed/book`.
pub async fn start_embed(
    State(app): State<AppState>,
    csrf: CsrfToken,
    RawQuery(q): RawQuery,
) -> Result<Response, PageError> {
    begin(&app, &csrf, &Flow::new(true), q.as_deref(), false).await
}

/// `GET /embed/book/consultation`.
pub async fn start_consultation_embed(
    State(app): State<AppState>,
    csrf: CsrfToken,
    RawQuery(q): RawQuery,
) -> Result<Response, PageError> {
    begin(&app, &csrf, &Flow::new(true), q.as_deref(), true).await
}

/// `GET /book/{step}` (a reload or a bookmark of a POST step): start again.
pub async fn restart() -> Response {
    see_other("/book")
}

/// `GET /embed/book/{step}`.
pub async fn restart_embed() -> Response {
    see_other("/embed/book")
}

/// `POST /book/{step}`.
pub async fn step(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(step): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    run(&app, &csrf, &Flow::new(false), &step, &body).await
}

/// `POST /embed/book/{step}`.
pub async fn step_embed(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(step): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    run(&app, &csrf, &Flow::new(true), &step, &body).await
}

async fn begin(
    app: &AppState,
    csrf: &CsrfToken,
    flow: &Flow,
    query: Option<&str>,
    consultation: bool,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let f = Fields::parse(query.unwrap_or_default().as_bytes());
    let asked = f.iter().any(|(k, _)| k == "service");
    // Only what a link may carry: never answers.
    let given = Draft::from_fields(&f);
    let mut draft = Draft {
        service: given.service,
        from: given.from,
        quiz: given.quiz,
        ..Draft::default()
    };
    let chosen = clinic.service(&draft.service);
    if consultation || chosen.is_some_and(Service::is_consultation) {
        let Some(consult) = clinic.services.iter().find(|s| s.is_consultation()) else {
            return service_page(app, &clinic, flow, &draft, false);
        };
        if chosen.is_some_and(|s| !s.is_consultation()) {
            draft.about.clone_from(&draft.service);
        }
        draft.service = consult.slug.to_string();
    }
    match clinic.service(&draft.service) {
        None => service_page(app, &clinic, flow, &draft, asked),
        Some(s) if !s.protocol.screening.is_empty() => {
            screening_page(app, flow, s, &draft, csrf, Screening::default())
        }
        Some(_) => {
            with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                pick::date_page(cx, None, None, StatusCode::OK).await
            })
            .await
        }
    }
}

async fn run(
    app: &AppState,
    csrf: &CsrfToken,
    flow: &Flow,
    step: &str,
    body: &[u8],
) -> Result<Response, PageError> {
    let f = Fields::parse(body);
    let mut draft = Draft::from_fields(&f);
    let clinic = app.clinic();
    match step {
        "next" | "questions" | "quiz" | "screening" => {
            let Some(service) = clinic.service(&draft.service) else {
                return service_page(app, &clinic, flow, &draft, true);
            };
            match step {
                // The next session of a series, from the confirmation or manage page.
                "next" if service.protocol.screening.is_empty() => {
                    with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                        pick::date_page(cx, None, None, StatusCode::OK).await
                    })
                    .await
                }
                "next" | "questions" => {
                    if step == "next"
                        && let Some(location) = clinic.default_location()
                    {
                        // A wrong series link fails now, not after the questions.
                        series_window(app, service, location, &draft).await?;
                    }
                    screening_page(app, flow, service, &draft, csrf, Screening::default())
                }
                "quiz" => quiz_prefill(app, flow, service, &mut draft, csrf, &f).await,
                _ => {
                    let (values, parts, errors) = read_answers(&f, &service.protocol);
                    draft.screening = values;
                    if !errors.is_empty() {
                        let s = Screening {
                            errors: errors.into(),
                            parts,
                            ..Screening::default()
                        };
                        return screening_page(app, flow, service, &draft, csrf, s);
                    }
                    with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                        pick::date_page(cx, None, None, StatusCode::OK).await
                    })
                    .await
                }
            }
        }
        "date" => {
            let from = parse_date(f.get("dates"));
            with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                pick::date_page(cx, from, None, StatusCode::OK).await
            })
            .await
        }
        "time" => {
            let date = parse_date(f.get("date"));
            with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                time_for(cx, date).await
            })
            .await
        }
        "details" => {
            if let Some((start, staff)) = parse_slot(f.get("slot")) {
                draft.start = start;
                draft.staff = staff;
            }
            let date = parse_date(f.get("date"));
            with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                details_for(cx, date, FormErrors::default(), StatusCode::OK).await
            })
            .await
        }
        "confirm" => {
            with_gate(app, &clinic, flow, &draft, csrf, async |cx| {
                confirm(cx, body).await
            })
            .await
        }
        _ => Err(PageError::not_found()),
    }
}

/// The outcome of [`gate`].
pub enum Gate<'c> {
    Go(Subject<'c>),
    Stop(Response),
}

/// Checks the carried service and answers: a known service, valid answers, eligible today.
pub async fn gate<'c>(
    app: &AppState,
    clinic: &'c Clinic,
    flow: &Flow,
    draft: &Draft,
    csrf: &CsrfToken,
) -> Result<Gate<'c>, PageError> {
    let Some(service) = clinic.service(&draft.service) else {
        return service_page(app, clinic, flow, draft, true).map(Gate::Stop);
    };
    let location = clinic
        .default_location()
        .ok_or_else(|| PageError::internal("the clinic has no location"))?;
    let answers = match Answers::parse(&service.protocol, &draft.screening_json(&service.protocol))
    {
        Ok(a) => a,
        Err(e) => {
            let s = Screening {
                errors: e.into(),
                ..Screening::default()
            };
            return screening_page(app, flow, service, draft, csrf, s).map(Gate::Stop);
        }
    };
    let today = booking::today(app, location);
    let ev = evaluate(&service.protocol, &answers, today);
    if ev.outcome != Outcome::Eligible {
        let refusal = match ev.outcome {
            Outcome::NotEligible => Refusal::NotEligible {
                reasons: ev.reasons,
            },
            _ => Refusal::ConsultationRequired {
                reasons: ev.reasons,
            },
        };
        return refused_page(app, flow, service, draft, &csrf.value(), &refusal).map(Gate::Stop);
    }
    let mut earliest = ev.earliest_start.unwrap_or(today);
    let mut latest = None;
    let mut window_note = None;
    if !draft.series.is_empty() {
        let (from, to, note) = series_window(app, service, location, draft).await?;
        earliest = earliest.max(from);
        latest = Some(to);
        window_note = Some(note);
    }
    Ok(Gate::Go(Subject {
        clinic,
        service,
        location,
        today,
        earliest,
        latest,
        window_note,
        waits: ev.waits,
        exclude: None,
        steps: new_steps(Some(service)),
    }))
}

/// The dates the next session of a series may fall on, after the previous session the draft
/// names (by reference and manage token), with a sentence saying why.
async fn series_window(
    app: &AppState,
    service: &Service,
    location: &medspa_core::clinic::Location,
    draft: &Draft,
) -> Result<(jiff::civil::Date, jiff::civil::Date, String), PageError> {
    let prev = match app
        .store
        .appointment_with_token(&draft.series, &draft.series_token)
        .await
    {
        Ok(a) => a,
        Err(medspa_store::StoreError::NotFound) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let Some(series) = service
        .protocol
        .series
        .filter(|s| prev.service == service.id && prev.series_index < s.sessions)
    else {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "This series is already complete",
            "Every session of this series is booked. To book another treatment, start a new \
             booking.",
        ));
    };
    let (from, to) = followup_window(&series, booking::local_date(prev.start_ms, location));
    let note = format!(
        "Session {} of {}: the next session should be {} to {} weeks after the last one, so \
         between {} and {}.",
        prev.series_index + 1,
        series.sessions,
        series.min_interval_weeks,
        series.max_interval_weeks,
        super::slots::day_label_long(from),
        super::slots::day_label_long(to),
    );
    Ok((from, to, note))
}

async fn with_gate(
    app: &AppState,
    clinic: &Clinic,
    flow: &Flow,
    draft: &Draft,
    csrf: &CsrfToken,
    then: impl AsyncFnOnce(&Ctx<'_, '_>) -> Result<Response, PageError>,
) -> Result<Response, PageError> {
    match gate(app, clinic, flow, draft, csrf).await? {
        Gate::Stop(res) => Ok(res),
        Gate::Go(subject) => {
            let token = csrf.value();
            let cx = Ctx {
                app,
                flow,
                subject: &subject,
                draft,
                csrf: &token,
            };
            then(&cx).await
        }
    }
}

/// The time step for a chosen date, or the date step again when the date is missing or
/// not allowed.
pub async fn time_for(
    cx: &Ctx<'_, '_>,
    date: Option<jiff::civil::Date>,
) -> Result<Response, PageError> {
    match date.filter(|d| cx.subject.allows(cx.app, *d)) {
        Some(d) => pick::time_page(cx, d, None, FormErrors::default(), StatusCode::OK).await,
        None => {
            pick::date_page(
                cx,
                date,
                Some("Please choose one of the days listed below.".to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---- the treatment step ----

struct ServiceOption {
    id: String,
    value: String,
    name: String,
    meta: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "site/book_service.html")]
struct ServicePage {
    progress: Vec<Progress>,
    action: String,
    consultation: String,
    errors: FormErrors,
    treatments: Vec<ServiceOption>,
    consultations: Vec<ServiceOption>,
    from: String,
    quiz: String,
    embed: bool,
}

fn service_page(
    app: &AppState,
    clinic: &Clinic,
    flow: &Flow,
    draft: &Draft,
    show_error: bool,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    if show_error {
        errors.push(
            "service",
            if draft.service.is_empty() {
                "Choose a treatment"
            } else {
                "We couldn't find that treatment; please choose one from the list"
            },
        );
    }
    let mut services: Vec<&Service> = clinic.services.iter().collect();
    services.sort_by_key(|s| s.position);
    let mut n = 0;
    let mut option = |s: &Service| {
        let id = if n == 0 {
            "service".to_owned()
        } else {
            format!("service-{}", s.slug)
        };
        n += 1;
        ServiceOption {
            id,
            value: s.slug.to_string(),
            name: s.name.clone(),
            meta: format!(
                "{} · {}",
                format::duration(s.duration_minutes()),
                format::price(s.price_cents)
            ),
            checked: s.slug.as_str() == draft.service,
        }
    };
    let (consult, treat): (Vec<&Service>, Vec<&Service>) =
        services.into_iter().partition(|s| s.is_consultation());
    let page = ServicePage {
        progress: progress(&new_steps(None), "Treatment"),
        action: flow.start(),
        consultation: flow.consultation(None),
        treatments: treat.into_iter().map(&mut option).collect(),
        consultations: consult.into_iter().map(&mut option).collect(),
        from: draft.from.clone(),
        quiz: draft.quiz.clone(),
        embed: flow.embed,
        errors,
    };
    let status = if show_error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    respond(
        app,
        flow.embed,
        &flow.start(),
        &Page::of("Book an appointment", &page)?
            .status(status)
            .with_errors(show_error),
    )
}

// ---- the details step and booking ----

#[derive(Template)]
#[template(path = "site/book_details.html")]
struct DetailsPage {
    progress: Vec<Progress>,
    csrf: String,
    hidden: Vec<(String, String)>,
    summary: Summary,
    /// Not `name`: askama would read the form macro's own `name` parameter instead.
    client_name: String,
    email: String,
    phone: String,
    notes: String,
    consent: bool,
    attempt: String,
    date: String,
    errors: FormErrors,
    action: String,
    back: String,
    consent_label: String,
    /// The chosen time is already inside the change cut-off: said before confirming.
    late_notice: Option<String>,
}

fn nonce() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b)
}

/// The details step for the carried slot; the time step again when there is none.
async fn details_for(
    cx: &Ctx<'_, '_>,
    date: Option<jiff::civil::Date>,
    errors: FormErrors,
    status: StatusCode,
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
        return choose_again(cx, date, "Choose a time").await;
    };
    let start_ms = start.as_millisecond();
    let mut notes = cx.draft.notes.clone();
    if notes.is_empty()
        && let Some(about) = s.clinic.service(&cx.draft.about)
    {
        notes = format!("I'd like to talk about: {}", about.name);
    }
    let cutoff_hours = cx.app.config.cancel_cutoff_hours;
    let inside_cutoff =
        start_ms - cx.app.clock.now().as_millisecond() < i64::from(cutoff_hours) * 3_600_000;
    let late_notice = inside_cutoff.then(|| {
        format!(
            "This time is less than {cutoff_hours} hours away, so once you confirm it can't be \
             changed or cancelled online. If your plans change, please call us on {}.",
            s.clinic.info.phone
        )
    });
    let page = DetailsPage {
        late_notice,
        progress: cx.progress("Your details"),
        csrf: cx.csrf.to_owned(),
        hidden: cx.hidden(&["name", "email", "phone", "notes", "consent", "attempt"]),
        summary: Summary::new(s.clinic, s.service, s.location, start_ms, staff),
        client_name: cx.draft.name.clone(),
        email: cx.draft.email.clone(),
        phone: cx.draft.phone.clone(),
        notes,
        consent: cx.draft.consent,
        attempt: if cx.draft.attempt.is_empty() {
            nonce()
        } else {
            cx.draft.attempt.clone()
        },
        date: super::slots::local_date(start_ms, s.location).to_string(),
        action: cx.flow.url("confirm"),
        back: cx.flow.url("time"),
        consent_label: format!(
            "I agree that {} keeps my details{} with this booking to plan my care{}.",
            s.clinic.info.name,
            if s.service.protocol.screening.is_empty() {
                ""
            } else {
                " and my answers to the safety questions"
            },
            if inside_cutoff {
                ", and that this booking can only be changed by calling the clinic".to_owned()
            } else {
                format!(
                    ", and that changes and cancellations are possible online until \
                     {cutoff_hours} hours before the appointment"
                )
            }
        ),
        errors,
    };
    let invalid = !page.errors.is_empty();
    cx.respond(
        &Page::of(format!("Your details: {}", s.service.name), &page)?
            .status(status)
            .with_errors(invalid),
    )
}

/// Maps the booking's field names to the details form's.
fn details_field(field: &str) -> Option<&'static str> {
    match field {
        "client.name" => Some("name"),
        "client.email" => Some("email"),
        "client.phone" => Some("phone"),
        "notes" => Some("notes"),
        "consent" => Some("consent"),
        _ => None,
    }
}

async fn confirm(cx: &Ctx<'_, '_>, body: &[u8]) -> Result<Response, PageError> {
    let s = cx.subject;
    let d = cx.draft;
    let input = BookingInput {
        service: Some(d.service.clone()),
        start: Some(d.start.clone()),
        staff_id: Some(d.staff.clone()).filter(|x| !x.is_empty()),
        location: None,
        name: Some(d.name.clone()),
        email: Some(d.email.clone()),
        phone: Some(d.phone.clone()),
        screening: d.screening_json(&s.service.protocol),
        notes: Some(d.notes.clone()),
        consent: Some(d.consent),
        series_reference: Some(d.series.clone()).filter(|x| !x.is_empty()),
        series_token: Some(d.series_token.clone()).filter(|x| !x.is_empty()),
    };
    let idem = (!d.attempt.is_empty())
        .then(|| IdempotencyKey::new(&format!("site-booking:{}", d.attempt), body));
    let done = |reference: &str, token: &str| {
        see_other(&format!(
            "{}/bookings/{reference}/confirmed?token={token}",
            cx.flow.prefix()
        ))
    };
    let start_date = booking::parse_instant(&d.start, "start")
        .ok()
        .map(|t| super::slots::local_date(t.as_millisecond(), s.location));
    match booking::create(cx.app, &input, idem).await {
        Ok(Created::New(created)) => {
            let (view, a) = *created;
            Ok(done(
                &a.reference,
                view.manage_token.as_deref().unwrap_or_default(),
            ))
        }
        Ok(Created::Replayed(json)) => {
            let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            match (v["reference"].as_str(), v["manage_token"].as_str()) {
                (Some(r), Some(t)) => Ok(done(r, t)),
                _ => Err(PageError::internal("replayed booking without a reference")),
            }
        }
        Err(Failure::Invalid(e)) => invalid(cx, e, start_date).await,
        Err(Failure::Refused { refusal, .. }) => match refusal {
            Refusal::PrepWindow { earliest_start, .. } => {
                pick::date_page(
                    cx,
                    Some(earliest_start),
                    Some(format!(
                        "That date is inside your preparation window. The first date we can \
                         offer is {}.",
                        super::slots::day_label_long(earliest_start)
                    )),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            other => refused_page(cx.app, cx.flow, s.service, d, cx.csrf, &other),
        },
        Err(Failure::Unavailable {
            reason,
            alternatives,
        }) => {
            let label = super::slots::slot_label(
                s.clinic,
                s.location,
                booking::parse_instant(&d.start, "start")
                    .map(jiff::Timestamp::as_millisecond)
                    .unwrap_or_default(),
                booking::resolve_staff(s.clinic, s.service, s.location, Some(&d.staff), "staff")
                    .ok()
                    .flatten(),
            );
            let why = if reason == medspa_core::availability::Unavailable::Taken {
                "was booked by someone else a moment ago".to_owned()
            } else {
                format!("can't be booked: {reason}")
            };
            let message = format!(
                "Sorry, {label} {why}. Please choose another time below; we've kept your \
                 details."
            );
            let date = start_date.unwrap_or(s.earliest);
            pick::time_page(
                cx,
                date,
                Some(Problem {
                    message,
                    alternatives,
                }),
                FormErrors::default(),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(Failure::SeriesInterval { earliest, latest }) => {
            pick::date_page(
                cx,
                Some(earliest),
                Some(format!(
                    "This session of the series should be between {} and {}.",
                    super::slots::day_label_long(earliest),
                    super::slots::day_label_long(latest)
                )),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::IdempotencyMismatch) => Err(PageError::new(
            StatusCode::CONFLICT,
            "This booking form was already sent",
            "We already received this booking form with different details. Please check your \
             email for a confirmation, or start a new booking.",
        )),
        Err(Failure::Store(e)) => Err(e.into()),
    }
}

/// Field errors from the booking: the details form's own come back next to their fields;
/// a bad time goes back to the time step.
async fn invalid(
    cx: &Ctx<'_, '_>,
    e: InvalidInput,
    date: Option<jiff::civil::Date>,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let mut other = None;
    for fe in &e.errors {
        match details_field(&fe.field) {
            Some(name) => errors.push(name, &fe.message),
            None => other = other.or(Some(fe.message.clone())),
        }
    }
    if errors.is_empty() {
        let message = other.unwrap_or_else(|| "Choose a time".to_owned());
        return choose_again(cx, date, &message).await;
    }
    details_for(cx, date, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The time step again (422) with a message on the time choice: the carried time was
/// missing or not valid.
async fn choose_again(
    cx: &Ctx<'_, '_>,
    date: Option<jiff::civil::Date>,
    message: &str,
) -> Result<Response, PageError> {
    let Some(date) = date.filter(|d| cx.subject.allows(cx.app, *d)) else {
        return pick::date_page(
            cx,
            None,
            Some(format!("{message}: please choose a day, then a time.")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut errors = FormErrors::default();
    errors.push("slot", message);
    pick::time_page(cx, date, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}
