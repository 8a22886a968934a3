//! Screening answers: parsed once at the edge against a service's questions, then trusted.
//!
//! Answers are health data: `Debug` is redacted, there is no `Display`, and parse errors name
//! the field (`screening.<id>`) without echoing the value. The serde form is the JSON object
//! the API and the store use: `{"pregnant": false, "retinoid_last_used": "2026-11-01",
//! "isotretinoin_last_dose": null}`.

use super::{AnswerKind, Protocol};
use crate::input::InvalidInput;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// One answer: a yes/no, a date where `None` means "never / not applicable", or the value of
/// one option of a choice question.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Date(Option<Date>),
    Choice(String),
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Answer(***)")
    }
}

/// A client's screening answers by question id. Health data.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(BTreeMap<String, Answer>);

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Answers({} answer(s), ***)", self.0.len())
    }
}

const MISSING: &str = "Please answer this question";
const YES_NO: &str = "Answer yes or no";
const DATE: &str = "Enter a date as YYYY-MM-DD, or null if never";
const DATE_EMPTY: &str = "Please answer this question: a date as YYYY-MM-DD, or null if never";
const CHOICE: &str = "Choose one of the options";

impl Answers {
    /// No answers (use [`Answers::with`] to build a set in code and tests).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the raw `screening` object against `protocol`'s questions. Errors use the field
    /// `screening.<id>`: a missing required answer, a non-boolean yes/no, a date that is not
    /// `YYYY-MM-DD` (a `null` date is a valid "never"; an empty string is "not answered"), a
    /// choice that is not one of the options. All errors are reported at once.
    /// Unknown ids are ignored and not kept; an optional question may be left out (or `null`
    /// for a yes/no).
    pub fn parse(protocol: &Protocol, raw: &Map<String, Value>) -> Result<Self, InvalidInput> {
        let mut answers = BTreeMap::new();
        let mut errors = InvalidInput::default();
        for q in &protocol.screening {
            let field = format!("screening.{}", q.id);
            let parsed = match (q.kind, raw.get(&q.id)) {
                (AnswerKind::YesNo | AnswerKind::Choice, None | Some(Value::Null))
                | (AnswerKind::Date, None) => {
                    if q.required {
                        errors.push(field, MISSING);
                    }
                    continue;
                }
                (AnswerKind::YesNo, Some(Value::Bool(b))) => Ok(Answer::YesNo(*b)),
                (AnswerKind::YesNo, Some(_)) => Err(YES_NO),
                (AnswerKind::Date, Some(Value::Null)) => Ok(Answer::Date(None)),
                (AnswerKind::Date, Some(Value::String(s))) if s.trim().is_empty() => {
                    Err(DATE_EMPTY)
                }
                (AnswerKind::Date, Some(Value::String(s))) => {
                    parse_date(s).map(|d| Answer::Date(Some(d))).ok_or(DATE)
                }
                (AnswerKind::Date, Some(_)) => Err(DATE),
                (AnswerKind::Choice, Some(Value::String(s))) if q.has_option(s) => {
                    Ok(Answer::Choice(s.clone()))
                }
                (AnswerKind::Choice, Some(_)) => Err(CHOICE),
            };
            match parsed {
                Ok(a) => {
                    answers.insert(q.id.clone(), a);
                }
                Err(message) => errors.push(field, message),
            }
        }
        errors.into_result().map(|()| Self(answers))
    }

    /// The same answers plus one more (builder for code and tests).
    #[must_use]
    pub fn with(mut self, id: impl Into<String>, answer: Answer) -> Self {
        self.0.insert(id.into(), answer);
        self
    }

    /// Sets one answer.
    pub fn insert(&mut self, id: impl Into<String>, answer: Answer) {
        self.0.insert(id.into(), answer);
    }

    /// The answer to a question, if given.
    pub fn get(&self, id: &str) -> Option<Answer> {
        self.0.get(id).cloned()
    }

    /// The option value answered to a choice question.
    pub fn choice(&self, id: &str) -> Option<&str> {
        match self.0.get(id) {
            Some(Answer::Choice(v)) => Some(v),
            _ => None,
        }
    }

    /// Whether a yes/no question was answered yes.
    pub fn is_yes(&self, id: &str) -> bool {
        matches!(self.0.get(id), Some(Answer::YesNo(true)))
    }

    /// The date answered to a date question (`None` for "never" or no answer).
    pub fn date(&self, id: &str) -> Option<Date> {
        match self.0.get(id) {
            Some(Answer::Date(d)) => *d,
            _ => None,
        }
    }

    /// Whether the question has an answer (a `null` date counts as an answer).
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// Number of answers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no answers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Strict `YYYY-MM-DD` (jiff alone would also take a date-time and drop the time).
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shape { s.parse().ok() } else { None }
}
