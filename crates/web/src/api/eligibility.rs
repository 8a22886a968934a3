//! `POST /api/v1/eligibility`: may this client book this service, and from when?

use crate::api::ApiJson;
use crate::booking::{earliest_instant, today};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::rfc3339;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use medspa_core::input::InvalidInput;
use medspa_core::protocol::{Answers, Outcome, evaluate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/eligibility", post(eligibility))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EligibilityBody {
    /// Service slug.
    service: Option<String>,
    /// Answers by question id: yes/no as booleans, dates as `YYYY-MM-DD` or null.
    #[schema(value_type = Object)]
    #[serde(default)]
    screening: Option<Map<String, Value>>,
    /// Location id (optional with one location).
    location: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    pub rule: String,
    pub text: String,
    /// When a temporary refusal lifts (local date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_from: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityView {
    /// `eligible`, `consultation_required`, `not_eligible` or `reschedule_after` (a temporary
    /// condition: bookable from `earliest_start`).
    outcome: String,
    /// Why the outcome is not `eligible`, in plain words.
    reasons: Vec<String>,
    /// The same reasons with rule ids and retry dates.
    reason_details: Vec<ReasonView>,
    /// Eligible-with-a-note remarks (e.g. antiviral planning for cold sores).
    cautions: Vec<String>,
    /// The earliest allowed start (RFC 3339): the service's lead time, the prep windows and
    /// any temporary condition, never before now plus the minimum notice; null for
    /// `not_eligible` and `consultation_required`.
    earliest_start: Option<String>,
    /// Link to book the free consultation when one is needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    consultation_url: Option<String>,
}

/// Applies the service's screening rules to the answers.
#[utoipa::path(post, path = "/api/v1/eligibility", tag = "booking", request_body = EligibilityBody,
    responses((status = 200, body = EligibilityView),
        (status = 422, description = "Missing or invalid answers (field `screening.<id>`), unknown service", content_type = "application/problem+json"),
        (status = 400, description = "`malformed_json`: the body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send `Content-Type: application/json`", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", content_type = "application/problem+json")))]
pub async fn eligibility(
    State(app): State<AppState>,
    body: ApiJson<EligibilityBody>,
) -> Result<Json<EligibilityView>, ApiError> {
    let body = body.value;
    let clinic = app.clinic();
    let slug = body.service.as_deref().map(str::trim).unwrap_or_default();
    let Some(service) = clinic.service(slug) else {
        return Err(ApiError::field(
            "service",
            if slug.is_empty() {
                "Choose a service"
            } else {
                "Unknown service"
            },
        ));
    };
    let location = crate::booking::resolve_location(&clinic, body.location.as_deref(), "location")?;
    let raw = body.screening.unwrap_or_default();
    let answers =
        Answers::parse(&service.protocol, &raw).map_err(|e: InvalidInput| ApiError::from(e))?;
    let ev = evaluate(&service.protocol, &answers, today(&app, location));
    let earliest_start =
        matches!(ev.outcome, Outcome::Eligible | Outcome::RescheduleAfter).then(|| {
            let date = ev.earliest_start.unwrap_or_else(|| today(&app, location));
            rfc3339(earliest_instant(&app, location, date), location)
        });
    let consultation_url = matches!(
        ev.outcome,
        Outcome::ConsultationRequired | Outcome::NotEligible
    )
    .then(|| {
        format!(
            "{}/book/consultation?service={}",
            app.config.base_url, service.slug
        )
    });
    Ok(Json(EligibilityView {
        outcome: ev.outcome.as_str().to_owned(),
        reasons: ev.reasons.iter().map(|r| r.text.clone()).collect(),
        reason_details: ev
            .reasons
            .iter()
            .map(|r| ReasonView {
                rule: r.rule.clone(),
                text: r.text.clone(),
                retry_from: r.retry_from.map(|d| d.to_string()),
            })
            .collect(),
        cautions: ev.cautions.iter().map(|r| r.text.clone()).collect(),
        earliest_start,
        consultation_url,
    }))
}
