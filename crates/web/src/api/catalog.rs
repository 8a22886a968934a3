//! `GET /api/v1/clinic`, `GET /api/v1/services`, `GET /api/v1/services/{slug}`.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use medspa_core::catalog::Service;
use medspa_core::protocol::{AnswerKind, Phase, Protocol};
use serde::Serialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clinic", get(clinic))
        .route("/api/v1/services", get(services))
        .route("/api/v1/services/{slug}", get(service))
}

#[derive(Serialize, ToSchema)]
pub struct AddressView {
    street: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
}

#[derive(Serialize, ToSchema)]
pub struct LocationView {
    id: String,
    name: String,
    timezone: String,
    /// One line, e.g. "2150 W Larkspur Avenue, Chicago, IL 60625".
    address: String,
    address_parts: AddressView,
    phone: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClinicView {
    name: String,
    phone: String,
    email: String,
    locations: Vec<LocationView>,
}

/// The clinic and its locations.
#[utoipa::path(get, path = "/api/v1/clinic", tag = "clinic", responses((status = 200, body = ClinicView)))]
pub async fn clinic(State(app): State<AppState>) -> Json<ClinicView> {
    let c = app.clinic();
    Json(ClinicView {
        name: c.info.name.clone(),
        phone: c.info.phone.clone(),
        email: c.info.email.clone(),
        locations: c
            .locations
            .iter()
            .map(|l| LocationView {
                id: l.id.to_string(),
                name: l.name.clone(),
                timezone: l.zone.name().to_owned(),
                address: l.address.one_line(),
                address_parts: AddressView {
                    street: l.address.street.clone(),
                    city: l.address.city.clone(),
                    region: l.address.region.clone(),
                    postal_code: l.address.postal_code.clone(),
                    country: l.address.country.clone(),
                },
                phone: l.phone.clone(),
            })
            .collect(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct ServiceSummary {
    slug: String,
    name: String,
    /// `treatment` or `consultation`.
    kind: String,
    summary: String,
    /// Total of all segments, buffers excluded.
    duration_minutes: u32,
    price_cents: i64,
    downtime_days: u32,
    consultation_required: bool,
}

impl ServiceSummary {
    fn of(s: &Service) -> Self {
        Self {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            kind: s.kind.as_str().to_owned(),
            summary: s.summary.clone(),
            duration_minutes: s.duration_minutes(),
            price_cents: s.price_cents,
            downtime_days: s.downtime_days,
            consultation_required: s.consultation_required,
        }
    }
}

/// Every bookable service, in display order.
#[utoipa::path(get, path = "/api/v1/services", tag = "services", responses((status = 200, body = [ServiceSummary])))]
pub async fn services(State(app): State<AppState>) -> Json<Vec<ServiceSummary>> {
    Json(
        app.clinic()
            .services
            .iter()
            .map(ServiceSummary::of)
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct ScreeningView {
    id: String,
    question: String,
    /// `yes_no`, `date` or `choice`.
    kind: String,
    required: bool,
    /// A `choice` question's options (the answer is one option's `value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<ChoiceOptionView>,
}

#[derive(Serialize, ToSchema)]
pub struct ChoiceOptionView {
    value: String,
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesSpec {
    sessions: u32,
    min_interval_weeks: u32,
    max_interval_weeks: u32,
}

#[derive(Serialize, ToSchema)]
pub struct StepSpec {
    /// Days relative to the treatment day (negative = before).
    day: i32,
    /// Last day of a daily range, when the step repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    until_day: Option<i32>,
    title: String,
    detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct SegmentView {
    label: String,
    duration_minutes: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    summary: ServiceSummary,
    description: String,
    suits: String,
    segments: Vec<SegmentView>,
    screening: Vec<ScreeningView>,
    series: Option<SeriesSpec>,
    prep: Vec<StepSpec>,
    aftercare: Vec<StepSpec>,
    /// The minimum days between booking and start: the earliest required pre-care step (the
    /// clinic may set more, never less).
    lead_time_days: u32,
}

fn steps<'a>(rules: impl Iterator<Item = &'a medspa_core::protocol::CareRule>) -> Vec<StepSpec> {
    rules
        .map(|r| StepSpec {
            day: r.from_day,
            until_day: r.to_day,
            title: r.title.clone(),
            detail: r.detail.clone(),
        })
        .collect()
}

fn detail(s: &Service) -> ServiceDetail {
    let p: &Protocol = &s.protocol;
    ServiceDetail {
        summary: ServiceSummary::of(s),
        description: s.description.clone(),
        suits: s.suits.clone(),
        segments: s
            .segments
            .iter()
            .map(|g| SegmentView {
                label: g.label.clone(),
                duration_minutes: g.duration_minutes,
            })
            .collect(),
        screening: p
            .screening
            .iter()
            .map(|q| ScreeningView {
                id: q.id.clone(),
                question: q.question.clone(),
                kind: match q.kind {
                    AnswerKind::YesNo => "yes_no".into(),
                    AnswerKind::Date => "date".into(),
                    AnswerKind::Choice => "choice".into(),
                },
                required: q.required,
                options: q
                    .options
                    .iter()
                    .map(|o| ChoiceOptionView {
                        value: o.value.clone(),
                        label: o.label.clone(),
                    })
                    .collect(),
            })
            .collect(),
        series: p.series.map(|x| SeriesSpec {
            sessions: x.sessions,
            min_interval_weeks: x.min_interval_weeks,
            max_interval_weeks: x.max_interval_weeks,
        }),
        prep: steps(p.prep()),
        aftercare: steps(p.aftercare().filter(|r| r.phase != Phase::CheckIn)),
        lead_time_days: p.lead_days(),
    }
}

/// One service with its screening questions, series and care steps.
#[utoipa::path(get, path = "/api/v1/services/{slug}", tag = "services",
    params(("slug" = String, Path, description = "Service slug, e.g. `halo`")),
    responses((status = 200, body = ServiceDetail), (status = 404, description = "Unknown service", content_type = "application/problem+json")))]
pub async fn service(
    State(app): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    let clinic = app.clinic();
    let s = clinic
        .service(&slug)
        .ok_or_else(|| ApiError::not_found("The service"))?;
    Ok(Json(detail(s)))
}
