//! Care plans: a protocol's care rules dated around a booked start.
//!
//! Day offsets are calendar days in the location's zone, counted on the civil date of the
//! appointment start: a "+2 d" check-in after a start at 00:30 the day before a DST change is
//! still two dates later, which 48 hours of elapsed time would not be. No clock is read; steps
//! dated before "today" are the caller's to skip when sending reminders.

use super::{Answers, Phase, Protocol, day_offset};
use jiff::Zoned;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One dated step of a care plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareStep {
    /// The step's (first) local date.
    pub date: Date,
    /// Last date of a daily range (inclusive), e.g. "SPF 30+ daily" through day 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub title: String,
    /// What to do. A range ends with "Continue through YYYY-MM-DD."
    pub detail: String,
    pub phase: Phase,
    /// Worth an email on `date`.
    pub remind: bool,
    /// The care rule this step comes from.
    pub rule: String,
    /// When to call the clinic; set on after-care steps and check-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flags: Option<String>,
}

/// The dated steps of `protocol` for an appointment starting at `start` (a zoned instant in
/// the location's zone), sorted by date, then phase, then protocol order.
///
/// A step with `only_if` is included when that yes/no question was answered yes; with no
/// answers at all (a generic preview) it is included with its note in front of the detail.
pub fn care_plan(protocol: &Protocol, start: &Zoned, answers: Option<&Answers>) -> Vec<CareStep> {
    let day0 = start.date();
    let red_flags = protocol.red_flags.as_ref().map(|r| r.text.clone());
    let mut steps: Vec<CareStep> = protocol
        .care
        .iter()
        .filter_map(|rule| {
            let mut detail = rule.detail.clone();
            if let Some(cond) = &rule.only_if {
                match answers {
                    Some(a) if !a.is_yes(&cond.question) => return None,
                    Some(_) => {}
                    None => detail = format!("{} {detail}", cond.note),
                }
            }
            let date = day_offset(day0, rule.from_day);
            let until = rule
                .to_day
                .filter(|to| *to > rule.from_day)
                .map(|to| day_offset(day0, to));
            if let Some(until) = until {
                detail = format!("{detail} Continue through {until}.");
            }
            let red_flags = matches!(rule.phase, Phase::After | Phase::CheckIn)
                .then(|| red_flags.clone())
                .flatten();
            Some(CareStep {
                date,
                until,
                title: rule.title.clone(),
                detail,
                phase: rule.phase,
                remind: rule.remind,
                rule: rule.id.clone(),
                red_flags,
            })
        })
        .collect();
    // Stable: equal keys keep protocol order.
    steps.sort_by_key(|s| (s.date, s.phase));
    steps
}
