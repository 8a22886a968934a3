//! The quiz result pages: `/quiz/result?f=..` (answers without a health flag, recomputed from
//! the link, cacheable) and `/quiz/result/{id}` (a sealed, short-lived saved result; never
//! cached), plus `POST /quiz/result/{id}/forget`.
//!
//! A result shows the non-diagnostic notice first (with its red-flag routing), the estimated
//! phototype with its limitations, a consultation callout when advised, cautions, the ranked
//! recommendations each with the answers behind it and its booking links, what was left out
//! and why, and the share link. Booking links carry `from=quiz&quiz={token}` (see
//! [`super::token`]); an unknown, malformed or expired result is a friendly 404.

use super::{SAVED_FOR, offered, token};
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::see_other;
use crate::site::format;
use crate::site::html;
use crate::site::layout::Layout;
use crate::site::treatments::Card;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use medspa_core::quiz::{DISCLAIMER, PHOTOTYPE_NOTE, QuizAnswers, Recommendation, evaluate};
use medspa_store::quiz::QuizResultId;

/// Further limits of a self-reported phototype (PROTOCOLS.md §6, S88-S91), beyond
/// [`PHOTOTYPE_NOTE`].
const LIMITS: &str = "The questionnaire was first designed for white skin and groups very \
    different skins together in types IV to VI; recent sun can also push the estimate up. \
    It is a starting point for a conversation, not a measurement.";

/// One recommended (or left-out) service.
struct Rec {
    slug: String,
    name: String,
    summary: String,
    price: String,
    downtime: String,
    duration: String,
    is_consultation: bool,
    reasons: Vec<String>,
    /// `Book now`, unless the service needs a consultation first.
    book_url: Option<String>,
    consult_url: String,
    /// The consultation button is the main one.
    consult_first: bool,
}

/// How the page was reached, for the share section.
struct Saved {
    expires: String,
    forget_action: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "site/quiz_result.html")]
struct ResultPage {
    layout: Layout,
    disclaimer: &'static str,
    phototype: &'static str,
    phototype_description: &'static str,
    score: u8,
    phototype_note: &'static str,
    limits: &'static str,
    consultation_advised: bool,
    consultation_reasons: Vec<String>,
    consult_url: String,
    /// `/quiz?quiz=..`: the form again, filled in with these answers.
    change_url: String,
    cautions: Vec<String>,
    recommendations: Vec<Rec>,
    left_out: Vec<Rec>,
    share_url: String,
    saved: Option<Saved>,
}

fn not_found() -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        "Quiz result not found",
        "This quiz result has expired, was deleted, or its link is incomplete. Results that \
         include safety answers are kept for 24 hours only. You can take the skin quiz again \
         from the menu; it takes about three minutes.",
    )
}

/// `quiz=..`, the result's token as a query parameter.
fn quiz_param(token: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("quiz={encoded}")
}

fn page(
    app: &AppState,
    answers: &QuizAnswers,
    saved_id: Option<QuizResultId>,
    share_url: String,
    saved: Option<Saved>,
) -> ResultPage {
    let clinic = app.clinic();
    let result = offered(evaluate(answers), &clinic);
    let quiz = quiz_param(&token(answers, saved_id));
    let ctx = format!("from=quiz&{quiz}");
    let consult_url = format!("/book/consultation?{ctx}");
    let split = result
        .recommendations
        .iter()
        .position(|r| r.service == "consultation");
    let rec = |(i, r): (usize, Recommendation)| {
        let service = clinic.service(&r.service)?;
        let card = Card::new(service);
        let after_consultation = split.is_some_and(|s| i > s);
        let consult_first =
            result.consultation_advised || after_consultation || service.consultation_required;
        Some(Rec {
            book_url: (!card.is_consultation && !service.consultation_required)
                .then(|| format!("/book?service={}&{ctx}", card.slug)),
            consult_url: if card.is_consultation {
                consult_url.clone()
            } else {
                format!("/book/consultation?service={}&{ctx}", card.slug)
            },
            consult_first,
            slug: card.slug,
            name: card.name,
            summary: card.summary,
            price: card.price,
            downtime: card.downtime,
            duration: card.duration,
            is_consultation: card.is_consultation,
            reasons: r.reasons,
        })
    };
    let consultation_reasons = result
        .recommendations
        .iter()
        .find(|r| r.service == "consultation")
        .map(|r| r.reasons.iter().skip(1).cloned().collect())
        .unwrap_or_default();
    let recommendations = result
        .recommendations
        .into_iter()
        .enumerate()
        .filter_map(rec)
        .collect();
    let left_out = result
        .left_out
        .into_iter()
        .enumerate()
        .filter_map(rec)
        .collect();
    let layout = Layout::new(app, "Your skin quiz results", "/quiz/result")
        .describe("Suggestions from the skin quiz, with the answers behind each one.")
        .noindex();
    ResultPage {
        layout,
        disclaimer: DISCLAIMER,
        phototype: result.phototype.as_str(),
        phototype_description: result.phototype.description(),
        score: result.score,
        phototype_note: PHOTOTYPE_NOTE,
        limits: LIMITS,
        consultation_advised: result.consultation_advised,
        consultation_reasons,
        consult_url,
        change_url: format!("/quiz?{quiz}"),
        cautions: result.cautions,
        recommendations,
        left_out,
        share_url,
        saved,
    }
}

/// `GET /quiz/result?f=..&c=..&d=..&b=..`: a result without health answers, from its link.
pub async fn shared(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let answers =
        QuizAnswers::from_query(query.as_deref().unwrap_or("")).map_err(|_| not_found())?;
    let Some(canonical) = answers.to_query() else {
        return Err(not_found());
    };
    let share_url = format!("{}/quiz/result?{canonical}", app.config.base_url);
    let mut res = html(&page(&app, &answers, None, share_url, None))?;
    // The same link always shows the same page: shared caches may keep it for a while.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(res)
}

/// `GET /quiz/result/{id}`: a saved result (it had health answers), until it expires.
pub async fn saved(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = QuizResultId::parse(&raw).ok_or_else(not_found)?;
    let now = app.clock.now();
    let found = app
        .store
        .quiz_result(id, now.as_millisecond())
        .await?
        .ok_or_else(not_found)?;
    let hex = id.to_hex();
    let saved = Saved {
        expires: expiry_words(&app, found.expires_at_ms),
        forget_action: format!("/quiz/result/{hex}/forget"),
        csrf: csrf.value(),
    };
    let share_url = format!("{}/quiz/result/{hex}", app.config.base_url);
    let mut res = html(&page(
        &app,
        &found.answers,
        Some(id),
        share_url,
        Some(saved),
    ))?;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `POST /quiz/result/{id}/forget`: deletes a saved result now.
pub async fn forget(
    State(app): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = QuizResultId::parse(&raw).ok_or_else(not_found)?;
    app.store.forget_quiz_result(id).await?;
    Ok(see_other("/quiz?forgotten=1"))
}

/// "9:00 AM on November 26, 2026" in the clinic's zone.
fn expiry_words(app: &AppState, at_ms: i64) -> String {
    let clinic = app.clinic();
    let tz = clinic
        .default_location()
        .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
    let at = Timestamp::from_millisecond(at_ms)
        .unwrap_or_else(|_| app.clock.now() + SAVED_FOR)
        .to_zoned(tz);
    format!(
        "{} on {}",
        format::clock(at.time()),
        format::long_date(at.date())
    )
}
