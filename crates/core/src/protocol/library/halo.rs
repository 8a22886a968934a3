//! Halo hybrid fractional laser (Sciton): PROTOCOLS.md §1 (device, downtime, series), §2
//! (pre-care windows), §3 (contraindications), §4 (after-care, red flags, check-ins).
//!
//! DESIGN.md names eight required questions halo asks at least; the rules below add the rest
//! of §3 (and `fitzpatrick`), and the screening is generated from them. The retinoid window is the product owner's 14 days (DESIGN.md),
//! inside the sourced 2-21 day spread of §2.

use super::{
    ACTIVE_LESION_RETRY_DAYS, Retry, Step, between, choice, downtime_range, prep, rule, sources,
    step, within, yes,
};
use crate::protocol::{Period, Phase, Protocol, RedFlags, RuleOutcome, Series};

use Phase::{After, Before, CheckIn, Day};
use RuleOutcome::{Caution, ConsultationRequired, NotEligible, Reschedule};

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
        screening: Vec::new(),
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
        lead_time_days: None,
    }
}

/// §3 for Halo, one rule per row (§2 where the row comes from the pre-care table). The
/// screening is generated from these rules (plus the retinoid prep window and the cold-sore
/// care steps), so each row below has its question.
#[expect(
    clippy::too_many_lines,
    reason = "a data table: one entry per PROTOCOLS.md row"
)]
fn rules() -> Vec<crate::protocol::Rule> {
    vec![
        // §3 "Pregnant" NE and "Breastfeeding" NE (one question covers both).
        rule(
            "halo.elig.pregnant",
            yes("pregnant"),
            NotEligible,
            "Laser treatments are not offered during pregnancy or while breastfeeding. You're \
             welcome to book a complimentary consultation to plan ahead.",
            &["§3", "S9", "S37", "S47b", "S97"],
        ),
        // §3 "trying to conceive" CR.
        rule(
            "halo.elig.trying_to_conceive",
            yes("trying_to_conceive"),
            ConsultationRequired,
            "Because you're trying to become pregnant, a provider would like to talk timing \
             through with you at a complimentary consultation first.",
            &["§3", "S9", "S37", "S47b", "S97"],
        ),
        // §3 Fitzpatrick V-VI CR; "I don't know" needs the provider to assess it in person.
        rule(
            "halo.elig.fitzpatrick_v_vi",
            choice("fitzpatrick", &["V", "VI"]),
            ConsultationRequired,
            "For skin types V and VI a provider sets the laser up for your skin in person, so \
             please start with a complimentary consultation.",
            &["§3", "S43", "S44", "S45"],
        ),
        rule(
            "halo.elig.fitzpatrick_unknown",
            choice("fitzpatrick", &["unknown"]),
            ConsultationRequired,
            "Your skin type decides how Halo is set up, so a provider will confirm it with you \
             at a complimentary consultation first (or take the skin quiz to work it out).",
            &["§3", "§6", "S43", "S88", "S90"],
        ),
        // §3 Fitzpatrick IV CAU.
        rule(
            "halo.caution.fitzpatrick_iv",
            choice("fitzpatrick", &["IV"]),
            Caution,
            "Skin type IV has a higher chance of dark patches after laser treatment, so your \
             provider will use gentler settings, may do a test spot first and may suggest \
             skin-lightening care before and after. More sessions may be needed.",
            &["§3", "S26", "S43", "S44", "S45"],
        ),
        // §2/§3 isotretinoin < 6 mo NE (clinic may relax to CR).
        rule(
            "halo.elig.isotretinoin_6_months",
            within("isotretinoin_last_dose", Period::Months(6)),
            NotEligible,
            "Halo isn't offered within 6 months of a last isotretinoin dose, so your skin can \
             heal normally. You're welcome to book a complimentary consultation meanwhile; \
             please don't change any medicine without your prescriber.",
            &["§2", "§3", "S30", "S31", "S36"],
        ),
        // §2/§3 isotretinoin 6-12 mo CR.
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
        // §2/§3 sunburn or fresh tan: reschedule (NE until faded, >= 14 d).
        rule(
            "halo.elig.tan_or_sunburn",
            yes("recent_tan_or_sunburn"),
            Reschedule,
            "Tanned or sunburned skin can burn or darken with laser treatment. Please book \
             once it has completely faded, at least 14 days from now, and keep the area out \
             of the sun until then.",
            &["§2", "§3", "S15", "S26", "S37"],
        )
        .retry_after(Period::Days(14)),
        // §2/§3 active infection, wound, HSV lesion, inflamed acne, dermatitis: reschedule
        // once healed. PROTOCOLS gives no healing time: the date is the platform's earliest
        // re-ask (clinic-editable), and the client answers the question again when booking.
        rule(
            "halo.elig.active_infection",
            yes("active_infection"),
            Reschedule,
            "We can't treat skin with an active cold sore, infection, open wound, inflamed \
             acne or rash. Please book again once it has fully healed, and see your doctor if \
             it isn't getting better.",
            &["§2", "§3", "S38", "S42", "S48", "S49", "S97"],
        )
        .retry_after(Period::Days(ACTIVE_LESION_RETRY_DAYS)),
        // §2/§3 neurotoxin/filler in the last 14 d: reschedule to >= +14 d.
        rule(
            "halo.elig.recent_injectable",
            within("injectable_last_date", Period::Days(14)),
            Reschedule,
            "Neurotoxin or filler injections need at least 14 days before a laser session, so \
             your earliest date is 14 days after your last injection.",
            &["§2", "§3", "S15", "S36"],
        ),
        // §3 keloid CR.
        rule(
            "halo.elig.keloid",
            yes("keloid_history"),
            ConsultationRequired,
            "Because you've had keloid or raised scars, a provider would like to meet you at a \
             complimentary consultation before any laser treatment.",
            &["§3", "S38", "S47b", "S97"],
        ),
        // §1/§3 melasma CR.
        rule(
            "halo.elig.melasma",
            yes("melasma"),
            ConsultationRequired,
            "Heat from a laser can sometimes make melasma darker, so a provider will plan your \
             treatment with you at a complimentary consultation first.",
            &["§1", "§3", "S5", "S69"],
        ),
        // §3 autoimmune / connective-tissue disease, immunosuppression CR.
        rule(
            "halo.elig.immune",
            yes("immune_condition"),
            ConsultationRequired,
            "Conditions and medicines that affect the immune system can change how skin heals, \
             so a provider would like to see you at a complimentary consultation first.",
            &["§3", "S26", "S42", "S47b"],
        ),
        // §3 poorly controlled diabetes, prior facial radiotherapy CR.
        rule(
            "halo.elig.diabetes_or_radiotherapy",
            yes("diabetes_or_radiotherapy"),
            ConsultationRequired,
            "Diabetes that is hard to control, or radiotherapy to the face, can slow healing, \
             so a provider would like to see you at a complimentary consultation first.",
            &["§3", "S97"],
        ),
        // §3 active psoriasis or vitiligo (Koebner) CR.
        rule(
            "halo.elig.psoriasis_or_vitiligo",
            yes("psoriasis_or_vitiligo"),
            ConsultationRequired,
            "Psoriasis and vitiligo can flare where skin is treated, so a provider would like \
             to see you at a complimentary consultation first.",
            &["§3", "S42"],
        ),
        // §2/§3 prescription anticoagulant, bleeding disorder CR.
        rule(
            "halo.elig.anticoagulant",
            yes("anticoagulant"),
            ConsultationRequired,
            "Because of your blood thinner or bleeding disorder, a provider will plan your \
             treatment with you at a complimentary consultation. Please don't stop any \
             medicine; ask your prescriber.",
            &["§2", "§3", "S18", "S21"],
        ),
        // §2/§3 photosensitizing medication CR.
        rule(
            "halo.elig.photosensitizing",
            yes("photosensitizing_medication"),
            ConsultationRequired,
            "Some medicines make skin more sensitive to light, so a provider would like to go \
             through yours at a complimentary consultation. Please don't stop any medicine \
             without your prescriber.",
            &["§2", "§3", "S36", "S47", "S51", "S67"],
        ),
        // §2/§3 oral corticosteroids CR.
        rule(
            "halo.elig.oral_steroids",
            yes("oral_steroids"),
            ConsultationRequired,
            "Steroid tablets can affect healing, so a provider would like to see you at a \
             complimentary consultation first. Please don't stop any medicine without your \
             prescriber.",
            &["§2", "§3", "S38", "S51"],
        ),
        // §3 unrealistic expectations / body dysmorphic concerns CR.
        rule(
            "halo.elig.appearance_concerns",
            yes("appearance_concerns"),
            ConsultationRequired,
            "A provider would like to talk through what Halo can and can't do for you at a \
             complimentary consultation first.",
            &["§3", "S42"],
        ),
        // §3 age < 18 CR (platform policy; PROTOCOLS gives no source).
        rule(
            "halo.elig.under_18",
            yes("under_18"),
            ConsultationRequired,
            "Clients under 18 start with a complimentary consultation.",
            &["§3"],
        ),
        // §2/§3 recurrent cold sores (no active lesion): CAU + antiviral steps.
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
        )
        .required(),
        step(
            "halo.pre.hair_removal",
            Before,
            -7,
            "No waxing on the area",
            "Skip waxing, depilatory creams, electrolysis and threading on the area from today.",
            &["§2", "S17", "S18", "S19"],
        )
        .quiet()
        .required(),
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
        )
        .required(),
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
