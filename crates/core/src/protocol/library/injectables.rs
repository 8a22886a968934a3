//! Neuromodulator, HA dermal filler and the medical-grade skincare consult: PROTOCOLS.md §5
//! (one row each, sources cited per row).
//!
//! Reminder dates for advice the sources give without a number ("for several days before")
//! are scheduling choices, not clinical windows: the text keeps the sourced wording.

use super::{ACTIVE_LESION_RETRY_DAYS, Retry, Step, downtime_range, rule, step, yes};
use crate::protocol::{Period, Phase, Protocol, RuleOutcome};

use Phase::{After, Before, CheckIn};
use RuleOutcome::{Caution, ConsultationRequired, NotEligible, Reschedule};

const TOXIN: &[&str] = &["§5", "S74", "S75", "S76", "S101"];
const FILLER: &[&str] = &[
    "§5", "S15", "S36", "S52", "S53", "S77", "S78", "S79", "S80", "S81",
];
const SKINCARE: &[&str] = &["§5", "S50", "S82", "S83"];

pub(super) fn neuromodulator() -> Protocol {
    Protocol {
        screening: Vec::new(),
        rules: vec![
            rule(
                "neuromodulator.elig.pregnant",
                yes("pregnant"),
                NotEligible,
                "Neuromodulators haven't been studied in pregnancy or breastfeeding, so we \
                 don't offer them then. You're welcome to book a complimentary consultation to \
                 plan ahead.",
                TOXIN,
            ),
            rule(
                "neuromodulator.elig.neuromuscular",
                yes("neuromuscular_condition"),
                NotEligible,
                "Neuromodulators aren't suitable with a nerve or muscle condition like this. A \
                 complimentary consultation can look at other options.",
                TOXIN,
            ),
            rule(
                "neuromodulator.elig.allergy",
                yes("toxin_allergy"),
                NotEligible,
                "After an allergic reaction to a toxin product or albumin, we can't offer this \
                 treatment. A complimentary consultation can look at other options.",
                TOXIN,
            ),
        ],
        care: vec![
            step(
                "neuromodulator.pre.medicines",
                Before,
                -7,
                "Check your medicines",
                "Aspirin-type medicines can make bruising more likely. If you take one, ask \
                 your prescriber or pharmacist whether to pause it for several days before \
                 your appointment; never stop a prescribed medicine on your own.",
                TOXIN,
            ),
            step(
                "neuromodulator.after.first_day",
                After,
                0,
                "The first 24 hours",
                "Don't rub or massage the treated areas for 24 hours, skip strenuous exercise \
                 for 24 hours, and leave makeup off the injection points for about 6 hours. A \
                 small bruise can last up to about a week.",
                TOXIN,
            )
            .through(1),
            step(
                "neuromodulator.after.onset",
                After,
                3,
                "Results appear",
                "Results usually show within 1 to 5 days and last about 3 to 6 months.",
                TOXIN,
            )
            .quiet(),
            step(
                "neuromodulator.check.repeat",
                CheckIn,
                90,
                "Time to plan your next visit",
                "Results usually last about 3 to 6 months; book your next visit when you \
                 notice movement returning.",
                TOXIN,
            ),
        ],
        downtime: Some(downtime_range(
            0,
            0,
            "None; a small bruise can last up to about a week.",
            TOXIN,
        )),
        ..Protocol::default()
    }
}

pub(super) fn dermal_filler() -> Protocol {
    Protocol {
        screening: Vec::new(),
        rules: vec![
            rule(
                "dermal-filler.elig.pregnant",
                yes("pregnant"),
                NotEligible,
                "Filler isn't offered during pregnancy or while breastfeeding. You're welcome \
                 to book a complimentary consultation to plan ahead.",
                FILLER,
            ),
            rule(
                "dermal-filler.elig.active_infection",
                yes("active_infection"),
                Reschedule,
                "We can't inject where there's an infection or inflammation. Please book again \
                 once it has fully healed.",
                FILLER,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            rule(
                "dermal-filler.elig.lidocaine",
                yes("lidocaine_allergy"),
                NotEligible,
                "Most fillers contain lidocaine, so we can't offer them with this allergy. A \
                 complimentary consultation can look at other options.",
                FILLER,
            ),
            rule(
                "dermal-filler.elig.immune",
                yes("immune_condition"),
                ConsultationRequired,
                "With a condition or medicine that affects your immune system, a provider \
                 would like to see you at a complimentary consultation first.",
                FILLER,
            ),
            // §5 filler CR: "multiple drug allergies".
            rule(
                "dermal-filler.elig.drug_allergies",
                yes("drug_allergies"),
                ConsultationRequired,
                "Because you're allergic to several medicines, a provider would like to check \
                 the products with you at a complimentary consultation first.",
                FILLER,
            ),
            rule(
                "dermal-filler.caution.cold_sores",
                yes("cold_sore_history"),
                Caution,
                "Injections near the lips can bring on a cold sore in people who get them. \
                 Please ask your prescriber whether you should take an antiviral.",
                FILLER,
            ),
        ],
        care: vec![
            step(
                "dermal-filler.pre.medicines",
                Before,
                -14,
                "Check your medicines",
                "Aspirin and anti-inflammatory pain relievers can add bruising. Ask your \
                 prescriber or pharmacist before pausing anything; never stop a prescribed \
                 medicine, including blood thinners, on your own.",
                FILLER,
            ),
            step(
                "dermal-filler.pre.events",
                Before,
                -14,
                "Plan around events",
                "Swelling or bruising can last up to 2 weeks, so avoid booking just before an \
                 important event.",
                FILLER,
            )
            .quiet(),
            step(
                "dermal-filler.pre.antiviral",
                Before,
                -3,
                "Check your antiviral plan",
                "Please ask your prescriber whether you should take an antiviral around your \
                 treatment. Your prescriber decides the medicine and how to take it.",
                FILLER,
            )
            .only_if("cold_sore_history", "If you get cold sores:"),
            step(
                "dermal-filler.pre.alcohol",
                Before,
                -2,
                "Skip alcohol",
                "Please avoid alcohol for the 2 days before your appointment.",
                FILLER,
            )
            .quiet(),
            step(
                "dermal-filler.after.first_day",
                After,
                0,
                "The first 24 hours",
                "Skip exercise, makeup and pressing or massaging the area for 24 hours \
                 (vigorous exercise for 2 to 3 days). Swelling and bruising usually settle in 2 \
                 to 7 days.",
                FILLER,
            )
            .through(1),
            step(
                "dermal-filler.after.dental",
                After,
                0,
                "No dental work or vaccines",
                "Please avoid dental work and vaccinations for 14 days; HydraFacial can follow \
                 after 7 to 14 days and laser treatments after 14 days.",
                FILLER,
            )
            .through(14)
            .quiet(),
            step(
                "dermal-filler.check.review",
                CheckIn,
                10,
                "Review visit",
                "Time for your review: we'll check the result once swelling has settled.",
                FILLER,
            )
            .through(14),
        ],
        downtime: Some(downtime_range(
            2,
            14,
            "Swelling or bruising, typically 2 to 7 days and up to about 2 weeks.",
            FILLER,
        )),
        ..Protocol::default()
    }
}

pub(super) fn medical_grade_skincare() -> Protocol {
    Protocol {
        screening: Vec::new(),
        rules: vec![rule(
            "medical-grade-skincare.elig.pregnant",
            yes("pregnant"),
            ConsultationRequired,
            "Some skincare actives (such as retinoids and hydroquinone) aren't used in pregnancy \
             or breastfeeding, so a provider will choose your routine with you at a \
             complimentary consultation.",
            SKINCARE,
        )],
        care: vec![
            step(
                "medical-grade-skincare.after.spf",
                After,
                0,
                "SPF 30+ every morning",
                "Broad-spectrum, water-resistant SPF 30+ every morning is part of every \
                 routine; reapply about every 2 hours outdoors.",
                SKINCARE,
            ),
            step(
                "medical-grade-skincare.after.retinoid_week_1",
                After,
                1,
                "New retinoid, week 1: two nights",
                "If you were given a retinoid, use it on 2 nights this week, and skip a night if your skin gets \
                 irritated. Some dryness or peeling while your skin adjusts is normal.",
                SKINCARE,
            )
            .quiet(),
            step(
                "medical-grade-skincare.after.retinoid_ramp",
                After,
                7,
                "New retinoid: add one night each week",
                "Each week, add one more night of your retinoid if your skin is comfortable.",
                SKINCARE,
            )
            .through(34)
            .quiet(),
            step(
                "medical-grade-skincare.after.retinoid_nightly",
                After,
                35,
                "New retinoid, week 6: nightly",
                "By week 6 you can use your retinoid every night if your skin is comfortable. \
                 Its benefits build over 3 to 6 months.",
                SKINCARE,
            )
            .quiet(),
            step(
                "medical-grade-skincare.check.follow_up",
                CheckIn,
                42,
                "Follow-up",
                "Time to review how your routine is going.",
                &["§5"],
            )
            .through(84),
        ],
        downtime: Some(downtime_range(
            0,
            0,
            "None, though a new retinoid can cause dryness or peeling for the first weeks.",
            SKINCARE,
        )),
        ..Protocol::default()
    }
}
