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

use super::{
    AnswerKind, CareRule, Condition, Downtime, Period, Phase, PrepWindow, Protocol, Rule,
    RuleOutcome, ScreeningQuestion, StepCondition,
};

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
    Some(match slug {
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
    })
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

fn question(id: &str, kind: AnswerKind, text: &str) -> ScreeningQuestion {
    ScreeningQuestion {
        id: id.to_owned(),
        question: text.to_owned(),
        kind,
        required: true,
    }
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

// ---- screening questions shared by several services (same id, same words) ----

mod q {
    use super::{AnswerKind, ScreeningQuestion, question};

    pub fn pregnant() -> ScreeningQuestion {
        question(
            "pregnant",
            AnswerKind::YesNo,
            "Are you pregnant or breastfeeding?",
        )
    }
    pub fn isotretinoin() -> ScreeningQuestion {
        question(
            "isotretinoin_last_dose",
            AnswerKind::Date,
            "When did you last take isotretinoin (for example Accutane)? Leave empty if never.",
        )
    }
    pub fn retinoid() -> ScreeningQuestion {
        question(
            "retinoid_last_used",
            AnswerKind::Date,
            "When did you last use a retinoid on the area (retinol, tretinoin, adapalene)? \
             Leave empty if never.",
        )
    }
    pub fn tan() -> ScreeningQuestion {
        question(
            "recent_tan_or_sunburn",
            AnswerKind::YesNo,
            "Do you have a tan (including self-tanner) or a sunburn on the area, or have you \
             had one in the last 14 days?",
        )
    }
    pub fn cold_sores() -> ScreeningQuestion {
        question(
            "cold_sore_history",
            AnswerKind::YesNo,
            "Do you get cold sores?",
        )
    }
    pub fn active_infection() -> ScreeningQuestion {
        question(
            "active_infection",
            AnswerKind::YesNo,
            "Do you have an active cold sore, infection, open wound, inflamed acne or rash on \
             the area right now?",
        )
    }
    pub fn keloid() -> ScreeningQuestion {
        question(
            "keloid_history",
            AnswerKind::YesNo,
            "Have you ever had keloid or raised scars?",
        )
    }
    pub fn melasma() -> ScreeningQuestion {
        question(
            "melasma",
            AnswerKind::YesNo,
            "Have you been told you have melasma?",
        )
    }
    pub fn anticoagulant() -> ScreeningQuestion {
        question(
            "anticoagulant",
            AnswerKind::YesNo,
            "Do you take a prescription blood thinner, or have a bleeding disorder?",
        )
    }
    pub fn immune_condition() -> ScreeningQuestion {
        question(
            "immune_condition",
            AnswerKind::YesNo,
            "Do you have an autoimmune or connective-tissue disease (such as lupus or \
             scleroderma), or take medicine that weakens your immune system?",
        )
    }
    pub fn darker_skin_type() -> ScreeningQuestion {
        question(
            "darker_skin_type",
            AnswerKind::YesNo,
            "Does your skin rarely or never burn and tan deeply (skin types IV to VI)?",
        )
    }
}

#[cfg(test)]
mod tests;
