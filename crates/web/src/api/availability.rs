//! `GET /api/v1/availability`: free slots for a service over a range of local dates.

use crate::booking::{resolve_location, resolve_staff};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::SlotView;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use medspa_core::availability::{self, Policy, Slot};
use medspa_core::clinic::Clinic;
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

/// Free slots for a service at a location over `[from, to]`, optionally for one staff member
/// and avoiding downtime over a date.
pub async fn find(
    app: &AppState,
    clinic: &Clinic,
    params: &AvailabilityParams,
) -> Result<(Vec<Slot>, String), ApiError> {
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
    let tz = location.zone.tz();
    let lo = medspa_core::time::start_of_day(from, tz).unwrap_or(i64::MIN);
    let hi =
        medspa_core::time::start_of_day(medspa_core::time::add_days(to, 1), tz).unwrap_or(i64::MAX);
    let holds = app.holds.get(&app.store, location.id, lo, hi).await?;
    let policy: Policy = app.config.policy;
    let q = availability::Query {
        clinic,
        service,
        location,
        from,
        to,
        staff,
        // As of the end of the current minute (see `availability`).
        now_ms: (app.clock.now().as_millisecond().div_euclid(60_000) + 1) * 60_000,
        policy: &policy,
        exclude: None,
    };
    let mut slots = availability::slots(&q, &holds);
    if let Some(day) = presentable_on {
        slots.retain(|s| {
            !downtime_overlaps(
                medspa_core::time::local_date(s.start, tz),
                service.downtime_days,
                day,
            )
        });
    }
    Ok((slots, location.zone.name().to_owned()))
}

/// Free slots, sorted by start, one per start time and staff member.
#[utoipa::path(get, path = "/api/v1/availability", tag = "booking", params(AvailabilityParams),
    responses((status = 200, body = AvailabilityView),
        (status = 404, description = "Unknown service", content_type = "application/problem+json"),
        (status = 422, description = "Bad or reversed dates, more than 62 dates", content_type = "application/problem+json")))]
pub async fn availability(
    State(app): State<AppState>,
    Query(params): Query<AvailabilityParams>,
) -> Result<Response, ApiError> {
    // Answers are cached per query for one hold-snapshot generation and one minute (and
    // computed as of the end of that minute, so a cached answer never offers a start that
    // becomes too soon before the minute is over). Any booking change bumps the generation.
    let key = params.cache_key();
    let minute = app.clock.now().as_millisecond().div_euclid(60_000);
    let generation = app.holds.generation();
    if let Some(body) = app.holds.cached_response(&key, generation, minute) {
        return Ok(json_bytes(body));
    }
    let clinic = app.clinic();
    let (slots, timezone) = find(&app, &clinic, &params).await?;
    let location = resolve_location(&clinic, params.location.as_deref(), "location")?;
    let view = AvailabilityView {
        service: params.service.clone().unwrap_or_default(),
        timezone,
        slots: slots
            .iter()
            .map(|s| SlotView::of(&clinic, location, s))
            .collect(),
    };
    let body = Bytes::from(serde_json::to_vec(&view).map_err(ApiError::internal)?);
    if app.holds.generation() == generation {
        app.holds
            .keep_response(key, generation, minute, body.clone());
    }
    Ok(json_bytes(body))
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
