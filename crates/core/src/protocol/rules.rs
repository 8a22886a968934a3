//! Eligibility: a protocol's rules and prep windows applied to a client's answers on a day.
//!
//! Pure and deterministic: the same protocol, answers and `today` always give the same
//! [`Evaluation`], with reasons in protocol order. The severity order is fixed:
//! `not_eligible` beats `consultation_required` beats `reschedule_after` beats `eligible`, and
//! every outcome other than eligible carries at least one reason.
//!
//! The earliest start is the latest of: today plus the service's lead time (its earliest
//! required pre-care step), the end of every open prep window, and the date each temporary
//! ("reschedule") condition lifts.

use super::{Answers, Condition, Protocol, RuleOutcome};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The eligibility outcome, ordered by severity (`Eligible` < `RescheduleAfter` <
/// `ConsultationRequired` < `NotEligible`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Eligible,
    /// A temporary condition: bookable from `earliest_start`.
    RescheduleAfter,
    ConsultationRequired,
    NotEligible,
}

impl Outcome {
    /// The API spelling, also the problem `code` of a refused booking.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::RescheduleAfter => "reschedule_after",
            Self::ConsultationRequired => "consultation_required",
            Self::NotEligible => "not_eligible",
        }
    }
}

/// Why an outcome or caution applies: the rule id and client-facing words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub text: String,
    /// For a temporary refusal: the first date on which the rule no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_from: Option<Date>,
}

/// An open prep window: no start before `until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub rule: String,
    pub text: String,
    /// First allowed start date (last use + the window).
    pub until: Date,
}

/// The result of [`evaluate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub outcome: Outcome,
    /// Why the outcome is not `eligible`: the not-eligible reasons first, then those that need
    /// a consultation. Empty when eligible.
    pub reasons: Vec<Reason>,
    /// Eligible-with-a-reason notes (e.g. cold-sore history: antiviral tasks in the care plan).
    pub cautions: Vec<Reason>,
    /// The local date from which a start is allowed by the lead time, the prep windows and
    /// any temporary condition (never before `today`); `None` for `not_eligible` and
    /// `consultation_required`.
    pub earliest_start: Option<Date>,
    /// The prep windows still open on `today`, each with its own end date.
    pub waits: Vec<Wait>,
}

/// Why a start date is refused, with a stable machine code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotEligible {
        reasons: Vec<Reason>,
    },
    ConsultationRequired {
        reasons: Vec<Reason>,
    },
    /// The start falls inside a prep window or the lead time.
    PrepWindow {
        earliest_start: Date,
        reasons: Vec<Reason>,
    },
    /// The start falls before a temporary condition lifts.
    RescheduleAfter {
        earliest_start: Date,
        reasons: Vec<Reason>,
    },
}

impl Refusal {
    /// DESIGN.md's problem code: `not_eligible`, `consultation_required`, `prep_window` or
    /// `reschedule_after`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotEligible { .. } => "not_eligible",
            Self::ConsultationRequired { .. } => "consultation_required",
            Self::PrepWindow { .. } => "prep_window",
            Self::RescheduleAfter { .. } => "reschedule_after",
        }
    }

    /// The first allowed start date, for the refusals that have one.
    pub const fn earliest_start(&self) -> Option<Date> {
        match self {
            Self::PrepWindow { earliest_start, .. }
            | Self::RescheduleAfter { earliest_start, .. } => Some(*earliest_start),
            _ => None,
        }
    }

    /// The client-facing reasons (at least one).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Self::NotEligible { reasons }
            | Self::ConsultationRequired { reasons }
            | Self::PrepWindow { reasons, .. }
            | Self::RescheduleAfter { reasons, .. } => reasons,
        }
    }
}

impl Evaluation {
    /// Whether a treatment may start on `start_date` (a local date in the location zone);
    /// otherwise the refusal with its reasons. A start before `earliest_start` is refused with
    /// the prep windows that still cover it.
    pub fn check_start(&self, start_date: Date) -> Result<(), Refusal> {
        let reasons = self.reasons.clone();
        match self.outcome {
            Outcome::NotEligible => return Err(Refusal::NotEligible { reasons }),
            Outcome::ConsultationRequired => {
                return Err(Refusal::ConsultationRequired { reasons });
            }
            Outcome::Eligible | Outcome::RescheduleAfter => {}
        }
        let Some(earliest_start) = self.earliest_start else {
            return Ok(());
        };
        if start_date >= earliest_start {
            return Ok(());
        }
        let temporary: Vec<Reason> = self
            .reasons
            .iter()
            .filter(|r| r.retry_from.is_some_and(|d| d > start_date))
            .cloned()
            .collect();
        if self.outcome == Outcome::RescheduleAfter && !temporary.is_empty() {
            return Err(Refusal::RescheduleAfter {
                earliest_start,
                reasons: temporary,
            });
        }
        let mut reasons: Vec<Reason> = self
            .waits
            .iter()
            .filter(|w| w.until > start_date)
            .map(|w| Reason {
                rule: w.rule.clone(),
                text: w.text.clone(),
                retry_from: Some(w.until),
            })
            .collect();
        if reasons.is_empty() {
            // Only reachable for a start before the evaluation's `today`.
            reasons.push(Reason {
                rule: "start.before_today".to_owned(),
                text: "Please choose a date from today onwards.".to_owned(),
                retry_from: Some(earliest_start),
            });
        }
        Err(Refusal::PrepWindow {
            earliest_start,
            reasons,
        })
    }
}

/// Applies `protocol`'s rules and prep windows to `answers` on `today` (a local date).
///
/// Date rules compare against `today`; since time only moves on, that is never less strict
/// than comparing against a later start date. A required question without an answer (answers
/// saved before a clinic added the question) needs a consultation rather than passing
/// silently.
pub fn evaluate(protocol: &Protocol, answers: &Answers, today: Date) -> Evaluation {
    let mut not_eligible = Vec::new();
    let mut consult = Vec::new();
    let mut cautions = Vec::new();
    let mut temporary = Vec::new();

    for q in protocol.screening.iter().filter(|q| q.required) {
        if !answers.contains(&q.id) {
            consult.push(Reason {
                rule: format!("screening.{}.missing", q.id),
                text: format!("We still need your answer to: {}", q.question),
                retry_from: None,
            });
        }
    }

    for rule in &protocol.rules {
        let Some(hit) = matches(&rule.when, answers, today) else {
            continue;
        };
        let retry_from = hit
            .retry_from
            .or_else(|| rule.retry_after.map(|p| p.after(today)));
        let reason = Reason {
            rule: rule.id.clone(),
            text: rule.text.clone(),
            retry_from,
        };
        match rule.outcome {
            RuleOutcome::NotEligible => not_eligible.push(reason),
            RuleOutcome::ConsultationRequired => consult.push(reason),
            RuleOutcome::Caution => cautions.push(reason),
            RuleOutcome::Reschedule => temporary.push(Reason {
                // A temporary refusal always says when it lifts (at the latest tomorrow).
                retry_from: Some(
                    reason
                        .retry_from
                        .unwrap_or_else(|| super::shift_days(today, 1)),
                ),
                ..reason
            }),
        }
    }

    let mut waits: Vec<Wait> = protocol
        .prep_windows
        .iter()
        .filter_map(|w| {
            let last = answers.date(&w.question)?;
            let until = super::Period::Days(w.days).after(last);
            (until > today).then(|| Wait {
                rule: w.id.clone(),
                text: w.text.clone(),
                until,
            })
        })
        .collect();
    if let Some(wait) = lead_wait(protocol, today) {
        waits.push(wait);
    }

    let outcome = if !not_eligible.is_empty() {
        Outcome::NotEligible
    } else if !consult.is_empty() {
        Outcome::ConsultationRequired
    } else if !temporary.is_empty() {
        Outcome::RescheduleAfter
    } else {
        Outcome::Eligible
    };
    let earliest_start =
        matches!(outcome, Outcome::Eligible | Outcome::RescheduleAfter).then(|| {
            waits
                .iter()
                .map(|w| w.until)
                .chain(temporary.iter().filter_map(|r| r.retry_from))
                .fold(today, Date::max)
        });
    not_eligible.extend(consult);
    not_eligible.extend(temporary);

    Evaluation {
        outcome,
        reasons: not_eligible,
        cautions,
        earliest_start,
        waits,
    }
}

/// The service's lead time as a wait: no start before today + the lead days, because the
/// required pre-care steps need that long.
fn lead_wait(protocol: &Protocol, today: Date) -> Option<Wait> {
    let days = protocol.lead_days();
    if days == 0 {
        return None;
    }
    let steps: Vec<String> = protocol
        .prep()
        .filter(|c| c.required && c.only_if.is_none())
        .map(|c| {
            format!(
                "{} ({} days before)",
                c.title.to_lowercase(),
                c.from_day.unsigned_abs()
            )
        })
        .collect();
    let text = if steps.is_empty() {
        format!("This treatment is booked at least {days} days ahead, so there is time to prepare.")
    } else {
        format!(
            "This treatment is booked at least {days} days ahead so there is time to prepare: {}.",
            steps.join("; ")
        )
    };
    Some(Wait {
        rule: "lead_time".to_owned(),
        text,
        until: super::shift_days(today, i64::from(days)),
    })
}

/// A matching condition, with the date it stops matching when that follows from the answer.
struct Hit {
    retry_from: Option<Date>,
}

fn matches(condition: &Condition, answers: &Answers, today: Date) -> Option<Hit> {
    match condition {
        Condition::Yes { question } => answers.is_yes(question).then_some(Hit { retry_from: None }),
        Condition::DateWithin {
            question,
            at_least,
            less_than,
        } => {
            let d = answers.date(question)?;
            // Without a lower bound a future date (still taking it) is inside the window.
            let started = at_least.is_none_or(|p| p.after(d) <= today);
            let until = less_than.after(d);
            (started && today < until).then_some(Hit {
                retry_from: Some(until),
            })
        }
        Condition::Choice { question, any_of } => answers
            .choice(question)
            .is_some_and(|v| any_of.iter().any(|o| o == v))
            .then_some(Hit { retry_from: None }),
    }
}
