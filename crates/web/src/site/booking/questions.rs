//! The questions step (one fieldset per screening question, the optional prefill from the
//! skin quiz) and the refusal page, with the protocol's reasons and the way to the free
//! consultation.
//!
//! Screening answers are health data: they travel only in this form's fields and the hidden
//! fields of the next steps, are never logged, and are stored only with a booking the client
//! agreed to. The quiz's answers are read only when the client ticks the box asking for it.

use super::Flow;
use super::draft::{DateParts, Draft, Fields};
use super::views::{Page, Progress, new_steps, progress, respond};
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::FormErrors;
use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use medspa_core::catalog::Service;
use medspa_core::protocol::{AnswerKind, Refusal};
use medspa_core::quiz::Flag;
use std::collections::BTreeMap;

/// What the questions step shows besides the carried answers.
#[derive(Default)]
pub struct Screening {
    pub errors: FormErrors,
    /// Dates as typed (when they didn't parse).
    pub parts: BTreeMap<String, DateParts>,
    /// A note about the quiz prefill.
    pub quiz_note: Option<String>,
    pub quiz_error: Option<String>,
}

struct QuestionView {
    field: String,
    text: String,
    yes_no: bool,
    choice: bool,
    /// A choice question's options: (value, label).
    options: Vec<(String, String)>,
    value: String,
    parts: DateParts,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "site/book_screening.html")]
struct ScreeningPage {
    progress: Vec<Progress>,
    csrf: String,
    hidden: Vec<(String, String)>,
    service: String,
    questions: Vec<QuestionView>,
    errors: FormErrors,
    action: String,
    quiz_action: String,
    has_quiz: bool,
    quiz_note: Option<String>,
    quiz_errors: FormErrors,
    back: String,
    consultation: String,
}

/// The questions step, with the carried answers (or the dates as typed) and any errors.
pub fn screening_page(
    app: &AppState,
    flow: &Flow,
    service: &Service,
    draft: &Draft,
    csrf: &CsrfToken,
    s: Screening,
) -> Result<Response, PageError> {
    let questions = service
        .protocol
        .screening
        .iter()
        .map(|q| {
            let field = format!("screening.{}", q.id);
            let value = draft.screening.get(&q.id).cloned().unwrap_or_default();
            QuestionView {
                error: s.errors.message(&field).map(str::to_owned),
                text: q.question.clone(),
                yes_no: q.kind == AnswerKind::YesNo,
                choice: q.kind == AnswerKind::Choice,
                options: q
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
                parts: s
                    .parts
                    .get(&q.id)
                    .cloned()
                    .unwrap_or_else(|| DateParts::of(&value)),
                value,
                field,
            }
        })
        .collect();
    let invalid = !s.errors.is_empty() || s.quiz_error.is_some();
    let page = ScreeningPage {
        progress: progress(&new_steps(Some(service)), "Questions"),
        csrf: csrf.value(),
        hidden: draft.hidden(Some(&service.protocol), &["screening"]),
        service: service.name.clone(),
        questions,
        errors: s.errors,
        action: flow.url("screening"),
        quiz_action: flow.url("quiz"),
        has_quiz: !draft.quiz.is_empty(),
        quiz_note: s.quiz_note,
        quiz_errors: {
            let mut e = FormErrors::default();
            if let Some(m) = &s.quiz_error {
                e.push("use_quiz", m);
            }
            e
        },
        back: flow.start(),
        consultation: flow.consultation(Some(service.slug.as_str())),
    };
    let status = if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    respond(
        app,
        flow.embed,
        &flow.start(),
        &Page::of(format!("A few questions: {}", service.name), &page)?
            .status(status)
            .with_errors(invalid),
    )
}

/// Fills in the questions the skin quiz also asked, when the client ticks the box. The quiz
/// answers are read only here, only on request, and only to prefill answers the client then
/// checks and sends themselves.
pub async fn quiz_prefill(
    app: &AppState,
    flow: &Flow,
    service: &Service,
    draft: &mut Draft,
    csrf: &CsrfToken,
    f: &Fields,
) -> Result<Response, PageError> {
    if f.get("use_quiz") != "true" {
        let s = Screening {
            quiz_error: Some(
                "Tick the box to use your quiz answers, or answer the questions yourself"
                    .to_owned(),
            ),
            ..Screening::default()
        };
        return screening_page(app, flow, service, draft, csrf, s);
    }
    let note = match crate::site::quiz::answers_from_token(app, &draft.quiz).await? {
        None => "We couldn't find your quiz answers (results with health answers are kept \
                 for 24 hours only). Please answer the questions below."
            .to_owned(),
        Some(quiz) => {
            // Same question, same meaning: copy yes and no. The quiz's "active breakout or
            // cold sore" is narrower than "active infection", so only its yes carries over.
            let pairs = [
                (Flag::Pregnant, "pregnant", true),
                (Flag::KeloidHistory, "keloid_history", true),
                (Flag::Melasma, "melasma", true),
                (Flag::ActiveBreakoutOrColdSore, "active_infection", false),
            ];
            let mut filled = 0;
            for (flag, id, both) in pairs {
                let asked = service
                    .protocol
                    .screening
                    .iter()
                    .any(|q| q.id == id && q.kind == AnswerKind::YesNo);
                let yes = quiz.flag(flag);
                if asked && (yes || both) {
                    draft
                        .screening
                        .insert(id.to_owned(), if yes { "yes" } else { "no" }.to_owned());
                    filled += 1;
                }
            }
            // The quiz's skin type (PROTOCOLS.md §6) answers the `fitzpatrick` question.
            if service
                .protocol
                .question("fitzpatrick")
                .is_some_and(|q| q.kind == AnswerKind::Choice)
            {
                let phototype = medspa_core::quiz::Phototype::from_score(quiz.score());
                draft
                    .screening
                    .insert("fitzpatrick".to_owned(), phototype.as_str().to_owned());
                filled += 1;
            }
            match filled {
                0 => "Your quiz didn't answer any of these questions, so please answer them below."
                    .to_owned(),
                1 => "We filled in 1 answer from your skin quiz. Please check it and answer the \
                      other questions."
                    .to_owned(),
                n => format!(
                    "We filled in {n} answers from your skin quiz. Please check them and answer \
                     the other questions."
                ),
            }
        }
    };
    let s = Screening {
        quiz_note: Some(note),
        ..Screening::default()
    };
    screening_page(app, flow, service, draft, csrf, s)
}

// ---- refusals ----

/// For a temporary condition (`reschedule_after`): the page that says from when the client
/// can book, with a button that continues the booking from that date.
pub fn book_from_notice(
    app: &AppState,
    flow: &Flow,
    service: &Service,
    draft: &Draft,
    csrf: &CsrfToken,
) -> Result<Option<Response>, PageError> {
    let Some(location) = app.clinic().default_location().cloned() else {
        return Ok(None);
    };
    let Ok(answers) = medspa_core::protocol::Answers::parse(
        &service.protocol,
        &draft.screening_json(&service.protocol),
    ) else {
        return Ok(None);
    };
    let ev = medspa_core::protocol::evaluate(
        &service.protocol,
        &answers,
        crate::booking::today(app, &location),
    );
    match (ev.outcome, ev.earliest_start) {
        (medspa_core::protocol::Outcome::RescheduleAfter, Some(earliest_start)) => {
            let refusal = Refusal::RescheduleAfter {
                earliest_start,
                reasons: ev.reasons,
            };
            refused_page(app, flow, service, draft, &csrf.value(), &refusal).map(Some)
        }
        _ => Ok(None),
    }
}

struct ReasonView {
    text: String,
    retry: Option<String>,
}

#[derive(Template)]
#[template(path = "site/book_refused.html")]
struct RefusedPage {
    csrf: String,
    hidden: Vec<(String, String)>,
    heading: String,
    intro: &'static str,
    reasons: Vec<ReasonView>,
    consultation: String,
    /// Where "Change my answers" posts (not when moving a booking).
    change: Option<String>,
    /// For a temporary condition: (date step action, `YYYY-MM-DD`, the date in words).
    book_from: Option<(String, String, String)>,
    phone: String,
    tel: String,
}

/// The refusal page: plain words, the protocol's reasons, the consultation link.
pub fn refused_page(
    app: &AppState,
    flow: &Flow,
    service: &Service,
    draft: &Draft,
    csrf: &str,
    refusal: &Refusal,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let (heading, intro) = match refusal {
        Refusal::RescheduleAfter { earliest_start, .. } => (
            format!(
                "Not yet: you can book {} from {}",
                service.name,
                super::slots::day_label_long(*earliest_start)
            ),
            "Your safety comes first. This is temporary: once it has passed you can go ahead. \
             Please check again when you come, and call us if anything changes.",
        ),
        Refusal::ConsultationRequired { .. } => (
            format!("Let's start with a consultation for {}", service.name),
            "A provider would like to see you before this treatment. The consultation is \
             complimentary, and you can book it online now.",
        ),
        _ => (
            format!("We can't book {} online for you right now", service.name),
            "Your safety comes first. Based on your answers, this treatment isn't right for \
             you at the moment, for these reasons:",
        ),
    };
    let page = RefusedPage {
        csrf: csrf.to_owned(),
        hidden: draft.hidden(Some(&service.protocol), &["start", "staff", "attempt"]),
        heading,
        intro,
        reasons: refusal
            .reasons()
            .iter()
            .map(|r| ReasonView {
                text: r.text.clone(),
                retry: r.retry_from.map(super::slots::day_label_long),
            })
            .collect(),
        consultation: flow.consultation(Some(service.slug.as_str())),
        change: flow.reschedule.is_none().then(|| flow.url("questions")),
        book_from: match refusal {
            Refusal::RescheduleAfter { earliest_start, .. } if flow.reschedule.is_none() => Some((
                flow.url("date"),
                earliest_start.to_string(),
                super::slots::day_label_long(*earliest_start),
            )),
            _ => None,
        },
        tel: crate::site::layout::tel(&clinic.info.phone),
        phone: clinic.info.phone.clone(),
    };
    respond(
        app,
        flow.embed,
        &flow.start(),
        &Page::of(page.heading.clone(), &page)?,
    )
}
