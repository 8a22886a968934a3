//! Quiz answers, parsed once from the API's `answers` object (or a shared link) and valid
//! afterwards.
//!
//! The safety flags are health data: `Debug` is redacted and a shareable query string exists
//! only when no flag is set. Errors name the field (`answers.<id>`) and never echo the value.
//! `concerns` may be an empty array ("just advise me"); it may not be missing.

use super::{Budget, Concern, DowntimeTolerance, Flag};
use crate::input::InvalidInput;
use serde_json::{Map, Value};
use std::fmt;

/// A complete, valid set of quiz answers.
#[derive(Clone, PartialEq, Eq)]
pub struct QuizAnswers {
    fitz: [u8; 10],
    concerns: Vec<Concern>,
    downtime: DowntimeTolerance,
    budget: Budget,
    flags: Vec<Flag>,
}

impl fmt::Debug for QuizAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QuizAnswers(***)")
    }
}

const MISSING: &str = "Please answer this question";
const CHOOSE: &str = "Choose one of the options";
const CHOOSE_ANY: &str = "Choose from the listed options";
const YES_NO: &str = "Answer yes or no";

impl QuizAnswers {
    /// Parses `{id: value}`: single questions take an option value string (Fitzpatrick points
    /// may also be the number itself), `concerns` an
    /// array of values (may be empty; duplicates are ignored), flags a boolean. Every missing
    /// or invalid answer is reported, each as `answers.<id>`; unknown ids are ignored.
    pub fn parse(raw: &Map<String, Value>) -> Result<Self, InvalidInput> {
        let mut e = InvalidInput::default();
        let mut fitz = [0u8; 10];
        for (i, points) in fitz.iter_mut().enumerate() {
            let id = format!("fitz_{}", i + 1);
            if let Some(p) = single(raw, &id, &mut e, |v| {
                v.parse::<u8>().ok().filter(|p| *p <= 4 && v.len() == 1)
            }) {
                *points = p;
            }
        }
        let concerns = match raw.get("concerns") {
            None | Some(Value::Null) => {
                e.push("answers.concerns", MISSING);
                Vec::new()
            }
            Some(Value::Array(items)) => {
                let parsed: Option<Vec<Concern>> = items
                    .iter()
                    .map(|v| v.as_str().and_then(Concern::parse))
                    .collect();
                parsed.unwrap_or_else(|| {
                    e.push("answers.concerns", CHOOSE_ANY);
                    Vec::new()
                })
            }
            Some(_) => {
                e.push("answers.concerns", CHOOSE_ANY);
                Vec::new()
            }
        };
        let downtime = single(raw, "downtime", &mut e, DowntimeTolerance::parse);
        let budget = single(raw, "budget", &mut e, Budget::parse);
        let mut flags = Vec::new();
        for flag in Flag::ALL {
            let field = format!("answers.{}", flag.as_str());
            match raw.get(flag.as_str()) {
                Some(Value::Bool(true)) => flags.push(flag),
                Some(Value::Bool(false)) => {}
                None | Some(Value::Null) => e.push(field, MISSING),
                Some(_) => e.push(field, YES_NO),
            }
        }
        match (downtime, budget) {
            (Some(downtime), Some(budget)) if e.is_empty() => {
                Ok(Self::from_parts(fitz, concerns, downtime, budget, flags))
            }
            _ => Err(e),
        }
    }

    fn from_parts(
        fitz: [u8; 10],
        mut concerns: Vec<Concern>,
        downtime: DowntimeTolerance,
        budget: Budget,
        mut flags: Vec<Flag>,
    ) -> Self {
        concerns.sort_unstable();
        concerns.dedup();
        flags.sort_unstable();
        flags.dedup();
        Self {
            fitz,
            concerns,
            downtime,
            budget,
            flags,
        }
    }

    /// Points of Fitzpatrick item `n` (1..=10); 0 for an out-of-range `n`.
    pub fn fitz(&self, n: usize) -> u8 {
        n.checked_sub(1)
            .and_then(|i| self.fitz.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Questionnaire total, 0-40.
    pub fn score(&self) -> u8 {
        self.fitz.iter().sum()
    }

    /// The chosen concerns, sorted, without duplicates.
    pub fn concerns(&self) -> &[Concern] {
        &self.concerns
    }

    /// Whether a concern was chosen.
    pub fn has_concern(&self, c: Concern) -> bool {
        self.concerns.contains(&c)
    }

    pub fn downtime(&self) -> DowntimeTolerance {
        self.downtime
    }

    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Whether a safety flag was answered yes.
    pub fn flag(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }

    /// Whether any safety flag (health data) is set.
    pub fn has_health_flags(&self) -> bool {
        !self.flags.is_empty()
    }

    /// A shareable query string (`f=0123401234&c=pores,texture&d=week&b=mid`), only when no
    /// health flag is set: a link must never carry health data. Flags read back as "no".
    pub fn to_query(&self) -> Option<String> {
        if self.has_health_flags() {
            return None;
        }
        let f: String = self.fitz.iter().map(|p| char::from(b'0' + p)).collect();
        let c: Vec<&str> = self.concerns.iter().map(|c| c.as_str()).collect();
        Some(format!(
            "f={f}&c={}&d={}&b={}",
            c.join(","),
            self.downtime.as_str(),
            self.budget.as_str()
        ))
    }

    /// Reads a query string made by [`QuizAnswers::to_query`] (a leading `?` is fine, key
    /// order is free, unknown keys are ignored). Errors name the same `answers.<id>` fields
    /// as [`QuizAnswers::parse`].
    pub fn from_query(query: &str) -> Result<Self, InvalidInput> {
        let mut raw = Map::new();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "f" => {
                    for (i, ch) in value.chars().enumerate() {
                        let id = format!("fitz_{}", i + 1);
                        raw.insert(id, Value::String(ch.to_string()));
                    }
                    if value.chars().count() > 10 {
                        return Err(InvalidInput::field("answers.fitz_10", CHOOSE));
                    }
                }
                "c" => {
                    let value = value.replace("%2C", ",").replace("%2c", ",");
                    let items = value
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect();
                    raw.insert("concerns".into(), Value::Array(items));
                }
                "d" => {
                    raw.insert("downtime".into(), Value::String(value.to_owned()));
                }
                "b" => {
                    raw.insert("budget".into(), Value::String(value.to_owned()));
                }
                _ => {}
            }
        }
        for flag in Flag::ALL {
            raw.insert(flag.as_str().into(), Value::Bool(false));
        }
        Self::parse(&raw)
    }
}

/// A single-choice answer read with `parse`; records an error and returns `None` otherwise.
fn single<T>(
    raw: &Map<String, Value>,
    id: &str,
    e: &mut InvalidInput,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let field = format!("answers.{id}");
    match raw.get(id) {
        None | Some(Value::Null) => {
            e.push(field, MISSING);
            None
        }
        // Fitzpatrick points also arrive as JSON numbers from some clients: same value.
        Some(Value::Number(n)) if id.starts_with("fitz_") => {
            let parsed = n.as_u64().and_then(|n| parse(&n.to_string()));
            if parsed.is_none() {
                e.push(field, CHOOSE);
            }
            parsed
        }
        Some(Value::String(s)) => {
            let parsed = parse(s);
            if parsed.is_none() {
                e.push(field, CHOOSE);
            }
            parsed
        }
        Some(_) => {
            e.push(field, CHOOSE);
            None
        }
    }
}
