//! HydraFacial, microneedling and light chemical peel: PROTOCOLS.md §5, one table row each
//! (sources cited per row; where the row gives a range, the conservative end).

use super::{
    ACTIVE_LESION_RETRY_DAYS, Retry, Step, choice, downtime_range, prep, rule, sources, step,
    within, yes,
};
use crate::protocol::{Period, Phase, Protocol, RuleOutcome, Series};

use Phase::{After, Before};
use RuleOutcome::{Caution, ConsultationRequired, NotEligible, Reschedule};

const HYDRAFACIAL: &[&str] = &["§5", "S52", "S53", "S54"];
const MICRONEEDLING: &[&str] = &["§5", "S55", "S56", "S57", "S58", "S59", "S98", "S99"];
const PEEL: &[&str] = &["§5", "S60", "S61", "S62", "S63", "S64", "S100"];

pub(super) fn hydrafacial() -> Protocol {
    Protocol {
        screening: Vec::new(),
        series: None,
        rules: vec![
            // §5 HydraFacial "reschedule: active cold sore, open lesions, acne flare in area".
            rule(
                "hydrafacial.elig.active_infection",
                yes("active_infection"),
                Reschedule,
                "We can't treat skin with an active cold sore, open sores, a flare-up or a \
                 rash. Please book again once it has healed.",
                HYDRAFACIAL,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            // §5 HydraFacial "reschedule: ... illness".
            rule(
                "hydrafacial.elig.unwell",
                yes("unwell"),
                Reschedule,
                "Please book again once you feel well, so you can enjoy your facial and we \
                 keep other clients well too.",
                HYDRAFACIAL,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            // §5 HydraFacial "isotretinoin < 6 mo at one clinic (suggest CR)".
            rule(
                "hydrafacial.elig.isotretinoin",
                within("isotretinoin_last_dose", Period::Months(6)),
                ConsultationRequired,
                "Because you've taken isotretinoin in the last 6 months, a provider would like \
                 to check your skin at a complimentary consultation first.",
                HYDRAFACIAL,
            ),
        ],
        prep_windows: vec![prep(
            "hydrafacial.prep.retinoid",
            "retinoid_last_used",
            2,
            "Retinoids need a 48-hour pause before a HydraFacial, so your earliest start is 2 \
             days after your last use.",
            HYDRAFACIAL,
        )],
        care: vec![
            step(
                "hydrafacial.pre.injectables",
                Before,
                -14,
                "Plan other treatments around your facial",
                "Laser treatments or medium peels on the face should be at least 2 weeks \
                 before. Have filler 7 to 14 days before and neurotoxin (such as Botox) 5 to 7 \
                 days before, or either on the same day after your facial.",
                HYDRAFACIAL,
            )
            .quiet(),
            step(
                "hydrafacial.pre.sun",
                Before,
                -7,
                "Avoid tanning",
                "Please avoid sunbathing and tanning beds in the week before your facial.",
                HYDRAFACIAL,
            )
            .through(-1)
            .quiet(),
            step(
                "hydrafacial.pre.actives",
                Before,
                -2,
                "Pause retinoids, exfoliants and waxing",
                "For the 48 hours before your facial, skip retinoids, exfoliating acids and \
                 scrubs, and waxing on the face.",
                HYDRAFACIAL,
            )
            .required(),
            step(
                "hydrafacial.after.gentle",
                After,
                0,
                "Gentle for 48 hours",
                "A little redness or tightness for up to 3 days, and tingling for a few hours, \
                 are normal. Skip retinoids for 48 hours.",
                HYDRAFACIAL,
            )
            .through(2)
            .quiet(),
        ],
        downtime: Some(downtime_range(
            0,
            0,
            "None; a little redness or tightness can last up to 72 hours.",
            HYDRAFACIAL,
        )),
        ..Protocol::default()
    }
}

#[expect(clippy::too_many_lines, reason = "a data table: one entry per rule")]
pub(super) fn microneedling() -> Protocol {
    let cold_sores = "If you get cold sores:";
    Protocol {
        screening: Vec::new(),
        series: Some(Series {
            sessions: 4,
            min_interval_weeks: 4,
            max_interval_weeks: 6,
        }),
        series_sources: sources(MICRONEEDLING),
        rules: vec![
            rule(
                "microneedling.elig.pregnant",
                yes("pregnant"),
                NotEligible,
                "Microneedling isn't offered during pregnancy or while breastfeeding. You're \
                 welcome to book a complimentary consultation to plan ahead.",
                MICRONEEDLING,
            ),
            rule(
                "microneedling.elig.isotretinoin",
                within("isotretinoin_last_dose", Period::Months(6)),
                NotEligible,
                "Microneedling isn't offered within 6 months of a last isotretinoin dose. \
                 Please don't change any medicine without your prescriber.",
                MICRONEEDLING,
            ),
            rule(
                "microneedling.elig.sunburn",
                yes("recent_tan_or_sunburn"),
                Reschedule,
                "We can't treat sunburned or freshly tanned skin. Please book once it has \
                 completely healed and faded.",
                MICRONEEDLING,
            )
            .retry_after(Period::Days(14)),
            rule(
                "microneedling.elig.active_infection",
                yes("active_infection"),
                Reschedule,
                "We can't treat skin with an active cold sore, infection, open sore or \
                 inflamed rash. Please book again once it has fully healed.",
                MICRONEEDLING,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            rule(
                "microneedling.elig.keloid",
                yes("keloid_history"),
                NotEligible,
                "Microneedling can bring on keloid or raised scars in people prone to them, so \
                 we don't offer it. A complimentary consultation can look at other options.",
                MICRONEEDLING,
            ),
            rule(
                "microneedling.elig.immune",
                yes("immune_condition"),
                NotEligible,
                "Microneedling isn't offered with autoimmune or connective-tissue conditions or \
                 a weakened immune system, because healing can be affected. A complimentary \
                 consultation can look at other options.",
                MICRONEEDLING,
            ),
            rule(
                "microneedling.elig.anticoagulant",
                yes("anticoagulant"),
                ConsultationRequired,
                "With a blood thinner or bleeding disorder, a provider needs to review your \
                 plan at a complimentary consultation first. Please don't stop any medicine; \
                 ask your prescriber.",
                MICRONEEDLING,
            ),
            // §5 microneedling CR: "history of severe eczema/psoriasis (one practice excludes)".
            rule(
                "microneedling.elig.eczema_or_psoriasis",
                yes("eczema_or_psoriasis_history"),
                ConsultationRequired,
                "Severe eczema or psoriasis can flare after microneedling, so a provider would \
                 like to see you at a complimentary consultation first.",
                MICRONEEDLING,
            ),
            // §5 microneedling prep "filler −2 wk, Botox −5 d" and the cross-service rule
            // (filler >= 14 d, neurotoxin 5-14 d before): the conservative 14 d for both.
            rule(
                "microneedling.elig.recent_injectable",
                within("injectable_last_date", Period::Days(14)),
                Reschedule,
                "Neurotoxin or filler injections need at least 14 days before microneedling, \
                 so your earliest date is 14 days after your last injection.",
                &["§5", "S99", "S15", "S36"],
            ),
            // §6 platform rule: the provider confirms the skin type in person and sets the
            // treatment for it; a darker type is a caution, not a refusal, for microneedling.
            rule(
                "microneedling.caution.fitzpatrick",
                choice("fitzpatrick", &["IV", "V", "VI", "unknown"]),
                Caution,
                "Your provider will confirm your skin type in person and adjust the treatment \
                 for it. Tell us if you've had dark patches after earlier treatments.",
                &["§6", "S88", "S90"],
            ),
            rule(
                "microneedling.caution.cold_sores",
                yes("cold_sore_history"),
                Caution,
                "Treatment can bring on a cold sore in people who get them. Please ask your \
                 prescriber whether you should take an antiviral around your treatment.",
                MICRONEEDLING,
            ),
        ],
        prep_windows: vec![prep(
            "microneedling.prep.retinoid",
            "retinoid_last_used",
            7,
            "Retinoids need to be stopped 7 days before microneedling, so your earliest start \
             is 7 days after your last use.",
            MICRONEEDLING,
        )],
        care: vec![
            step(
                "microneedling.pre.other_treatments",
                Before,
                -30,
                "Plan other treatments around microneedling",
                "Have laser treatments or medium peels at least 1 month before, filler at \
                 least 2 weeks before and neurotoxin (such as Botox) at least 5 days before.",
                MICRONEEDLING,
            )
            .quiet(),
            step(
                "microneedling.pre.medicines",
                Before,
                -14,
                "Check your medicines",
                "Anti-inflammatory pain relievers (such as ibuprofen) can work against PRP, and \
                 fish oil, vitamin E or ginkgo can add bruising. Ask your prescriber or \
                 pharmacist before pausing anything; never stop a prescribed medicine on your \
                 own.",
                MICRONEEDLING,
            ),
            step(
                "microneedling.pre.actives",
                Before,
                -7,
                "Stop retinoids and acids; no waxing",
                "From today, stop retinoids and exfoliating acids on the area, and skip waxing \
                 there.",
                MICRONEEDLING,
            )
            .required(),
            step(
                "microneedling.pre.antiviral",
                Before,
                -3,
                "Check your antiviral plan",
                "Please ask your prescriber whether you should take an antiviral around your \
                 treatment. Your prescriber decides the medicine and how to take it.",
                MICRONEEDLING,
            )
            .only_if("cold_sore_history", cold_sores),
            step(
                "microneedling.after.day_0",
                After,
                0,
                "Today: let your skin rest",
                "Redness and swelling for about 48 hours are normal. No makeup for about 12 \
                 hours; start SPF from the next day.",
                MICRONEEDLING,
            ),
            step(
                "microneedling.after.flaking",
                After,
                2,
                "Days 2-7: dryness and flaking",
                "Keep moisturizing and let any flakes come off on their own.",
                MICRONEEDLING,
            )
            .through(7)
            .quiet(),
            step(
                "microneedling.after.sun",
                After,
                0,
                "Keep out of the sun",
                "Avoid sun on the treated skin for about 10 days.",
                MICRONEEDLING,
            )
            .through(10)
            .quiet(),
            step(
                "microneedling.after.spf",
                After,
                1,
                "SPF 30+ every day",
                "Apply broad-spectrum SPF 30+ every morning.",
                MICRONEEDLING,
            )
            .through(14),
            step(
                "microneedling.after.actives",
                After,
                7,
                "Active products can return",
                "You can restart products such as vitamin C and acids; your full routine, \
                 retinoids included, can return from day 14.",
                MICRONEEDLING,
            ),
        ],
        downtime: Some(downtime_range(
            2,
            7,
            "About 48 hours of redness and swelling, then dryness or flaking up to day 7.",
            MICRONEEDLING,
        )),
        red_flags: None,
        lead_time_days: None,
    }
}

pub(super) fn chemical_peel() -> Protocol {
    Protocol {
        screening: Vec::new(),
        series: Some(Series {
            sessions: 4,
            min_interval_weeks: 2,
            max_interval_weeks: 5,
        }),
        series_sources: sources(PEEL),
        rules: vec![
            rule(
                "chemical-peel.elig.active_infection",
                yes("active_infection"),
                Reschedule,
                "We can't treat skin with an active cold sore, open sores or a rash. Please \
                 book again once it has healed.",
                PEEL,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            // §5 peels: "Fitzpatrick IV+ → CR (suggested; pigment-change risk)"; unknown
            // type: the provider assesses it first.
            rule(
                "chemical-peel.elig.fitzpatrick",
                choice("fitzpatrick", &["IV", "V", "VI"]),
                ConsultationRequired,
                "For skin types IV to VI a peel can change skin colour, so a provider will \
                 choose the right peel with you at a complimentary consultation first.",
                PEEL,
            ),
            rule(
                "chemical-peel.elig.fitzpatrick_unknown",
                choice("fitzpatrick", &["unknown"]),
                ConsultationRequired,
                "Your skin type decides which peel is safe for you, so a provider will confirm \
                 it at a complimentary consultation first (or take the skin quiz to work it \
                 out).",
                &["§5", "§6", "S60", "S88"],
            ),
            // §5 peel "Pregnancy: CR (suggested)".
            rule(
                "chemical-peel.elig.pregnant",
                yes("pregnant"),
                ConsultationRequired,
                "During pregnancy or breastfeeding, a provider will check which peel suits you \
                 at a complimentary consultation first.",
                PEEL,
            ),
        ],
        prep_windows: vec![prep(
            "chemical-peel.prep.retinoid",
            "retinoid_last_used",
            7,
            "Retinoids need to be stopped 7 days before a peel, so your earliest start is 7 \
             days after your last use.",
            PEEL,
        )],
        care: vec![
            step(
                "chemical-peel.pre.sun",
                Before,
                -14,
                "Keep out of the sun",
                "Please avoid sun and tanning for the 2 weeks before your peel.",
                PEEL,
            )
            .through(-1),
            step(
                "chemical-peel.pre.actives",
                Before,
                -7,
                "Stop retinoids; no waxing",
                "From today, stop retinoids on the area and skip waxing or hair-removal \
                 creams there.",
                PEEL,
            )
            .required(),
            step(
                "chemical-peel.after.flaking",
                After,
                0,
                "Pinkness and flaking",
                "Some pinkness and flaking for a few days is normal. Moisturize, and let flakes \
                 come off on their own.",
                PEEL,
            )
            .through(7),
            step(
                "chemical-peel.after.sun",
                After,
                0,
                "Keep out of the sun",
                "Please avoid sun for 2 weeks after your peel and wear SPF 30+ every morning.",
                &["§5", "S50", "S60", "S62", "S63"],
            )
            .through(14),
        ],
        downtime: Some(downtime_range(
            0,
            7,
            "Usually 3 to 7 days of pinkness or flaking; some light peels have none.",
            PEEL,
        )),
        red_flags: None,
        lead_time_days: None,
    }
}
