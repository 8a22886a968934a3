//! Bookings: create (`POST /api/v1/bookings`, honouring `Idempotency-Key`), and manage by
//! reference + token: read, cancel, reschedule, calendar file.

use crate::api::{ApiJson, ApiQuery};
use crate::booking::{self, BookingInput, Created, Failure};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{BookingView, SlotView, booking_view};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use medspa_core::clinic::Clinic;
use medspa_core::protocol::{Answers, Refusal};
use medspa_store::{Appointment, BookError, IdempotencyKey, StoreError};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    // Every answer here names a booking and most carry its manage URL with the token: never
    // kept by a browser or a shared cache.
    Router::new()
        .route("/api/v1/bookings", post(create))
        .route("/api/v1/bookings/{reference}", get(show))
        .route("/api/v1/bookings/{reference}/cancel", post(cancel))
        .route("/api/v1/bookings/{reference}/reschedule", post(reschedule))
        .route("/api/v1/bookings/{reference}/calendar.ics", get(calendar))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ClientBody {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// A booking request (DESIGN.md "Booking request").
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BookingBody {
    /// Service slug.
    service: Option<String>,
    /// RFC 3339 start with offset, one of the offered slots.
    start: Option<String>,
    /// A specific provider; otherwise the free qualified provider with the fewest booked
    /// minutes that day is assigned.
    staff_id: Option<String>,
    /// Location id; optional when the clinic has one location.
    location: Option<String>,
    client: Option<ClientBody>,
    /// Screening answers by question id (`GET /api/v1/services/{slug}` lists them).
    #[schema(value_type = Object)]
    screening: Option<Map<String, Value>>,
    notes: Option<String>,
    /// Must be true.
    consent: Option<bool>,
    /// Book the next session of a series: the previous session's reference and token. The
    /// start must fall inside the series interval after it.
    series: Option<SeriesBody>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SeriesBody {
    reference: Option<String>,
    token: Option<String>,
}

impl BookingBody {
    fn into_input(self) -> BookingInput {
        let client = self.client.unwrap_or_default();
        let series = self.series.unwrap_or_default();
        BookingInput {
            service: self.service,
            start: self.start,
            staff_id: self.staff_id,
            location: self.location,
            name: client.name,
            email: client.email,
            phone: client.phone,
            screening: self.screening.unwrap_or_default(),
            notes: self.notes,
            consent: self.consent,
            series_reference: series.reference,
            series_token: series.token,
        }
    }
}

/// Turns a booking failure into its problem response.
pub fn failure_problem(
    app: &AppState,
    clinic: &Clinic,
    f: Failure,
    service_slug: Option<&str>,
) -> ApiError {
    match f {
        Failure::Invalid(e) => e.into(),
        Failure::Refused {
            refusal,
            earliest_start_ms,
        } => {
            let location = clinic.default_location();
            let (title, detail) = match &refusal {
                Refusal::NotEligible { .. } => (
                    "Not eligible",
                    "This treatment can't be booked online for you right now.",
                ),
                Refusal::ConsultationRequired { .. } => (
                    "Consultation required",
                    "Please book a complimentary consultation first so a provider can plan this treatment with you.",
                ),
                Refusal::PrepWindow { .. } => (
                    "Too soon for this treatment",
                    "Your preparation window has not finished by that date.",
                ),
            };
            let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, refusal.code(), title, detail)
                .with("reasons", json!(refusal.reasons().iter().map(|r| r.text.clone()).collect::<Vec<_>>()))
                .with(
                    "reason_details",
                    json!(refusal.reasons().iter().map(|r| json!({"rule": r.rule, "text": r.text, "retry_from": r.retry_from.map(|d| d.to_string())})).collect::<Vec<_>>()),
                )
                .with(
                    "consultation_url",
                    json!(format!("{}/book/consultation{}", app.config.base_url, service_slug.map(|s| format!("?service={s}")).unwrap_or_default())),
                );
            if let (Refusal::PrepWindow { earliest_start, .. }, Some(ms), Some(l)) =
                (&refusal, earliest_start_ms, location)
            {
                e = e
                    .with("earliest_start", json!(crate::views::rfc3339(ms, l)))
                    .with("earliest_date", json!(earliest_start.to_string()));
            }
            e
        }
        Failure::Unavailable {
            reason,
            alternatives,
        } => {
            let location = clinic.default_location();
            let alts: Vec<SlotView> = location
                .map(|l| {
                    alternatives
                        .iter()
                        .map(|s| SlotView::of(clinic, l, s))
                        .collect()
                })
                .unwrap_or_default();
            ApiError::new(
                StatusCode::CONFLICT,
                "slot_unavailable",
                "Slot unavailable",
                reason.to_string(),
            )
            .with("reason", json!(reason.code()))
            .with("alternatives", json!(alts))
        }
        Failure::IdempotencyMismatch => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_mismatch",
            "Idempotency key reused",
            "This Idempotency-Key was already used with a different request body",
        ),
        Failure::SeriesInterval { earliest, latest } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "series_interval",
            "Outside the series interval",
            format!("The next session of this series should be between {earliest} and {latest}."),
        )
        .with("earliest_date", json!(earliest.to_string()))
        .with("latest_date", json!(latest.to_string())),
        Failure::Store(e) => e.into(),
    }
}

/// Book a treatment or consultation.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "booking", request_body = BookingBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key + same body returns the same 201 body without booking twice")),
    responses((status = 201, body = BookingView),
        (status = 409, description = "`slot_unavailable`, with `alternatives`", content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, `not_eligible`, `consultation_required`, `prep_window` or `idempotency_mismatch`", content_type = "application/problem+json"),
        (status = 400, description = "`malformed_json`: the body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send `Content-Type: application/json`", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", content_type = "application/problem+json")))]
pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<BookingBody>,
) -> Result<Response, ApiError> {
    let idem = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v.to_str().unwrap_or_default().trim();
            if key.is_empty() || key.len() > 255 {
                return Err(ApiError::field(
                    "Idempotency-Key",
                    "Use 1 to 255 visible characters",
                ));
            }
            Some(IdempotencyKey::new(key, &body.raw))
        }
    };
    let input = body.value.into_input();
    let slug = input.service.clone();
    let clinic = app.clinic();
    match booking::create(&app, &input, idem).await {
        Ok(Created::New(created)) => {
            let (view, a) = *created;
            let mut res = (StatusCode::CREATED, Json(view)).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/bookings/{}", a.reference)) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            Ok(res)
        }
        Ok(Created::Replayed(body)) => {
            let mut res = (StatusCode::CREATED, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(res)
        }
        Err(f) => Err(failure_problem(&app, &clinic, f, slug.as_deref())),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The manage token from `Authorization: Bearer` or `?token=`.
fn token(headers: &HeaderMap, q: &TokenQuery) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .or_else(|| q.token.clone())
        .filter(|t| !t.is_empty())
}

/// The appointment for a reference + token; 404 for a wrong reference or token alike.
pub async fn authorized(
    app: &AppState,
    reference: &str,
    token: Option<&str>,
) -> Result<Appointment, ApiError> {
    let not_found = || ApiError::not_found("The booking");
    let token = token.ok_or_else(not_found)?;
    match app.store.appointment_with_token(reference, token).await {
        Ok(a) => Ok(a),
        Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// A booking addressed by its reference (the path) and manage token (`Authorization: Bearer`
/// or `?token=`). A wrong reference, a wrong token and a missing token are the same 404.
pub struct Managed {
    pub appointment: Appointment,
    pub token: String,
}

impl FromRequestParts<AppState> for Managed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let Path(reference) = Path::<String>::from_request_parts(parts, app)
            .await
            .map_err(|_| ApiError::not_found("The booking"))?;
        let ApiQuery(q) = ApiQuery::<TokenQuery>::from_request_parts(parts, app).await?;
        let token = token(&parts.headers, &q);
        let appointment = authorized(app, &reference, token.as_deref()).await?;
        Ok(Self {
            appointment,
            token: token.unwrap_or_default(),
        })
    }
}

/// The stored answers of an appointment (health data; decrypted only to evaluate or show
/// to its owner).
pub fn answers_of(app: &AppState, clinic: &Clinic, a: &Appointment) -> Option<Answers> {
    let json = app.store.screening_json(a).ok().flatten()?;
    let raw: Map<String, Value> = serde_json::from_str(&json).ok()?;
    let protocol = &clinic.service_by_id(a.service)?.protocol;
    Answers::parse(protocol, &raw).ok()
}

fn view(app: &AppState, clinic: &Clinic, a: &Appointment, token: &str) -> BookingView {
    let answers = answers_of(app, clinic, a);
    let mut v = booking_view(app, clinic, a, Some(token), answers.as_ref());
    v.manage_token = None;
    v
}

/// A booking, for its holder.
#[utoipa::path(get, path = "/api/v1/bookings/{reference}", tag = "manage",
    params(("reference" = String, Path), ("token" = Option<String>, Query, description = "Manage token (or `Authorization: Bearer`)")),
    responses((status = 200, body = BookingView), (status = 404, description = "Wrong reference or token", content_type = "application/problem+json"),
        (status = 400, description = "`bad_query`: a parameter given twice or a malformed query string", content_type = "application/problem+json")))]
pub async fn show(
    State(app): State<AppState>,
    Managed {
        appointment: a,
        token,
    }: Managed,
) -> Result<Json<BookingView>, ApiError> {
    Ok(Json(view(&app, &app.clinic(), &a, &token)))
}

/// Maps change failures shared by cancel and reschedule.
fn change_problem(app: &AppState, e: BookError) -> ApiError {
    match e {
        BookError::TooLate => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_late",
            "Too late to change online",
            format!(
                "Bookings can be changed online until {} hours before the start. Please call the clinic.",
                app.config.cancel_cutoff_hours
            ),
        ),
        BookError::NotChangeable(status) => ApiError::new(
            StatusCode::CONFLICT,
            "not_changeable",
            "Booking cannot be changed",
            format!("This booking is {status} and can no longer be changed online."),
        ),
        BookError::Store(e) => e.into(),
        other => ApiError::internal(other),
    }
}

/// Cancels a booking and frees every resource it held.
#[utoipa::path(post, path = "/api/v1/bookings/{reference}/cancel", tag = "manage",
    params(("reference" = String, Path), ("token" = Option<String>, Query)),
    responses((status = 200, body = BookingView), (status = 404, description = "Wrong reference or token", content_type = "application/problem+json"),
        (status = 400, description = "`bad_query`: a parameter given twice or a malformed query string", content_type = "application/problem+json"),
        (status = 422, description = "`too_late`: inside the cancellation cut-off", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", content_type = "application/problem+json")))]
pub async fn cancel(
    State(app): State<AppState>,
    Managed {
        appointment: a,
        token,
    }: Managed,
) -> Result<Json<BookingView>, ApiError> {
    let a = booking::cancel(&app, &a, "client")
        .await
        .map_err(|e| change_problem(&app, e))?;
    Ok(Json(view(&app, &app.clinic(), &a, &token)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleBody {
    /// The new start (RFC 3339 with offset).
    start: Option<String>,
    /// A specific provider for the new time.
    staff_id: Option<String>,
}

/// Moves a booking; the old time is released only when the new one is held.
#[utoipa::path(post, path = "/api/v1/bookings/{reference}/reschedule", tag = "manage", request_body = RescheduleBody,
    params(("reference" = String, Path), ("token" = Option<String>, Query)),
    responses((status = 200, body = BookingView), (status = 404, description = "Wrong reference or token", content_type = "application/problem+json"),
        (status = 409, description = "`slot_unavailable` with `alternatives`", content_type = "application/problem+json"),
        (status = 422, description = "`too_late`, `validation_failed`, `prep_window`, `not_eligible`", content_type = "application/problem+json"),
        (status = 400, description = "`malformed_json`: the body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send `Content-Type: application/json`", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", content_type = "application/problem+json")))]
pub async fn reschedule(
    State(app): State<AppState>,
    Managed {
        appointment: a,
        token,
    }: Managed,
    body: ApiJson<RescheduleBody>,
) -> Result<Json<BookingView>, ApiError> {
    let clinic = app.clinic();
    let body = body.value;
    let slug = clinic.service_by_id(a.service).map(|s| s.slug.to_string());
    match booking::reschedule(
        &app,
        &clinic,
        &a,
        body.start.as_deref(),
        body.staff_id.as_deref(),
    )
    .await
    {
        Ok(moved) => Ok(Json(view(&app, &clinic, &moved, &token))),
        Err(booking::ChangeFailure::Booking(f)) => {
            Err(failure_problem(&app, &clinic, f, slug.as_deref()))
        }
        Err(booking::ChangeFailure::Change(e)) => Err(change_problem(&app, e)),
    }
}

/// The host part of the base URL (for calendar UIDs).
fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// The iCalendar text for an appointment (also used by the manage page).
pub async fn calendar_text(
    app: &AppState,
    clinic: &Clinic,
    a: &Appointment,
    token: &str,
) -> Result<String, ApiError> {
    use medspa_notify::ics::{IcsEvent, IcsStatus, appointment_ics, uid};
    let service = clinic
        .service_by_id(a.service)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let location = clinic.location(a.location);
    let manage = crate::views::manage_url(app, &a.reference, token);
    let sequence = app.store.calendar_sequence(a.id).await?;
    let event = IcsEvent {
        uid: uid(&a.reference, host(&app.config.base_url)),
        stamp: app.clock.now(),
        start: medspa_core::time::from_millis(a.start_ms),
        end: medspa_core::time::from_millis(a.end_ms),
        summary: format!("{service} at {}", clinic.info.name),
        location: location.map(|l| l.address.one_line()).unwrap_or_default(),
        description: format!(
            "Booking {}. Manage or cancel: {manage} . Questions: {}",
            a.reference, clinic.info.phone
        ),
        url: Some(manage),
        sequence,
        status: if a.status == medspa_store::Status::Cancelled {
            IcsStatus::Cancelled
        } else {
            IcsStatus::Confirmed
        },
    };
    Ok(appointment_ics(&event))
}

/// The booking as an iCalendar file (times in UTC).
#[utoipa::path(get, path = "/api/v1/bookings/{reference}/calendar.ics", tag = "manage",
    params(("reference" = String, Path), ("token" = Option<String>, Query)),
    responses((status = 200, description = "A VCALENDAR with one VEVENT", content_type = "text/calendar"),
        (status = 404, description = "Wrong reference or token", content_type = "application/problem+json"),
        (status = 400, description = "`bad_query`: a parameter given twice or a malformed query string", content_type = "application/problem+json")))]
pub async fn calendar(
    State(app): State<AppState>,
    Managed {
        appointment: a,
        token,
    }: Managed,
) -> Result<Response, ApiError> {
    let body = calendar_text(&app, &app.clinic(), &a, &token).await?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.ics\"", a.reference)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
