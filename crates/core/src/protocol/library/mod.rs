//! The demo catalog's protocols, encoded from shared/PROTOCOLS.md §1-5.
//!
//! Every rule, prep window, care step, downtime and series cites its sources: PROTOCOLS.md
//! source ids (`S30`), sections (`§3`), or `DESIGN.md` for a product decision documented
//! there. Where sources disagree we take PROTOCOLS.md's suggested default, usually the
//! conservative end. These are seed data: a clinic's medical director can edit every rule.
//! Client-facing text is plain and kind, and never gives medication advice beyond "ask your
//! prescriber"; no dose of any medicine appears here.

mod face;
mod halo;
mod injectables;
mod light;
pub mod questions;

use super::{
    CareRule, Condition, Downtime, Period, Phase, PrepWindow, Protocol, Rule, RuleOutcome,
    StepCondition,
};

/// Days before a client with an active lesion (cold sore, infection, open wound, inflamed acne,
/// rash) may book again. PROTOCOLS.md §2/§3 say "until healed" without a number: this is the
/// platform's earliest re-ask, not a clinical window; the client answers the question again
/// when booking, and a clinic may edit it per rule.
pub const ACTIVE_LESION_RETRY_DAYS: u32 = 7;

/// The demo catalog's service slugs, in display order.
pub const SLUGS: &[&str] = &[
    "halo",
    "consultation",
    "hydrafacial",
    "microneedling",
    "chemical-peel",
    "ipl-photofacial",
    "laser-hair-removal",
    "neuromodulator",
    "dermal-filler",
    "medical-grade-skincare",
];

/// The protocol of a demo service; `None` for an unknown slug. The complimentary
/// consultation has no screening and no rules.
pub fn for_service(slug: &str) -> Option<Protocol> {
    let mut p = match slug {
        "halo" => halo::protocol(),
        "consultation" => Protocol::default(),
        "hydrafacial" => face::hydrafacial(),
        "microneedling" => face::microneedling(),
        "chemical-peel" => face::chemical_peel(),
        "ipl-photofacial" => light::ipl_photofacial(),
        "laser-hair-removal" => light::laser_hair_removal(),
        "neuromodulator" => injectables::neuromodulator(),
        "dermal-filler" => injectables::dermal_filler(),
        "medical-grade-skincare" => injectables::medical_grade_skincare(),
        _ => return None,
    };
    generate_screening(&mut p);
    Some(p)
}

/// Sets `p.screening` to the questions its rules, prep windows and care conditions read, in
/// the order they are first read (rules first). An id with no question in
/// [`questions::by_id`] is left out, which [`Protocol::validate`] then reports.
pub fn generate_screening(p: &mut Protocol) {
    let mut ids: Vec<&str> = Vec::new();
    let read = p
        .rules
        .iter()
        .map(|r| r.when.question())
        .chain(p.prep_windows.iter().map(|w| w.question.as_str()))
        .chain(
            p.care
                .iter()
                .filter_map(|c| c.only_if.as_ref().map(|o| o.question.as_str())),
        );
    for id in read {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let screening = ids.into_iter().filter_map(questions::by_id).collect();
    p.screening = screening;
}

/// Typical social downtime of a demo service in days (the conservative end of its range).
pub fn downtime_days(slug: &str) -> Option<u32> {
    for_service(slug).map(|p| p.downtime_days())
}

/// The downtime range of a demo service (`None` for an unknown slug or no downtime data).
pub fn downtime(slug: &str) -> Option<Downtime> {
    for_service(slug).and_then(|p| p.downtime)
}

// ---- builders: the service files read as tables ----

fn sources(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn yes(question: &str) -> Condition {
    Condition::Yes {
        question: question.to_owned(),
    }
}

fn within(question: &str, less_than: Period) -> Condition {
    Condition::DateWithin {
        question: question.to_owned(),
        at_least: None,
        less_than,
    }
}

/// A choice question answered with one of `values`.
fn choice(question: &str, values: &[&str]) -> Condition {
    Condition::Choice {
        question: question.to_owned(),
        any_of: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

fn between(question: &str, at_least: Period, less_than: Period) -> Condition {
    Condition::DateWithin {
        question: question.to_owned(),
        at_least: Some(at_least),
        less_than,
    }
}

fn rule(id: &str, when: Condition, outcome: RuleOutcome, text: &str, src: &[&str]) -> Rule {
    Rule {
        id: id.to_owned(),
        when,
        outcome,
        text: text.to_owned(),
        retry_after: None,
        sources: sources(src),
    }
}

fn prep(id: &str, question: &str, days: u32, text: &str, src: &[&str]) -> PrepWindow {
    PrepWindow {
        id: id.to_owned(),
        question: question.to_owned(),
        days,
        text: text.to_owned(),
        sources: sources(src),
    }
}

/// A care step on day `from` that is worth a reminder; refine with [`Step`].
fn step(id: &str, phase: Phase, from: i32, title: &str, detail: &str, src: &[&str]) -> CareRule {
    CareRule {
        id: id.to_owned(),
        phase,
        from_day: from,
        to_day: None,
        title: title.to_owned(),
        detail: detail.to_owned(),
        remind: true,
        required: false,
        only_if: None,
        sources: sources(src),
    }
}

trait Step {
    /// A daily range through day `to` (inclusive).
    fn through(self, to: i32) -> Self;
    /// Listed in the plan, no email of its own.
    fn quiet(self) -> Self;
    /// Only for clients who answered yes to `question`.
    fn only_if(self, question: &str, note: &str) -> Self;
    /// A pre-care step the treatment depends on: it sets the service's lead time.
    fn required(self) -> Self;
}

impl Step for CareRule {
    fn through(mut self, to: i32) -> Self {
        self.to_day = Some(to);
        self
    }
    fn quiet(mut self) -> Self {
        self.remind = false;
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn only_if(mut self, question: &str, note: &str) -> Self {
        self.only_if = Some(StepCondition {
            question: question.to_owned(),
            note: note.to_owned(),
        });
        self
    }
}

trait Retry {
    /// A temporary refusal: book again after `period` from today.
    fn retry_after(self, period: Period) -> Self;
}

impl Retry for Rule {
    fn retry_after(mut self, period: Period) -> Self {
        self.retry_after = Some(period);
        self
    }
}

fn downtime_range(min_days: u32, max_days: u32, note: &str, src: &[&str]) -> Downtime {
    Downtime {
        min_days,
        max_days,
        note: note.to_owned(),
        sources: sources(src),
    }
}

#[cfg(test)]
mod tests;
