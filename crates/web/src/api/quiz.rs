//! `GET /api/v1/quiz` (the questions) and `POST /api/v1/quiz` (answers -> phototype, ranked
//! and explained recommendations, cautions), per DESIGN.md. A thin edge over the pure engine in
//! `medspa_core::quiz`: nothing is stored and answers are never logged. Recommendations for
//! services this clinic does not offer are dropped (the same filter the `/quiz` pages use).

use crate::api::ApiJson;
use crate::error::ApiError;
use crate::site::quiz::offered;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use medspa_core::quiz::{
    DISCLAIMER, PHOTOTYPE_NOTE, QuestionKind, QuizAnswers, Recommendation, evaluate, questions,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/quiz", get(list).post(answer))
}

/// One option of a `single` or `multi` question.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionView {
    /// What to send back (Fitzpatrick items: the points, "0".."4").
    value: String,
    label: String,
}

/// One quiz question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    /// `fitz_1`..`fitz_10`, `concerns`, `downtime`, `budget`, or a safety flag.
    id: String,
    text: String,
    /// `single` (send an option value), `multi` (an array of values) or `yes_no` (a boolean).
    #[schema(pattern = "^(single|multi|yes_no)$")]
    kind: String,
    /// Empty for `yes_no`.
    options: Vec<OptionView>,
    /// The page of the five-step form it belongs to (1..=5).
    step: u8,
    /// Extra guidance shown with the question.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

/// The answers, by question id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QuizBody {
    /// `{id: value}`: single questions take an option value, `concerns` an array of values
    /// (may be empty), safety flags a boolean.
    #[schema(value_type = Object)]
    answers: Option<Map<String, Value>>,
}

/// A recommended (or left-out) service and the answers behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    /// Service slug.
    service: String,
    /// Plain-language reasons that cite the answers.
    reasons: Vec<String>,
}

/// The quiz outcome. Educational, never a diagnosis: show `disclaimer` next to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuizResultView {
    /// Estimated Fitzpatrick phototype, `I`..`VI`.
    #[schema(pattern = "^(I|II|III|IV|V|VI)$")]
    phototype: String,
    /// Questionnaire total, 0-40.
    score: u8,
    /// Best first; the complimentary consultation is always listed.
    recommendations: Vec<RecommendationView>,
    cautions: Vec<String>,
    consultation_advised: bool,
    /// Services that matched a concern but are left out because of a safety answer, with why.
    left_out: Vec<RecommendationView>,
    /// What the phototype estimate can and cannot tell.
    phototype_note: String,
    /// The non-diagnostic notice to show with the result.
    disclaimer: String,
    /// A link to this result that carries no personal data; null when a safety answer is yes
    /// (health answers never ride in a link).
    share_url: Option<String>,
}

/// The quiz questions in form order.
#[utoipa::path(get, path = "/api/v1/quiz", tag = "quiz",
    responses((status = 200, body = [QuestionView])))]
pub async fn list() -> Json<Vec<QuestionView>> {
    Json(
        questions()
            .into_iter()
            .map(|q| QuestionView {
                id: q.id,
                text: q.text,
                kind: kind_str(q.kind).to_owned(),
                options: q
                    .options
                    .into_iter()
                    .map(|o| OptionView {
                        value: o.value,
                        label: o.label,
                    })
                    .collect(),
                step: q.step,
                help: q.help,
            })
            .collect(),
    )
}

/// Scores the answers: phototype, ranked recommendations with reasons, cautions.
#[utoipa::path(post, path = "/api/v1/quiz", tag = "quiz", request_body = QuizBody,
    responses((status = 200, body = QuizResultView),
        (status = 422, description = "A missing or invalid answer (`validation_failed`, field `answers.<id>`)", content_type = "application/problem+json"),
        (status = 400, description = "`malformed_json`: the body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send `Content-Type: application/json`", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", content_type = "application/problem+json")))]
pub async fn answer(
    State(app): State<AppState>,
    body: ApiJson<QuizBody>,
) -> Result<Json<QuizResultView>, ApiError> {
    let Some(raw) = body.value.answers else {
        return Err(ApiError::field("answers", "Send the answers as an object"));
    };
    let answers = QuizAnswers::parse(&raw)?;
    let result = offered(evaluate(&answers), &app.clinic());
    let share_url = answers
        .to_query()
        .map(|q| format!("{}/quiz/result?{q}", app.config.base_url));
    let view = |r: Recommendation| RecommendationView {
        service: r.service,
        reasons: r.reasons,
    };
    Ok(Json(QuizResultView {
        phototype: result.phototype.as_str().to_owned(),
        score: result.score,
        recommendations: result.recommendations.into_iter().map(view).collect(),
        cautions: result.cautions,
        consultation_advised: result.consultation_advised,
        left_out: result.left_out.into_iter().map(view).collect(),
        phototype_note: PHOTOTYPE_NOTE.to_owned(),
        disclaimer: DISCLAIMER.to_owned(),
        share_url,
    }))
}

/// The wire name of a question kind (DESIGN.md).
pub const fn kind_str(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "single",
        QuestionKind::Multi => "multi",
        QuestionKind::YesNo => "yes_no",
    }
}
