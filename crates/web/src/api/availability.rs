//! `GET /api/v1/availability`: free slots for a service over a range of local dates.

use crate::api::ApiQuery;
use crate::booking::{resolve_location, resolve_staff};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::SlotView;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use medspa_core::StaffId;
use medspa_core::availability::{self, Policy};
use medspa_core::catalog::Service;
use medspa_core::clinic::Clinic;
use medspa_core::clinic::Location;
use medspa_core::input::InvalidInput;
use medspa_core::protocol::downtime_overlaps;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most local dates one request may cover.
pub const MAX_DATES: i32 = 62;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/availability", get(availability))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AvailabilityParams {
    /// Service slug.
    service: Option<String>,
    /// First local date, `YYYY-MM-DD` (inclusive).
    from: Option<String>,
    /// Last local date, `YYYY-MM-DD` (inclusive; at most 62 dates from `from`).
    to: Option<String>,
    /// Location id (optional when the clinic has one location).
    location: Option<String>,
    /// Only this staff member (id).
    staff: Option<String>,
    /// A date the client must look presentable on, `YYYY-MM-DD`: slots whose downtime days
    /// would include it are left out.
    presentable_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    pub service: String,
    /// The location's IANA zone; every time is shown with its offset.
    pub timezone: String,
    /// Sorted by start; one entry per start time and staff member.
    pub slots: Vec<SlotView>,
}

/// Parses a `YYYY-MM-DD` query parameter.
pub fn parse_date(raw: Option<&str>, field: &str, errors: &mut InvalidInput) -> Option<Date> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errors.push(field, "Enter a date as YYYY-MM-DD");
            None
        }
        Some(s) => {
            let d = (s.len() == 10).then(|| s.parse::<Date>().ok()).flatten();
            if d.is_none() {
                errors.push(field, "Enter a real date as YYYY-MM-DD");
            }
            d
        }
    }
}

/// A validated availability request.
struct Request<'c> {
    service: &'c Service,
    location: &'c Location,
    from: Date,
    to: Date,
    staff: Option<StaffId>,
    presentable_on: Option<Date>,
}

/// Checks every parameter at once (unknown service: 404; the rest: 422 naming the field).
fn validate<'c>(clinic: &'c Clinic, params: &AvailabilityParams) -> Result<Request<'c>, ApiError> {
    let slug = params
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(slug) = slug else {
        return Err(ApiError::field("service", "Choose a service"));
    };
    let service = clinic
        .service(slug)
        .ok_or_else(|| ApiError::not_found("The service"))?;
    let mut errors = InvalidInput::default();
    let from = parse_date(params.from.as_deref(), "from", &mut errors);
    let to = parse_date(params.to.as_deref(), "to", &mut errors);
    let location = resolve_location(clinic, params.location.as_deref(), "location")
        .map_err(|e| errors.extend(e))
        .ok();
    let staff = location
        .and_then(|l| {
            resolve_staff(clinic, service, l, params.staff.as_deref(), "staff")
                .map_err(|e| errors.extend(e))
                .ok()
        })
        .flatten();
    let presentable_on = params
        .presentable_on
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|_| {
            parse_date(
                params.presentable_on.as_deref(),
                "presentable_on",
                &mut errors,
            )
        });
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            errors.push("to", "Must be on or after `from`");
        } else if f.until(t).map_or(true, |s| s.get_days() >= MAX_DATES) {
            errors.push("to", "At most 62 dates per request");
        }
    }
    errors.into_result()?;
    let (Some(from), Some(to), Some(location)) = (from, to, location) else {
        return Err(ApiError::field("from", "Enter a date as YYYY-MM-DD"));
    };
    Ok(Request {
        service,
        location,
        from,
        to,
        staff,
        presentable_on,
    })
}

/// The slots of one local date as comma-separated JSON objects (no brackets).
fn day_fragment(
    clinic: &Clinic,
    req: &Request<'_>,
    date: Date,
    holds: &medspa_core::availability::HoldIndex,
    now_ms: i64,
    policy: &Policy,
) -> Result<Bytes, ApiError> {
    let q = availability::Query {
        clinic,
        service: req.service,
        location: req.location,
        from: date,
        to: date,
        staff: req.staff,
        now_ms,
        policy,
        exclude: None,
    };
    let mut out = Vec::with_capacity(1024);
    for (i, slot) in availability::slots(&q, holds).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &SlotView::of(clinic, req.location, slot))
            .map_err(ApiError::internal)?;
    }
    Ok(Bytes::from(out))
}

/// Free slots, sorted by start, one per start time and staff member.
#[utoipa::path(get, path = "/api/v1/availability", tag = "booking", params(AvailabilityParams),
    responses((status = 200, body = AvailabilityView),
        (status = 400, description = "`bad_query`: a parameter given twice or a malformed query string", content_type = "application/problem+json"),
        (status = 404, description = "Unknown service", content_type = "application/problem+json"),
        (status = 422, description = "Bad or reversed dates, more than 62 dates", content_type = "application/problem+json")))]
pub async fn availability(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<AvailabilityParams>,
) -> Result<Response, ApiError> {
    // Answers are cached for one hold-snapshot generation and one minute, whole (repeated
    // queries) and per local date (overlapping windows), and computed as of the end of that
    // minute, so a cached answer never offers a start that becomes too soon before the minute
    // is over. Any booking change or settings change bumps the generation.
    let key = params.cache_key();
    let now_ms = app.clock.now().as_millisecond();
    let minute = now_ms.div_euclid(60_000);
    let generation = app.holds.generation();
    if let Some(body) = app.holds.cached_response(&key, generation, minute) {
        return Ok(json_bytes(body));
    }
    let clinic = app.clinic();
    let mut req = validate(&clinic, &params)?;
    let policy: Policy = app.config.policy;
    // Only today..=horizon can hold a slot: clip the window first, so a request for the
    // last dates of the calendar (or year 1) answers at once with no slots, and no date
    // arithmetic below runs near the edges of the calendar.
    let today = medspa_core::time::local_date(now_ms, req.location.zone.tz());
    let horizon = medspa_core::time::add_days(today, i64::from(policy.horizon_days));
    (req.from, req.to) = (req.from.max(today), req.to.min(horizon));
    if req.from > req.to {
        return Ok(json_bytes(empty_answer(&req)?));
    }
    let tz = req.location.zone.tz();
    let lo = medspa_core::time::start_of_day(req.from, tz).unwrap_or(i64::MIN);
    let hi = medspa_core::time::start_of_day(medspa_core::time::add_days(req.to, 1), tz)
        .unwrap_or(i64::MAX);
    let holds = app.holds.get(&app.store, req.location.id, lo, hi).await?;
    // A snapshot reload during `get` bumps the generation: then compute without caching.
    let cacheable = app.holds.generation() == generation;
    let as_of = (minute + 1) * 60_000;
    let staff = req.staff.map(|s| s.to_string()).unwrap_or_default();
    let mut body = Vec::with_capacity(16 * 1024);
    body.extend_from_slice(b"{\"service\":");
    serde_json::to_writer(&mut body, req.service.slug.as_str()).map_err(ApiError::internal)?;
    body.extend_from_slice(b",\"timezone\":");
    serde_json::to_writer(&mut body, req.location.zone.name()).map_err(ApiError::internal)?;
    body.extend_from_slice(b",\"slots\":[");
    let mut first = true;
    for date in medspa_core::time::dates(req.from, req.to) {
        let skip = req
            .presentable_on
            .is_some_and(|day| downtime_overlaps(date, req.service.downtime_days, day));
        if !skip {
            let day_key = format!(
                "day|{}|{}|{staff}|{date}",
                req.service.slug, req.location.id
            );
            let cached = app
                .holds
                .cached_response(&day_key, generation, minute)
                .filter(|_| cacheable);
            let fragment = if let Some(f) = cached {
                f
            } else {
                let f = day_fragment(&clinic, &req, date, &holds, as_of, &policy)?;
                if cacheable {
                    app.holds
                        .keep_response(day_key, generation, minute, f.clone());
                }
                f
            };
            if !fragment.is_empty() {
                if !first {
                    body.push(b',');
                }
                body.extend_from_slice(&fragment);
                first = false;
            }
        }
    }
    body.extend_from_slice(b"]}");
    let body = Bytes::from(body);
    if cacheable && app.holds.generation() == generation {
        app.holds
            .keep_response(key, generation, minute, body.clone());
    }
    Ok(json_bytes(body))
}

/// The answer for a window with no bookable date (wholly in the past or past the horizon).
fn empty_answer(req: &Request<'_>) -> Result<Bytes, ApiError> {
    let view = AvailabilityView {
        service: req.service.slug.as_str().to_owned(),
        timezone: req.location.zone.name().to_owned(),
        slots: Vec::new(),
    };
    serde_json::to_vec(&view)
        .map(Bytes::from)
        .map_err(ApiError::internal)
}

fn json_bytes(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

impl AvailabilityParams {
    /// The query, normalised, as a cache key.
    fn cache_key(&self) -> String {
        let f = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
        format!(
            "{}|{}|{}|{}|{}|{}",
            f(&self.service),
            f(&self.from),
            f(&self.to),
            f(&self.location),
            f(&self.staff),
            f(&self.presentable_on)
        )
    }
}
