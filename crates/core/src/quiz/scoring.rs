//! Scores the recommendation table against the answers: phototype from PROTOCOLS.md §6, then
//! each treatment row in turn.
//!
//! A row that treats none of the chosen concerns is skipped; a safety trigger with `Exclude`
//! leaves it out (with the reason, in `left_out`). The rest score concern weights, +2 when
//! the whole downtime range fits the client's tolerance, +1 within budget (0 one band over,
//! -2 two bands over).
//! Rows whose downtime cannot fit, or that need a consultation first, rank after the
//! complimentary consultation, which is always listed; rows that are "not now" (an active
//! breakout or cold sore before laser, peel or needling) rank last. With a phototype of IV or
//! darker and a laser or light treatment in play, the consultation is first. Ties keep table order. Deterministic:
//! no clock, no randomness, no hash-map iteration.

use super::table::{Effect, Energy, PROFILES, Profile, Trigger};
use super::{Concern, Flag, Phototype, QuizAnswers, QuizResult, Recommendation};
use crate::protocol::library;

/// Treatments listed at most (the consultation comes on top of these).
const MAX_TREATMENTS: usize = 4;

struct Candidate {
    /// 0: fits; 1: listed after the consultation; 2: not now.
    tier: u8,
    score: i32,
    position: usize,
    needs_consult: Option<&'static str>,
    recommendation: Recommendation,
}

/// Scores `answers` into a phototype, ranked recommendations, cautions and whether a
/// consultation is advised.
pub fn evaluate(answers: &QuizAnswers) -> QuizResult {
    let score = answers.score();
    let phototype = Phototype::from_score(score);
    let darker = phototype >= Phototype::IV;

    let mut candidates = Vec::new();
    let mut left_out = Vec::new();
    let mut energy_relevant = false;
    for (position, profile) in PROFILES.iter().enumerate() {
        if !profile.treats.iter().any(|(c, ..)| answers.has_concern(*c)) {
            continue;
        }
        energy_relevant |= profile.energy != Energy::None;
        match score_profile(profile, answers, phototype) {
            Ok((tier, score, needs_consult, reasons)) => candidates.push(Candidate {
                tier,
                score,
                position,
                needs_consult,
                recommendation: Recommendation {
                    service: profile.service.to_owned(),
                    reasons,
                },
            }),
            Err(why) => left_out.push(Recommendation {
                service: profile.service.to_owned(),
                reasons: vec![why.to_owned()],
            }),
        }
    }
    candidates.sort_by_key(|c| (c.tier, -c.score, c.position));
    candidates.truncate(MAX_TREATMENTS);

    let flag = |f| answers.flag(f);
    let consultation_advised = flag(Flag::Pregnant)
        || flag(Flag::IsotretinoinRecent)
        || flag(Flag::KeloidHistory)
        || flag(Flag::Melasma)
        || (darker && energy_relevant)
        || answers.has_concern(Concern::Redness)
        || candidates.is_empty()
        || candidates.iter().any(|c| c.needs_consult.is_some());

    let consultation = Recommendation {
        service: "consultation".to_owned(),
        reasons: consultation_reasons(answers, phototype, energy_relevant, &candidates),
    };
    // Type IV or darker with laser or light in play: the consultation comes first (PROTOCOLS.md
    // §3 "IV: caution", §6 platform rule), ahead even of treatments without energy.
    let split = if darker && energy_relevant {
        0
    } else {
        candidates.iter().take_while(|c| c.tier == 0).count()
    };
    let mut recommendations: Vec<Recommendation> =
        candidates.into_iter().map(|c| c.recommendation).collect();
    recommendations.insert(split, consultation);

    QuizResult {
        phototype,
        score,
        recommendations,
        cautions: cautions(answers, phototype, energy_relevant),
        consultation_advised,
        left_out,
    }
}

type Scored = (u8, i32, Option<&'static str>, Vec<String>);

/// The tier, score, consultation reason and reasons of one row, or why it is left out.
fn score_profile(
    profile: &Profile,
    answers: &QuizAnswers,
    phototype: Phototype,
) -> Result<Scored, &'static str> {
    let fired: Vec<(Trigger, Effect, &'static str)> = profile
        .effects
        .iter()
        .copied()
        .filter(|(t, ..)| match t {
            Trigger::Flag(f) => answers.flag(*f),
            Trigger::PhototypeAtLeast(p) => phototype >= *p,
        })
        .collect();
    if let Some((.., why)) = fired.iter().find(|(_, e, _)| *e == Effect::Exclude) {
        return Err(why);
    }

    let mut reasons = Vec::new();
    let mut score = 0i32;
    let mut tier = 0u8;
    for (concern, weight, phrase) in profile.treats {
        if answers.has_concern(*concern) {
            score += i32::from(*weight);
            reasons.push(format!("{phrase}: you chose '{}'.", concern.label()));
        }
    }

    let tolerance = answers.downtime();
    let (min, max, note) = library::downtime(profile.service)
        .map_or((0, 0, String::new()), |d| (d.min_days, d.max_days, d.note));
    let range = days_range(min, max);
    if max <= tolerance.days() {
        score += 2;
        reasons.push(if max == 0 {
            "No downtime, which fits your answer.".to_owned()
        } else {
            format!(
                "{range} of downtime fits your '{}' answer.",
                tolerance.short()
            )
        });
    } else if min <= tolerance.days() {
        reasons.push(format!(
            "{note} That may run past your '{}' answer.",
            tolerance.short()
        ));
    } else {
        tier = 1;
        reasons.push(format!(
            "Needs {range} of downtime, more than your '{}' answer, so it's listed lower.",
            tolerance.short()
        ));
    }

    let budget = answers.budget().short();
    match budget_rank(profile.budget) - budget_rank(answers.budget()) {
        ..=0 => {
            score += 1;
            reasons.push(format!("Fits your '{budget}' budget."));
        }
        1 => reasons.push(format!("May be above your '{budget}' budget.")),
        _ => {
            score -= 2;
            reasons.push(format!("Likely above your '{budget}' budget."));
        }
    }

    let mut needs_consult = None;
    for (.., why) in fired.iter().filter(|(_, e, _)| *e == Effect::Consult) {
        tier = 1;
        needs_consult = Some(*why);
        reasons.push(format!("{why} It's listed after a consultation."));
    }
    let not_now = fired.iter().find(|(_, e, _)| *e == Effect::NotNow);
    if let Some((.., why)) = not_now {
        // Listed last, its reason first: it is not for now.
        tier = 2;
        reasons.insert(0, (*why).to_owned());
    } else if answers.flag(Flag::ActiveBreakoutOrColdSore) {
        reasons.push("Book it once any active breakout or cold sore has fully healed.".to_owned());
    }
    let phototype_rule_fired = fired
        .iter()
        .any(|(t, ..)| matches!(t, Trigger::PhototypeAtLeast(_)));
    if profile.energy != Energy::None {
        // PROTOCOLS.md §6 platform rule: type IV or darker, consultation before light/laser.
        if phototype >= Phototype::IV && !phototype_rule_fired {
            reasons.push(format!(
                "Your answers suggest skin type {}: a provider confirms your type and the \
                 settings at a consultation first.",
                phototype.as_str()
            ));
        }
        if answers.fitz(10) >= 3 {
            reasons.push(
                "You've had sun recently: any tan must fade completely before laser or light \
                 treatment."
                    .to_owned(),
            );
        }
    }
    Ok((tier, score, needs_consult, reasons))
}

fn consultation_reasons(
    answers: &QuizAnswers,
    phototype: Phototype,
    energy_relevant: bool,
    candidates: &[Candidate],
) -> Vec<String> {
    let mut reasons = vec![
        "A complimentary consultation, where a provider confirms your skin type and plans \
         with you in person."
            .to_owned(),
    ];
    let mut add = |cond: bool, text: &str| {
        if cond {
            reasons.push(text.to_owned());
        }
    };
    add(
        answers.flag(Flag::Pregnant),
        "You're pregnant or breastfeeding: a provider can plan what's suitable now and later.",
    );
    add(
        answers.flag(Flag::IsotretinoinRecent),
        "After isotretinoin, a provider can advise when each treatment becomes suitable.",
    );
    add(
        answers.flag(Flag::KeloidHistory),
        "With keloid or raised scars, a provider should see your skin before needling or laser.",
    );
    add(
        answers.flag(Flag::Melasma),
        "Melasma needs a treatment plan made with a provider.",
    );
    add(
        answers.has_concern(Concern::Redness),
        "Redness can have several causes, so a provider should look at it in person.",
    );
    add(
        candidates.is_empty() && answers.concerns().is_empty(),
        "You didn't pick a concern: a provider can suggest where to start.",
    );
    add(
        candidates.is_empty() && !answers.concerns().is_empty(),
        "None of our treatments matched your answers closely: a provider can suggest what fits.",
    );
    if phototype >= Phototype::IV && energy_relevant {
        reasons.push(format!(
            "Your skin type result ({}) means laser and light settings are best set in person.",
            phototype.as_str()
        ));
    }
    for c in candidates.iter().filter(|c| c.needs_consult.is_some()) {
        let name = super::table::profile(&c.recommendation.service).map_or("", |p| p.name);
        reasons.push(format!("{name} needs a consultation first."));
    }
    reasons
}

fn cautions(answers: &QuizAnswers, phototype: Phototype, energy_relevant: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |cond: bool, text: &str| {
        if cond {
            out.push(text.to_owned());
        }
    };
    add(
        answers.flag(Flag::Pregnant),
        "You said you're pregnant or breastfeeding, so laser, light and several other \
         treatments are left out for now. A complimentary consultation can plan what's \
         suitable now and later.",
    );
    add(
        answers.flag(Flag::IsotretinoinRecent),
        "Isotretinoin in the past 12 months: laser, light, microneedling and peel treatments \
         are left out for now. Please don't change your medicine because of this; ask your \
         prescriber, and a provider can advise at a consultation.",
    );
    add(
        answers.flag(Flag::ActiveBreakoutOrColdSore),
        "Please wait until any active breakout, cold sore or infection has fully healed before \
         treatment on that area, and see a doctor if it isn't getting better.",
    );
    add(
        answers.flag(Flag::KeloidHistory),
        "Keloid or raised scars: needling and laser treatments can bring them on, so \
         microneedling is left out and laser treatments need a consultation first.",
    );
    add(
        answers.flag(Flag::Melasma),
        "Melasma: heat from lasers and light can make it darker, so a provider should plan its \
         treatment with you at a consultation.",
    );
    add(
        phototype >= Phototype::IV && energy_relevant,
        "Darker skin types need adjusted laser and light settings, so a consultation is advised \
         before any laser or light treatment.",
    );
    add(
        answers.fitz(10) >= 3,
        "You've had strong sun recently. If you have a tan or sunburn, laser and light \
         treatments must wait until it has completely faded. Recent sun can also make your \
         skin-type result read darker than usual.",
    );
    out
}

/// "4-7 days", "2 days", "1 day", "Up to 7 days" (only ever at the start of a sentence).
fn days_range(min: u32, max: u32) -> String {
    match (min, max) {
        (1, 1) => "1 day".to_owned(),
        (a, b) if a == b => format!("{a} days"),
        (0, b) => format!("Up to {b} days"),
        (a, b) => format!("{a}-{b} days"),
    }
}

const fn budget_rank(b: super::Budget) -> i32 {
    match b {
        super::Budget::Low => 0,
        super::Budget::Mid => 1,
        super::Budget::High => 2,
    }
}
