//! IPL photofacial and laser hair removal: PROTOCOLS.md §5 (one row each; sources cited per
//! row; where sources disagree, the conservative end). Both are light-based, so tanned skin
//! and pregnancy rule them out and darker skin types need a consultation first.

use super::{
    ACTIVE_LESION_RETRY_DAYS, Retry, Step, choice, downtime_range, prep, rule, sources, step,
    within, yes,
};
use crate::protocol::{Period, Phase, Protocol, RuleOutcome, Series};

use Phase::{After, Before};
use RuleOutcome::{Caution, ConsultationRequired, NotEligible, Reschedule};

const IPL: &[&str] = &["§5", "S65", "S66", "S67", "S68", "S69"];
const LHR: &[&str] = &["§5", "S31", "S44", "S70", "S71", "S71b", "S72", "S73"];

#[expect(clippy::too_many_lines, reason = "a data table: one entry per rule")]
pub(super) fn ipl_photofacial() -> Protocol {
    Protocol {
        screening: Vec::new(),
        series: Some(Series {
            sessions: 4,
            min_interval_weeks: 4,
            max_interval_weeks: 6,
        }),
        series_sources: sources(IPL),
        rules: vec![
            rule(
                "ipl-photofacial.elig.pregnant",
                yes("pregnant"),
                NotEligible,
                "Light treatments are not offered during pregnancy or while breastfeeding. \
                 You're welcome to book a complimentary consultation to plan ahead.",
                IPL,
            ),
            rule(
                "ipl-photofacial.elig.isotretinoin",
                within("isotretinoin_last_dose", Period::Months(6)),
                NotEligible,
                "IPL isn't offered within 6 months of a last isotretinoin dose. Please don't \
                 change any medicine without your prescriber.",
                IPL,
            ),
            rule(
                "ipl-photofacial.elig.tan",
                yes("recent_tan_or_sunburn"),
                Reschedule,
                "Tanned or sunburned skin can burn or darken with IPL. Please book once it has \
                 completely faded, at least 6 weeks from now, and keep the area out of the sun \
                 until then.",
                IPL,
            )
            .retry_after(Period::Weeks(6)),
            rule(
                "ipl-photofacial.elig.active_infection",
                yes("active_infection"),
                Reschedule,
                "We can't treat skin with an active cold sore, infection or rash. Please book \
                 again once it has fully healed.",
                IPL,
            )
            .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
            rule(
                "ipl-photofacial.elig.photosensitizing",
                yes("photosensitizing_medication"),
                NotEligible,
                "Medicines that make skin sensitive to light rule out IPL for now. Please don't \
                 stop a prescribed medicine; ask your prescriber, and we can plan together at a \
                 complimentary consultation.",
                IPL,
            ),
            // §5 IPL NE: "Fitzpatrick VI".
            rule(
                "ipl-photofacial.elig.fitzpatrick_vi",
                choice("fitzpatrick", &["VI"]),
                NotEligible,
                "IPL doesn't suit skin type VI: the light is absorbed by the skin's own pigment \
                 and can burn or mark it. A complimentary consultation can look at other \
                 options.",
                IPL,
            ),
            // §5 IPL CR: "Fitzpatrick IV–V (suggested)"; unknown type: assess first.
            rule(
                "ipl-photofacial.elig.fitzpatrick_iv_v",
                choice("fitzpatrick", &["IV", "V", "unknown"]),
                ConsultationRequired,
                "IPL settings depend closely on skin type, so a provider would like to see your \
                 skin at a complimentary consultation first.",
                IPL,
            ),
            // §5 IPL NE: "light-triggered disease (lupus, porphyria)".
            rule(
                "ipl-photofacial.elig.light_sensitive_condition",
                yes("light_sensitive_condition"),
                NotEligible,
                "Conditions that light can trigger, such as lupus or porphyria, rule out IPL. A \
                 complimentary consultation can look at other options.",
                IPL,
            ),
            // §5 IPL CR: "immunosuppression".
            rule(
                "ipl-photofacial.elig.immune",
                yes("immune_condition"),
                ConsultationRequired,
                "Conditions and medicines that affect the immune system can change how skin \
                 heals, so a provider would like to see you at a complimentary consultation \
                 first.",
                IPL,
            ),
            // §5 IPL CR: "skin-cancer history".
            rule(
                "ipl-photofacial.elig.skin_cancer",
                yes("skin_cancer_history"),
                ConsultationRequired,
                "Because you've had skin cancer, a provider would like to look at your skin at a \
                 complimentary consultation first.",
                IPL,
            ),
            rule(
                "ipl-photofacial.elig.keloid",
                yes("keloid_history"),
                ConsultationRequired,
                "Because you've had keloid or raised scars, a provider would like to meet you \
                 at a complimentary consultation first.",
                IPL,
            ),
            rule(
                "ipl-photofacial.elig.melasma",
                yes("melasma"),
                ConsultationRequired,
                "Light treatments can make melasma darker, so a provider will plan with you at a \
                 complimentary consultation first.",
                IPL,
            ),
            rule(
                "ipl-photofacial.elig.anticoagulant",
                yes("anticoagulant"),
                ConsultationRequired,
                "With a blood thinner or bleeding disorder, a provider needs to review your plan \
                 at a complimentary consultation first. Please don't stop any medicine; ask \
                 your prescriber.",
                IPL,
            ),
            rule(
                "ipl-photofacial.caution.cold_sores",
                yes("cold_sore_history"),
                Caution,
                "Treatment near the lips can bring on a cold sore in people who get them. Please \
                 ask your prescriber whether you should take an antiviral; your care plan has a \
                 reminder.",
                IPL,
            ),
        ],
        prep_windows: vec![prep(
            "ipl-photofacial.prep.retinoid",
            "retinoid_last_used",
            7,
            "Retinoids need to be stopped 7 days before IPL, so your earliest start is 7 days \
             after your last use.",
            IPL,
        )],
        care: vec![
            step(
                "ipl-photofacial.pre.sun",
                Before,
                -42,
                "Keep out of the sun",
                "Please avoid sunbathing and tanning beds for the 6 weeks before your session; \
                 a tan means your session has to move.",
                IPL,
            )
            .through(-1),
            step(
                "ipl-photofacial.pre.self_tanner",
                Before,
                -14,
                "No self-tanner",
                "Please don't use self-tanner on the area from today.",
                IPL,
            )
            .quiet(),
            step(
                "ipl-photofacial.pre.medicines",
                Before,
                -7,
                "Check your medicines",
                "Aspirin and anti-inflammatory pain relievers can add bruising. Ask your \
                 prescriber or pharmacist before pausing anything; never stop a prescribed \
                 medicine on your own.",
                IPL,
            )
            .required(),
            step(
                "ipl-photofacial.pre.actives",
                Before,
                -7,
                "Stop retinoids and acids",
                "From today, stop retinoids and exfoliating acids on the area.",
                IPL,
            )
            .required(),
            step(
                "ipl-photofacial.pre.antiviral",
                Before,
                -3,
                "Antiviral, if prescribed",
                "If your prescriber gave you an antiviral for your treatment, start it as they \
                 directed. Your prescriber decides the medicine and how to take it.",
                IPL,
            )
            .only_if("cold_sore_history", "If you get cold sores:"),
            step(
                "ipl-photofacial.after.spots",
                After,
                0,
                "What to expect",
                "Some redness or swelling for a day or so is normal. Brown spots darken and then \
                 flake off over about 7 to 10 days; please don't pick them.",
                IPL,
            )
            .through(10),
            step(
                "ipl-photofacial.after.actives",
                After,
                0,
                "No retinoids or exfoliants for a week",
                "Skip retinoids, scrubs and exfoliating acids on the area for 7 days.",
                IPL,
            )
            .through(7)
            .quiet(),
            step(
                "ipl-photofacial.after.sun",
                After,
                0,
                "Keep out of the sun, then SPF daily",
                "Avoid sun on the treated skin for 2 weeks, then wear broad-spectrum SPF 30+ \
                 every morning.",
                &["§5", "S50", "S65", "S66", "S69"],
            )
            .through(14),
        ],
        downtime: Some(downtime_range(
            0,
            10,
            "Little or no downtime, but treated brown spots darken and flake off over about 7 \
             to 10 days.",
            IPL,
        )),
        red_flags: None,
        lead_time_days: None,
    }
}

pub(super) fn laser_hair_removal() -> Protocol {
    Protocol {
        screening: Vec::new(),
        series: Some(Series {
            sessions: 6,
            min_interval_weeks: 4,
            max_interval_weeks: 8,
        }),
        series_sources: sources(LHR),
        rules: vec![
            rule(
                "laser-hair-removal.elig.pregnant",
                yes("pregnant"),
                NotEligible,
                "Laser treatments are not offered during pregnancy or while breastfeeding. \
                 You're welcome to book a complimentary consultation to plan ahead.",
                LHR,
            ),
            rule(
                "laser-hair-removal.elig.tan",
                yes("recent_tan_or_sunburn"),
                Reschedule,
                "Laser can burn or mark tanned skin. Please book once your tan or sunburn has \
                 completely faded, at least 6 weeks from now.",
                LHR,
            )
            .retry_after(Period::Weeks(6)),
            // §5 LHR CR: "Fitzpatrick IV–VI (long-pulsed Nd:YAG, conservative settings)";
            // unknown type: assess first.
            rule(
                "laser-hair-removal.elig.fitzpatrick",
                choice("fitzpatrick", &["IV", "V", "VI", "unknown"]),
                ConsultationRequired,
                "Skin types IV to VI need a specific laser and adjusted settings, so a provider \
                 would like to see your skin at a complimentary consultation first.",
                LHR,
            ),
            rule(
                "laser-hair-removal.elig.light_hair",
                yes("light_hair"),
                ConsultationRequired,
                "Lasers can't target blonde, grey, white or red hair well, so a provider will \
                 talk through what to expect at a complimentary consultation first.",
                LHR,
            ),
        ],
        prep_windows: Vec::new(),
        care: vec![
            step(
                "laser-hair-removal.pre.plucking",
                Before,
                -42,
                "Stop plucking and waxing",
                "From today, don't pluck, wax or use electrolysis on the area: the laser needs \
                 the hair root. Shaving is fine.",
                LHR,
            ),
            step(
                "laser-hair-removal.pre.sun",
                Before,
                -42,
                "Keep the area out of the sun",
                "Please avoid sun and tanning beds on the area before your session; a tan means \
                 your session has to move.",
                LHR,
            )
            .through(-1)
            .quiet(),
            step(
                "laser-hair-removal.pre.actives",
                Before,
                -14,
                "Pause retinoids, acids and other treatments",
                "Stop AHA, BHA and retinoid products on the area, and avoid peels or other \
                 laser treatments there.",
                LHR,
            )
            .required()
            .quiet(),
            step(
                "laser-hair-removal.pre.self_tanner",
                Before,
                -7,
                "No self-tanner",
                "Please don't use self-tanner on the area from today.",
                LHR,
            )
            .quiet(),
            step(
                "laser-hair-removal.pre.shave",
                Before,
                -1,
                "Shave the area",
                "Please shave the area the day before your session.",
                LHR,
            ),
            step(
                "laser-hair-removal.after.skin",
                After,
                0,
                "A sunburn-like feeling is normal",
                "The area may feel like a mild sunburn for a day or two. Makeup is fine from \
                 the next day.",
                LHR,
            )
            .through(2)
            .quiet(),
            step(
                "laser-hair-removal.after.sunscreen",
                After,
                0,
                "Sunscreen on treated skin",
                "Wear broad-spectrum sunscreen on the treated area for about a month. Treated \
                 hair sheds over the same time; that's expected.",
                LHR,
            )
            .through(30),
        ],
        downtime: Some(downtime_range(
            1,
            2,
            "A sunburn-like feeling for a day or two.",
            LHR,
        )),
        red_flags: None,
        lead_time_days: None,
    }
}
