//! `/quiz`: the explainable skin quiz as five server-rendered steps that work without
//! JavaScript, and its result pages ([`result`]).
//!
//! No server state while answering: each step is one `<form method="post" action="/quiz">`
//! carrying the other steps' answers in hidden fields, plus `step` (the page being sent) and
//! the pressed button's `action` (`next` or `back`). The body is read with
//! `form_urlencoded` because `concerns` repeats; a hidden empty `concerns` field marks the
//! question as answered with nothing ticked. Only known ids and listed option values are kept,
//! so nothing the visitor did not choose is ever echoed back.
//!
//! On the last step a valid set of answers goes POST-redirect-GET to its result: answers
//! without a health flag live entirely in the link (`/quiz/result?f=..`, [`QuizAnswers::to_query`]);
//! with a flag they are kept sealed for [`SAVED_FOR`] under a random id (`/quiz/result/{id}`).
//! Answers are never logged and never stored otherwise (the booking flow may add them to a
//! booking's screening data when the client books and agrees; see [`answers_from_token`]).

mod result;

use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::{FormErrors, invalid, see_other};
use crate::site::html;
use crate::site::layout::Layout;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use jiff::SignedDuration;
use medspa_core::clinic::Clinic;
use medspa_core::input::InvalidInput;
use medspa_core::quiz::{
    DISCLAIMER, Question, QuestionKind, QuizAnswers, QuizResult, STEP_TITLES, questions,
};
use medspa_store::StoreError;
use medspa_store::quiz::{QuizResultId, answers_json};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How long a result with health answers stays reachable by its link.
pub const SAVED_FOR: SignedDuration = SignedDuration::from_hours(24);

/// Pages of the form.
const STEPS: u8 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quiz", get(start).post(submit))
        .route("/quiz/result", get(result::shared))
        .route("/quiz/result/{id}", get(result::saved))
        .route("/quiz/result/{id}/forget", post(result::forget))
}

/// The result without services this clinic does not offer (a self-hosted catalog may lack
/// some of the engine's rows); the API applies the same filter.
pub fn offered(mut result: QuizResult, clinic: &Clinic) -> QuizResult {
    result
        .recommendations
        .retain(|r| clinic.service(&r.service).is_some());
    result
        .left_out
        .retain(|r| clinic.service(&r.service).is_some());
    result
}

/// The `quiz` value the result page adds to its booking links: the answers' query string
/// (no health flag; percent-encode it as a parameter) or a saved result's 32-hex-digit id.
pub fn token(answers: &QuizAnswers, saved: Option<QuizResultId>) -> String {
    match (answers.to_query(), saved) {
        (_, Some(id)) => id.to_hex(),
        (Some(q), None) => q,
        (None, None) => String::new(),
    }
}

/// For the booking flow: the answers behind a `quiz` parameter of a link from the results page
/// (already percent-decoded, as axum's `Query` gives it), or `None` when it is malformed,
/// unknown or expired. Health data: use it only to prefill screening answers the client then
/// confirms, and store it only with the booking, once the client agrees.
pub async fn answers_from_token(
    app: &AppState,
    token: &str,
) -> Result<Option<QuizAnswers>, StoreError> {
    let token = token.trim();
    if let Some(id) = QuizResultId::parse(token) {
        let now = app.clock.now().as_millisecond();
        return Ok(app.store.quiz_result(id, now).await?.map(|s| s.answers));
    }
    if token.starts_with("f=") || token.contains("&f=") {
        return Ok(QuizAnswers::from_query(token).ok());
    }
    Ok(None)
}

/// The answers given so far, as submitted: only known question ids and listed values.
#[derive(Clone, Debug, Default)]
struct Draft {
    /// Question id -> chosen values. `concerns` may be present and empty (answered: none).
    values: BTreeMap<String, Vec<String>>,
}

impl Draft {
    /// Keeps `value` for `q` when it is one of its options (yes/no: `yes` or `no`).
    fn offer(&mut self, q: &Question, value: &str) {
        let listed = match q.kind {
            QuestionKind::YesNo => value == "yes" || value == "no",
            _ => q.options.iter().any(|o| o.value == value),
        };
        match q.kind {
            QuestionKind::Multi => {
                let chosen = self.values.entry(q.id.clone()).or_default();
                if listed && !chosen.iter().any(|v| v == value) {
                    chosen.push(value.to_owned());
                }
            }
            _ if listed => {
                self.values.insert(q.id.clone(), vec![value.to_owned()]);
            }
            _ => {}
        }
    }

    fn chose(&self, id: &str, value: &str) -> bool {
        self.values
            .get(id)
            .is_some_and(|vs| vs.iter().any(|v| v == value))
    }

    /// The API's `{id: value}` object for [`QuizAnswers::parse`].
    fn to_json(&self, qs: &[Question]) -> Map<String, Value> {
        let mut m = Map::new();
        for q in qs {
            let Some(vs) = self.values.get(&q.id) else {
                continue;
            };
            let value = match q.kind {
                QuestionKind::Multi => Value::Array(vs.iter().cloned().map(Value::from).collect()),
                QuestionKind::YesNo => Value::Bool(vs.first().is_some_and(|v| v == "yes")),
                QuestionKind::Single => Value::from(vs.first().cloned().unwrap_or_default()),
            };
            m.insert(q.id.clone(), value);
        }
        m
    }

    /// A draft holding every answer of an API-style `{id: value}` object.
    fn from_json(m: &Map<String, Value>, qs: &[Question]) -> Self {
        let mut draft = Self::default();
        for q in qs {
            match m.get(&q.id) {
                Some(Value::String(v)) => draft.offer(q, v),
                Some(Value::Bool(b)) => draft.offer(q, if *b { "yes" } else { "no" }),
                Some(Value::Array(vs)) => {
                    draft.values.entry(q.id.clone()).or_default();
                    for v in vs.iter().filter_map(Value::as_str) {
                        draft.offer(q, v);
                    }
                }
                _ => {}
            }
        }
        draft
    }

    /// Hidden fields for every answer outside `step`, in question order.
    fn hidden(&self, qs: &[Question], step: u8) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for q in qs.iter().filter(|q| q.step != step) {
            let Some(vs) = self.values.get(&q.id) else {
                continue;
            };
            if q.kind == QuestionKind::Multi {
                out.push((q.id.clone(), String::new()));
            }
            out.extend(vs.iter().map(|v| (q.id.clone(), v.clone())));
        }
        out
    }
}

/// A submitted step.
struct Submission {
    draft: Draft,
    step: u8,
    back: bool,
}

fn read_form(body: &[u8], qs: &[Question]) -> Submission {
    let mut sub = Submission {
        draft: Draft::default(),
        step: 1,
        back: false,
    };
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "step" => {
                sub.step = value
                    .parse()
                    .ok()
                    .filter(|s| (1..=STEPS).contains(s))
                    .unwrap_or(1);
            }
            "action" => sub.back = value == "back",
            id => {
                if let Some(q) = qs.iter().find(|q| q.id == id) {
                    sub.draft.offer(q, &value);
                }
            }
        }
    }
    sub
}

/// The earliest step up to `upto` with an invalid answer, and that step's errors (fields
/// named by question id, which is also the first input's id, so the summary links land).
fn errors_upto(e: &InvalidInput, qs: &[Question], upto: u8) -> Option<(u8, FormErrors)> {
    let step_of = |field: &str| {
        let id = field.strip_prefix("answers.").unwrap_or(field);
        qs.iter()
            .find(|q| q.id == id)
            .map(|q| (q.step, q.id.as_str()))
    };
    let first = e
        .errors
        .iter()
        .filter_map(|fe| step_of(&fe.field))
        .map(|(s, _)| s)
        .filter(|s| *s <= upto)
        .min()?;
    let mut errors = FormErrors::default();
    for fe in &e.errors {
        if let Some((s, id)) = step_of(&fe.field)
            && s == first
        {
            errors.push(id, &fe.message);
        }
    }
    Some((first, errors))
}

/// One option as an input.
struct Choice {
    input_id: String,
    value: String,
    label: String,
    checked: bool,
}

/// One question as a fieldset.
struct Field {
    id: String,
    text: String,
    checkbox: bool,
    /// Two short options side by side (yes/no).
    inline: bool,
    help: Option<String>,
    error: Option<String>,
    describedby: String,
    choices: Vec<Choice>,
}

/// A step of the progress list.
struct StepLink {
    number: u8,
    title: &'static str,
    done: bool,
    current: bool,
}

#[derive(Template)]
#[template(path = "site/quiz.html")]
struct StepPage {
    layout: Layout,
    csrf: String,
    step: u8,
    steps_total: u8,
    title: &'static str,
    steps: Vec<StepLink>,
    fields: Vec<Field>,
    hidden: Vec<(String, String)>,
    errors: FormErrors,
    disclaimer: &'static str,
    /// Shown on the first page after "Forget this result".
    forgotten: bool,
}

fn step_page(
    app: &AppState,
    csrf: &CsrfToken,
    qs: &[Question],
    draft: &Draft,
    step: u8,
    errors: FormErrors,
) -> StepPage {
    let title = STEP_TITLES[usize::from(step - 1)];
    let fields = qs
        .iter()
        .filter(|q| q.step == step)
        .map(|q| field(q, draft, &errors))
        .collect();
    let steps = (1..=STEPS)
        .map(|n| StepLink {
            number: n,
            title: STEP_TITLES[usize::from(n - 1)],
            done: n < step,
            current: n == step,
        })
        .collect();
    let mut layout = Layout::new(
        app,
        &format!("Skin quiz, step {step} of {STEPS}: {title}"),
        "/quiz",
    )
    .describe(
        "A short, explainable skin quiz: your sun-reaction skin type, what you'd like to \
         improve, and treatments to talk over with a provider. Not a diagnosis.",
    )
    .title_prefix(errors.title_prefix());
    if step > 1 {
        layout = layout.noindex();
    }
    StepPage {
        layout,
        csrf: csrf.value(),
        step,
        steps_total: STEPS,
        title,
        steps,
        fields,
        hidden: draft.hidden(qs, step),
        errors,
        disclaimer: DISCLAIMER,
        forgotten: false,
    }
}

fn field(q: &Question, draft: &Draft, errors: &FormErrors) -> Field {
    let options: Vec<(String, String)> = match q.kind {
        QuestionKind::YesNo => vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
        _ => q
            .options
            .iter()
            .map(|o| (o.value.clone(), o.label.clone()))
            .collect(),
    };
    let choices = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| Choice {
            // The first input carries the question id: the error summary links to it.
            input_id: if i == 0 {
                q.id.clone()
            } else {
                format!("{}-{value}", q.id)
            },
            checked: draft.chose(&q.id, &value),
            value,
            label,
        })
        .collect();
    Field {
        id: q.id.clone(),
        text: q.text.clone(),
        checkbox: q.kind == QuestionKind::Multi,
        inline: q.kind == QuestionKind::YesNo,
        help: q.help.clone(),
        error: errors.message(&q.id).map(str::to_owned),
        describedby: errors.describedby(&q.id, q.help.is_some()),
        choices,
    }
}

/// `GET /quiz`: the first step, with the disclaimer. `?quiz={token}` (the "Change my
/// answers" link of a result) fills every step in from that result.
async fn start(
    State(app): State<AppState>,
    csrf: CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let qs = questions();
    let mut forgotten = false;
    let mut draft = Draft::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "forgotten" => forgotten = value == "1",
            "quiz" => {
                if let Some(answers) = answers_from_token(&app, &value).await? {
                    draft = Draft::from_json(&answers_json(&answers), &qs);
                }
            }
            _ => {}
        }
    }
    let mut page = step_page(&app, &csrf, &qs, &draft, 1, FormErrors::default());
    "Skin quiz".clone_into(&mut page.layout.title);
    page.forgotten = forgotten;
    html(&page)
}

/// `POST /quiz`: checks the sent step; shows the next (or previous) one, the same one again
/// with its errors (422), or redirects to the result after the last.
async fn submit(
    State(app): State<AppState>,
    csrf: CsrfToken,
    body: Bytes,
) -> Result<Response, PageError> {
    let qs = questions();
    let sub = read_form(&body, &qs);
    if sub.back {
        let step = sub.step.saturating_sub(1).max(1);
        return html(&step_page(
            &app,
            &csrf,
            &qs,
            &sub.draft,
            step,
            FormErrors::default(),
        ));
    }
    match QuizAnswers::parse(&sub.draft.to_json(&qs)) {
        Ok(answers) if sub.step == STEPS => finish(&app, &answers).await,
        Ok(_) => html(&step_page(
            &app,
            &csrf,
            &qs,
            &sub.draft,
            sub.step + 1,
            FormErrors::default(),
        )),
        Err(e) => match errors_upto(&e, &qs, sub.step) {
            Some((step, errors)) => invalid(&step_page(&app, &csrf, &qs, &sub.draft, step, errors)),
            None => html(&step_page(
                &app,
                &csrf,
                &qs,
                &sub.draft,
                (sub.step + 1).min(STEPS),
                FormErrors::default(),
            )),
        },
    }
}

/// Sends a complete set of answers to its result page (POST-redirect-GET).
async fn finish(app: &AppState, answers: &QuizAnswers) -> Result<Response, PageError> {
    if let Some(query) = answers.to_query() {
        return Ok(see_other(&format!("/quiz/result?{query}")));
    }
    let now = app.clock.now().as_millisecond();
    let ttl = i64::try_from(SAVED_FOR.as_millis()).unwrap_or(i64::MAX);
    let (id, _) = app.store.save_quiz_result(answers, now, ttl).await?;
    Ok(see_other(&format!("/quiz/result/{}", id.to_hex())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    }

    #[test]
    fn keeps_only_listed_values_and_marks_empty_concerns() {
        let qs = questions();
        let sub = read_form(
            &form(&[
                ("step", "4"),
                ("fitz_1", "9"),
                ("fitz_2", "3"),
                ("concerns", ""),
                ("downtime", "week"),
                ("pregnant", "maybe"),
                ("unknown", "x"),
                ("action", "next"),
            ]),
            &qs,
        );
        assert_eq!(sub.step, 4);
        assert!(!sub.back);
        let json = sub.draft.to_json(&qs);
        assert!(!json.contains_key("fitz_1") && !json.contains_key("pregnant"));
        assert_eq!(json["fitz_2"], "3");
        assert_eq!(json["concerns"], Value::Array(Vec::new()));
        let hidden = sub.draft.hidden(&qs, 4);
        assert_eq!(hidden, vec![("fitz_2".to_owned(), "3".to_owned())]);
        let hidden = sub.draft.hidden(&qs, 1);
        assert!(hidden.contains(&("concerns".to_owned(), String::new())));
        assert!(hidden.contains(&("downtime".to_owned(), "week".to_owned())));
    }

    #[test]
    fn errors_point_at_the_earliest_bad_step() {
        let qs = questions();
        let mut draft = Draft::default();
        for q in qs.iter().filter(|q| q.step == 1 && q.id != "fitz_3") {
            draft.offer(q, "2");
        }
        let e = QuizAnswers::parse(&draft.to_json(&qs)).unwrap_err();
        let (step, errors) = errors_upto(&e, &qs, 3).unwrap();
        assert_eq!(step, 1);
        assert_eq!(errors.len(), 1);
        assert!(errors.message("fitz_3").is_some());
        assert!(errors_upto(&e, &qs, 0).is_none());
    }
}
