//! Halo hybrid fractional laser (Sciton): PROTOCOLS.md §1 (device, downtime, series), §2
//! (pre-care windows), §3 (contraindications), §4 (after-care, red flags, check-ins).
//!
//! DESIGN.md fixes the screening: exactly these eight required questions, so a booking that
//! answers them is complete. The retinoid window is the product owner's 14 days (DESIGN.md),
//! inside the sourced 2-21 day spread of §2.

use super::{Retry, Step, between, downtime_range, prep, q, rule, sources, step, within, yes};
use crate::protocol::{Period, Phase, Protocol, RedFlags, RuleOutcome, Series};

use Phase::{After, Before, CheckIn, Day};
use RuleOutcome::{Caution, ConsultationRequired, NotEligible};

const COLD_SORES: &str = "If you get cold sores:";

/// §4 "Call the clinic" list, sent with every after-care message.
pub(super) const RED_FLAGS: &str = "Call us if you notice cloudy or pus-like drainage or \
    yellow crusts; warmth, pain or redness that gets worse after day 3; a fever over 38 °C \
    (100.4 °F); new blisters, or clusters of small blisters, tingling or burning near your \
    lips; severe itching; swelling that gets worse instead of settling; or pain that \
    over-the-counter pain relief doesn't ease. Eye pain, sensitivity to light or any change \
    in your vision is urgent: seek care right away.";

pub(super) fn protocol() -> Protocol {
    Protocol {
        screening: vec![
            q::pregnant(),
            q::isotretinoin(),
            q::retinoid(),
            q::tan(),
            q::cold_sores(),
            q::active_infection(),
            q::keloid(),
            q::melasma(),
        ],
        series: Some(Series {
            sessions: 2,
            min_interval_weeks: 4,
            max_interval_weeks: 8,
        }),
        series_sources: sources(&["§1", "S1", "S8", "S10", "S16"]),
        rules: rules(),
        prep_windows: vec![prep(
            "halo.prep.retinoid",
            "retinoid_last_used",
            14,
            "Retinoids (retinol, tretinoin, adapalene) need to be stopped 14 days before a \
             Halo session, so your earliest start is 14 days after your last use.",
            &[
                "§2",
                "DESIGN.md",
                "S13",
                "S15",
                "S17",
                "S18",
                "S22",
                "S36",
                "S37",
            ],
        )],
        care: [before(), after()].concat(),
        downtime: Some(downtime_range(
            4,
            7,
            "Redness and swelling, then tiny dark dots and flaking that clear in about a \
             week; many people are back at work around day 3.",
            &["§1", "S8", "S10", "S11", "S13"],
        )),
        red_flags: Some(RedFlags {
            text: RED_FLAGS.to_owned(),
            sources: sources(&["§4", "S20", "S41", "S46", "S48"]),
        }),
    }
}

fn rules() -> Vec<crate::protocol::Rule> {
    vec![
        rule(
            "halo.elig.pregnant",
            yes("pregnant"),
            NotEligible,
            "Laser treatments are not offered during pregnancy or while breastfeeding. You're \
             welcome to book a complimentary consultation to plan ahead.",
            &["§3", "S9", "S37", "S47b", "S97"],
        ),
        rule(
            "halo.elig.isotretinoin_6_months",
            within("isotretinoin_last_dose", Period::Months(6)),
            NotEligible,
            "Halo isn't offered within 6 months of a last isotretinoin dose, so your skin can \
             heal normally. You're welcome to book a complimentary consultation meanwhile; \
             please don't change any medicine without your prescriber.",
            &["§2", "§3", "S30", "S31", "S36"],
        ),
        rule(
            "halo.elig.isotretinoin_12_months",
            between(
                "isotretinoin_last_dose",
                Period::Months(6),
                Period::Months(12),
            ),
            ConsultationRequired,
            "Your last isotretinoin dose was 6 to 12 months ago, so a provider would like to \
             see you at a complimentary consultation before your first Halo session.",
            &["§2", "§3", "S21", "S26"],
        ),
        rule(
            "halo.elig.tan_or_sunburn",
            yes("recent_tan_or_sunburn"),
            NotEligible,
            "Tanned or sunburned skin can burn or darken with laser treatment. Please book \
             once it has completely faded, at least 14 days from now, and keep the area out \
             of the sun until then.",
            &["§2", "§3", "S15", "S26", "S37"],
        )
        .retry_after(Period::Days(14)),
        rule(
            "halo.elig.active_infection",
            yes("active_infection"),
            NotEligible,
            "We can't treat skin with an active cold sore, infection, open wound, inflamed \
             acne or rash. Please book again once it has fully healed, and see your doctor if \
             it isn't getting better.",
            &["§2", "§3", "S38", "S42", "S48", "S49", "S97"],
        ),
        rule(
            "halo.elig.keloid",
            yes("keloid_history"),
            ConsultationRequired,
            "Because you've had keloid or raised scars, a provider would like to meet you at a \
             complimentary consultation before any laser treatment.",
            &["§3", "S38", "S47b", "S97"],
        ),
        rule(
            "halo.elig.melasma",
            yes("melasma"),
            ConsultationRequired,
            "Heat from a laser can sometimes make melasma darker, so a provider will plan your \
             treatment with you at a complimentary consultation first.",
            &["§1", "§3", "S5", "S69"],
        ),
        rule(
            "halo.caution.cold_sores",
            yes("cold_sore_history"),
            Caution,
            "Laser treatment can bring on a cold sore in people who get them. Please ask your \
             prescriber whether you should take an antiviral around your treatment; your care \
             plan has reminders.",
            &["§2", "§3", "S25", "S29", "S34"],
        ),
    ]
}

fn before() -> Vec<crate::protocol::CareRule> {
    vec![
        step(
            "halo.pre.sun",
            Before,
            -28,
            "Protect your skin from the sun",
            "Avoid sunbathing and tanning beds, wear a wide-brimmed hat outdoors and \
             broad-spectrum SPF 30+ every morning. A tan or sunburn means your session has to \
             move.",
            &["§2", "S9", "S15", "S17", "S25", "S36", "S37", "S50"],
        )
        .through(-1),
        step(
            "halo.pre.routine",
            Before,
            -14,
            "Start a simple skin routine",
            "Twice a day, a gentle non-foaming cleanser and a plain fragrance-free \
             moisturizer; every morning, broad-spectrum SPF 30+. Please don't start any new \
             products before your session.",
            &["§2", "S6", "S12", "S47", "S50"],
        )
        .through(-1),
        step(
            "halo.pre.retinoid",
            Before,
            -14,
            "Stop retinoids",
            "From today, stop retinol, tretinoin, adapalene and other retinoids on the area. \
             If a retinoid was prescribed for you, let your prescriber know about your \
             treatment.",
            &["§2", "DESIGN.md", "S13", "S15", "S17", "S18", "S36"],
        ),
        step(
            "halo.pre.self_tanner",
            Before,
            -14,
            "No self-tanner",
            "Please don't use self-tanner or spray tan on the area from today.",
            &["§2", "S17", "S19", "S36"],
        )
        .quiet(),
        step(
            "halo.pre.injectables",
            Before,
            -14,
            "Plan injectables around your session",
            "If you're planning neurotoxin (such as Botox) or filler, have it at least 14 days \
             before your Halo session.",
            &["§2", "§3", "S15", "S36"],
        )
        .quiet(),
        step(
            "halo.pre.smoking",
            Before,
            -14,
            "If you smoke, take a break",
            "Not smoking for at least 2 weeks before and after your session helps your skin \
             heal.",
            &["§2", "S25b", "S28"],
        )
        .through(14)
        .quiet(),
        step(
            "halo.pre.exfoliants",
            Before,
            -7,
            "Stop exfoliants",
            "Stop AHA, BHA and other acid products, benzoyl peroxide, scrubs and exfoliating \
             tools on the area.",
            &["§2", "S17", "S18", "S36", "S51"],
        ),
        step(
            "halo.pre.hair_removal",
            Before,
            -7,
            "No waxing on the area",
            "Skip waxing, depilatory creams, electrolysis and threading on the area from today.",
            &["§2", "S17", "S18", "S19"],
        )
        .quiet(),
        step(
            "halo.pre.medicines",
            Before,
            -7,
            "Check your medicines",
            "If you take aspirin, ibuprofen, naproxen, fish oil, vitamin E, ginkgo or garlic \
             supplements, or a medicine that makes skin sensitive to the sun (such as \
             doxycycline), tell us and ask your prescriber or pharmacist before pausing \
             anything. Never stop a prescribed medicine on your own.",
            &["§2", "S15", "S18", "S36", "S47", "S51", "S67"],
        ),
        step(
            "halo.pre.alcohol",
            Before,
            -5,
            "Skip alcohol",
            "Please avoid alcohol for the 5 days before your session.",
            &["§2", "S36"],
        )
        .quiet(),
        step(
            "halo.pre.antiviral_confirm",
            Before,
            -3,
            "Check your antiviral plan",
            "Please ask your prescriber whether you should take an antiviral around your \
             treatment, and make sure you have it. Your prescriber decides the medicine and \
             how to take it.",
            &["§2", "S14", "S17", "S22", "S25", "S29", "S34", "S36"],
        )
        .only_if("cold_sore_history", COLD_SORES),
        step(
            "halo.pre.antiviral_start",
            Before,
            -1,
            "Start your antiviral as prescribed",
            "If your prescriber gave you an antiviral, start it today as they directed and \
             keep taking it as prescribed while your skin heals.",
            &["§2", "S34", "S35", "S36"],
        )
        .through(7)
        .only_if("cold_sore_history", COLD_SORES),
        step(
            "halo.day.clean_skin",
            Day,
            0,
            "Arrive with clean skin",
            "Please come without makeup, lotion or sunscreen on the area, and bring a hat or \
             scarf for the trip home.",
            &["§2", "S15", "S17"],
        ),
    ]
}

fn after() -> Vec<crate::protocol::CareRule> {
    vec![
        step(
            "halo.after.days_0_1",
            After,
            0,
            "Days 0-1: cool and calm",
            "Heat, redness, swelling and a little pinpoint bleeding are normal. Wash with \
             lukewarm water and a gentle cleanser using your fingertips, then pat dry. Apply a \
             bland moisturizer or ointment whenever your skin feels dry. Cool compresses help; \
             sleep with your head raised the first night. Stay indoors, wear no makeup for \
             the first day, and skip exercise, sauna and swimming for 48 hours.",
            &["§1.1", "§4", "S12", "S15", "S18", "S19", "S36", "S46"],
        )
        .through(1),
        step(
            "halo.after.days_2_3",
            After,
            2,
            "Days 2-3: peak redness",
            "Redness usually peaks around day 3. Tiny dark dots, a bronzed look and a \
             sandpaper feel are normal: it's treated skin working its way out. Keep cleansing \
             and moisturizing twice a day, don't pick or scratch, and wear SPF 30+ and a hat \
             if you go out.",
            &["§1.1", "§4", "S1", "S11", "S12", "S15", "S19", "S20"],
        )
        .through(3),
        step(
            "halo.after.days_4_7",
            After,
            4,
            "Days 4-7: flaking",
            "Your skin will flake and may feel dry and itchy. Let flakes come off on their own \
             and keep moisturizing. Stay out of direct sun and hold off active products until \
             the peeling has finished. Light exercise is fine once sweating doesn't sting.",
            &["§1.1", "§4", "S1", "S12", "S15", "S19", "S36"],
        )
        .through(7),
        step(
            "halo.after.week_2",
            After,
            8,
            "Week 2: healed, still protecting",
            "Your skin has usually healed and may still look pink. Go back to your gentle \
             routine, keep out of direct sun, and wait 2 to 4 weeks after treatment before \
             facials or other laser treatments on the area; we'll tell you what fits.",
            &["§4", "S15", "S23", "S36", "S40", "S52", "S53"],
        )
        .through(14),
        step(
            "halo.after.sun",
            After,
            0,
            "Keep out of direct sun",
            "Avoid direct sun on the treated skin for the first 14 days.",
            &["§4", "S15", "S36"],
        )
        .through(14)
        .quiet(),
        step(
            "halo.after.spf",
            After,
            0,
            "SPF 30+ every day",
            "Apply broad-spectrum, water-resistant SPF 30+ every morning and reapply about \
             every 2 hours outdoors. A hat helps too.",
            &["§2", "§4", "S1", "S15", "S19", "S39", "S50"],
        )
        .through(90),
        step(
            "halo.after.retinoids",
            After,
            14,
            "You can restart retinoids",
            "If your skin has healed and feels comfortable, you can restart retinoids from \
             today. Start slowly and pause if your skin gets irritated.",
            &["§4", "S15", "S23", "S36", "S40"],
        ),
        step(
            "halo.after.weeks_3_4",
            After,
            22,
            "Weeks 3-4: watch for dark patches",
            "Pigment keeps improving. Darker patches can sometimes appear around weeks 3 to 4: \
             if you notice any, tell us. If you're having a series, your next session can be \
             from 4 weeks after this one.",
            &["§4", "S1", "S19", "S39", "S41"],
        )
        .through(28)
        .quiet(),
        step(
            "halo.check.day_2",
            CheckIn,
            2,
            "Check-in: swelling and heat",
            "How are you feeling? We'll check in on swelling and heat; reply or call us with \
             any questions.",
            &["§4", "S11", "S12"],
        ),
        step(
            "halo.check.day_7",
            CheckIn,
            7,
            "Check-in: healing",
            "Has your skin healed? We'll check for any sign of infection or a cold sore.",
            &["§4", "S41", "S46", "S48"],
        ),
        step(
            "halo.check.day_28",
            CheckIn,
            28,
            "Check-in: pigment and next steps",
            "We'll check for any darker patches and talk about your next session.",
            &["§4", "S1", "S41"],
        ),
    ]
}
