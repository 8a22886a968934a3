//! Protocol engine: screening questions, eligibility rules, prep windows, care plans and
//! series, as data per service (facts from shared/PROTOCOLS.md). Pure and deterministic.
//!
//! A [`Protocol`] is plain serde data: the store keeps each service's protocol as JSON and a
//! clinic's medical director may edit it, so every field added after the first release has a
//! serde default and [`Protocol::validate`] checks an edited protocol before it is saved. The
//! engine functions ([`evaluate`], [`care_plan`], [`followup_window`], [`downtime_overlaps`])
//! take `today` or the appointment start as arguments: nothing here reads the clock.
//!
//! Clinical numbers live only in [`library`], each rule with its PROTOCOLS.md source ids; this
//! module knows no treatment.

mod answers;
mod care_plan;
pub mod docs;
pub mod library;
mod rules;
pub mod sources;
pub mod spacing;
mod validate;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod tests;

pub use answers::{Answer, Answers};
pub use care_plan::{CareStep, care_plan};
pub use rules::{Evaluation, Outcome, Reason, Refusal, Wait, evaluate};

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How a screening question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A JSON boolean.
    YesNo,
    /// A `YYYY-MM-DD` date, or `null` for "never / not applicable". An empty string is
    /// "not answered".
    Date,
    /// One of the question's `options`, by value.
    Choice,
}

/// One option of a `choice` question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

/// One screening question of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningQuestion {
    pub id: String,
    pub question: String,
    pub kind: AnswerKind,
    pub required: bool,
    /// The options of a `choice` question (empty for the other kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
}

impl ScreeningQuestion {
    /// Whether `value` is one of this choice question's options.
    pub fn has_option(&self, value: &str) -> bool {
        self.options.iter().any(|o| o.value == value)
    }
}

/// A series of sessions: `sessions` in all, each `min_interval_weeks..=max_interval_weeks` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub sessions: u32,
    pub min_interval_weeks: u32,
    pub max_interval_weeks: u32,
}

/// The rules of one service. Every field but `screening` and `series` arrived later and
/// defaults when absent, so protocols stored by older versions still load.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub screening: Vec<ScreeningQuestion>,
    pub series: Option<Series>,
    /// Source ids for `series`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series_sources: Vec<String>,
    /// Eligibility rules: contraindications and cautions.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// "Stop X for N days before": each pushes the earliest allowed start.
    #[serde(default)]
    pub prep_windows: Vec<PrepWindow>,
    /// Pre-care, day-of, after-care and check-in steps, by day offset from the treatment day.
    #[serde(default)]
    pub care: Vec<CareRule>,
    /// Typical social downtime after the treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtime: Option<Downtime>,
    /// When to call the clinic: sent with every after-care step and check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flags: Option<RedFlags>,
    /// The clinic's minimum days between booking and start. Never below
    /// [`Protocol::required_lead_days`]: a smaller value is raised to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_days: Option<u32>,
}

impl Protocol {
    /// The days the rules need between booking and start: the earliest *required* dated
    /// pre-care step (e.g. "stop exfoliants 7 days before"). Advisory steps do not count.
    pub fn required_lead_days(&self) -> u32 {
        self.care
            .iter()
            .filter(|c| c.phase == Phase::Before && c.required && c.only_if.is_none())
            .map(|c| c.from_day.unsigned_abs())
            .max()
            .unwrap_or(0)
    }

    /// The minimum days between booking and start: the clinic's setting, never below what
    /// the rules need.
    pub fn lead_days(&self) -> u32 {
        self.lead_time_days
            .unwrap_or(0)
            .max(self.required_lead_days())
    }

    /// The advisory pre-care steps a start on `start` no longer leaves time for when booked
    /// on `today` (their first day is already past).
    pub fn missed_advisory_steps(&self, today: Date, start: Date) -> Vec<&CareRule> {
        self.prep()
            .filter(|c| !c.required && day_offset(start, c.from_day) < today)
            .collect()
    }
    /// The screening question with this id.
    pub fn question(&self, id: &str) -> Option<&ScreeningQuestion> {
        self.screening.iter().find(|q| q.id == id)
    }

    /// Typical social downtime in days (the conservative end of the range; 0 when none).
    pub fn downtime_days(&self) -> u32 {
        self.downtime.as_ref().map_or(0, |d| d.max_days)
    }

    /// Steps before the treatment day, in protocol order (for a service page's "prep" list).
    pub fn prep(&self) -> impl Iterator<Item = &CareRule> {
        self.care.iter().filter(|c| c.phase == Phase::Before)
    }

    /// Steps from the treatment day on, in protocol order (a service page's "aftercare" list).
    pub fn aftercare(&self) -> impl Iterator<Item = &CareRule> {
        self.care.iter().filter(|c| c.phase != Phase::Before)
    }
}

/// A span of calendar time in a rule: `{"days": 14}`, `{"weeks": 2}` or `{"months": 6}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

impl Period {
    fn span(self) -> Option<Span> {
        match self {
            Self::Days(n) => Span::new().try_days(n).ok(),
            Self::Weeks(n) => Span::new().try_weeks(n).ok(),
            Self::Months(n) => Span::new().try_months(n).ok(),
        }
    }

    /// `date` + this period in calendar units (month ends clamp: Aug 31 + 6 months = Feb 28),
    /// saturating at the last representable date.
    pub fn after(self, date: Date) -> Date {
        self.span()
            .and_then(|s| date.checked_add(s).ok())
            .unwrap_or(Date::MAX)
    }
}

/// Adds whole calendar days, saturating at jiff's range. Civil dates have no DST: a day is a
/// calendar day, never 24 hours.
pub(crate) fn shift_days(date: Date, days: i64) -> Date {
    Span::new()
        .try_days(days)
        .ok()
        .and_then(|s| date.checked_add(s).ok())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// What a matching eligibility rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    /// The treatment cannot be booked now (PROTOCOLS "NE"; "reschedule" is a temporary NE).
    NotEligible,
    /// A consultation must come first (PROTOCOLS "CR").
    ConsultationRequired,
    /// Eligible, with a reason shown to client and provider (PROTOCOLS "CAU").
    Caution,
    /// A temporary condition (PROTOCOLS "reschedule"): bookable from a later date, given by
    /// the date answer's window or `retry_after` from today.
    Reschedule,
}

/// When an eligibility rule matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// A yes/no question answered yes.
    Yes { question: String },
    /// A date question answered with a date `d` such that `d + at_least <= today < d +
    /// less_than`. A date in the future counts as "still within". `null` never matches.
    DateWithin {
        question: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_least: Option<Period>,
        less_than: Period,
    },
    /// A choice question answered with one of `any_of`.
    Choice {
        question: String,
        any_of: Vec<String>,
    },
}

impl Condition {
    /// The question this condition reads.
    pub fn question(&self) -> &str {
        match self {
            Self::Yes { question }
            | Self::DateWithin { question, .. }
            | Self::Choice { question, .. } => question,
        }
    }
}

/// One eligibility rule: a condition, its outcome and a client-facing reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id, e.g. `halo.elig.pregnant`; shown as [`Reason::rule`].
    pub id: String,
    pub when: Condition,
    pub outcome: RuleOutcome,
    /// Plain, kind words for the client. Never medication advice beyond "ask your prescriber".
    pub text: String,
    /// For a temporary refusal on a yes/no answer ("reschedule"): the wait counted from today
    /// before booking again. Date rules retry when their window ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<Period>,
    /// PROTOCOLS.md source ids (`S30`) or sections (`§3`).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// "No X for N days before": the earliest start is the answered last-use date + `days`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepWindow {
    pub id: String,
    /// A date question ("when did you last use ...").
    pub question: String,
    pub days: u32,
    /// Client-facing explanation, shown while the window is still open.
    pub text: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Where a care step sits around the treatment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Before,
    Day,
    After,
    CheckIn,
}

/// Include a care step only when a yes/no screening question was answered yes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCondition {
    pub question: String,
    /// Prefix for the step's detail when no answers are known (a generic preview), e.g.
    /// "If you get cold sores:".
    pub note: String,
}

/// One care step of a protocol, dated relative to the treatment day (day 0). Negative days
/// are before; `to_day` (inclusive) makes it a daily range such as "SPF 30+ daily, day 0..90".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareRule {
    pub id: String,
    pub phase: Phase,
    pub from_day: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_day: Option<i32>,
    pub title: String,
    pub detail: String,
    /// Worth an email on its first date.
    #[serde(default)]
    pub remind: bool,
    /// A pre-care step the treatment depends on (not advisory): the service's minimum lead
    /// time is the earliest such step.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if: Option<StepCondition>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Typical social downtime: `min_days..=max_days` (0 = none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Downtime {
    pub min_days: u32,
    pub max_days: u32,
    /// What the downtime looks like, for the client.
    pub note: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Red-flag text: when to call the clinic after a treatment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlags {
    pub text: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Earliest and latest date of the next session of a series after one on `previous_start_date`
/// (whole weeks on the calendar).
pub fn followup_window(series: &Series, previous_start_date: Date) -> (Date, Date) {
    let earliest = Period::Weeks(series.min_interval_weeks).after(previous_start_date);
    let latest = Period::Weeks(series.max_interval_weeks).after(previous_start_date);
    (earliest, latest.max(earliest))
}

/// For "I need to look presentable on DATE": whether the downtime days
/// `[start_date, start_date + downtime_days)` include `event_date`. No downtime never overlaps.
pub fn downtime_overlaps(start_date: Date, downtime_days: u32, event_date: Date) -> bool {
    let end = Period::Days(downtime_days).after(start_date);
    start_date <= event_date && event_date < end
}

/// Adds a number of whole days to a date (convenience for callers holding `i32` offsets).
pub fn day_offset(day0: Date, offset: i32) -> Date {
    shift_days(day0, i64::from(offset))
}
