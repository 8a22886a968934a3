//! Protocol engine: screening questions, eligibility rules, prep windows, care plans and
//! series, as data per service (facts from shared/PROTOCOLS.md). Pure and deterministic.

use serde::{Deserialize, Serialize};

/// How a screening question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    YesNo,
    Date,
}

/// One screening question of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningQuestion {
    pub id: String,
    pub question: String,
    pub kind: AnswerKind,
    pub required: bool,
}

/// A series of sessions: `sessions` in all, each `min_interval_weeks..=max_interval_weeks` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub sessions: u32,
    pub min_interval_weeks: u32,
    pub max_interval_weeks: u32,
}

/// The rules of one service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub screening: Vec<ScreeningQuestion>,
    pub series: Option<Series>,
}
