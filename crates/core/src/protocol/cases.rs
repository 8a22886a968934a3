//! One table per service: at least one case per PROTOCOLS.md §3 (Halo) and §5 (other
//! services) row, each naming the row it checks. Today is 2026-11-20 in every case.

use super::tests::all_clear;
use super::*;
use jiff::civil::{Date, date};

fn today() -> Date {
    date(2026, 11, 20)
}

/// An answer in a case: yes to a yes/no, a date, or a choice value.
#[derive(Clone, Copy)]
enum A {
    Yes,
    On(i16, i8, i8),
    Pick(&'static str),
}

use A::{On, Pick, Yes};
use Outcome::{
    ConsultationRequired as Cr, Eligible as Ok_, NotEligible as Ne, RescheduleAfter as Rs,
};

/// (row, question, answer, outcome, rule id that must be listed).
type Case = (&'static str, &'static str, A, Outcome, &'static str);

fn run(slug: &str, cases: &[Case]) {
    let p = library::for_service(slug).unwrap();
    for (row, question, answer, outcome, rule) in cases {
        assert!(
            p.question(question).is_some(),
            "{slug}: {row}: asks {question}"
        );
        let a = match answer {
            Yes => Answer::YesNo(true),
            On(y, m, d) => Answer::Date(Some(date(*y, *m, *d))),
            Pick(v) => Answer::Choice((*v).to_owned()),
        };
        let e = evaluate(&p, &all_clear(&p).with(*question, a), today());
        assert_eq!(e.outcome, *outcome, "{slug}: {row}");
        let listed = if *outcome == Ok_ {
            &e.cautions
        } else {
            &e.reasons
        };
        assert!(
            listed.iter().any(|r| r.rule == *rule),
            "{slug}: {row}: {rule} not in {listed:?}"
        );
        match outcome {
            Ok_ | Rs => assert!(e.earliest_start.is_some(), "{slug}: {row}"),
            _ => assert!(e.earliest_start.is_none(), "{slug}: {row}"),
        }
    }
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "a table: one case per PROTOCOLS.md row"
)]
fn halo_follows_every_row_of_section_3() {
    run(
        "halo",
        &[
            ("§3 pregnant NE", "pregnant", Yes, Ne, "halo.elig.pregnant"),
            (
                "§3 breastfeeding NE",
                "pregnant",
                Yes,
                Ne,
                "halo.elig.pregnant",
            ),
            (
                "§3 trying to conceive CR",
                "trying_to_conceive",
                Yes,
                Cr,
                "halo.elig.trying_to_conceive",
            ),
            (
                "§3 active infection/HSV/acne: reschedule",
                "active_infection",
                Yes,
                Rs,
                "halo.elig.active_infection",
            ),
            (
                "§3 sunburn or fresh tan: reschedule >= 14 d",
                "recent_tan_or_sunburn",
                Yes,
                Rs,
                "halo.elig.tan_or_sunburn",
            ),
            (
                "§3 isotretinoin < 6 mo NE",
                "isotretinoin_last_dose",
                On(2026, 8, 1),
                Ne,
                "halo.elig.isotretinoin_6_months",
            ),
            (
                "§3 isotretinoin 6-12 mo CR",
                "isotretinoin_last_dose",
                On(2026, 2, 1),
                Cr,
                "halo.elig.isotretinoin_12_months",
            ),
            (
                "§3 keloid CR",
                "keloid_history",
                Yes,
                Cr,
                "halo.elig.keloid",
            ),
            ("§3 melasma CR", "melasma", Yes, Cr, "halo.elig.melasma"),
            (
                "§3 Fitzpatrick IV CAU",
                "fitzpatrick",
                Pick("IV"),
                Ok_,
                "halo.caution.fitzpatrick_iv",
            ),
            (
                "§3 Fitzpatrick V CR",
                "fitzpatrick",
                Pick("V"),
                Cr,
                "halo.elig.fitzpatrick_v_vi",
            ),
            (
                "§3 Fitzpatrick VI CR",
                "fitzpatrick",
                Pick("VI"),
                Cr,
                "halo.elig.fitzpatrick_v_vi",
            ),
            (
                "§6 type unknown: consultation",
                "fitzpatrick",
                Pick("unknown"),
                Cr,
                "halo.elig.fitzpatrick_unknown",
            ),
            (
                "§3 autoimmune/immunosuppression CR",
                "immune_condition",
                Yes,
                Cr,
                "halo.elig.immune",
            ),
            (
                "§3 diabetes/radiotherapy CR",
                "diabetes_or_radiotherapy",
                Yes,
                Cr,
                "halo.elig.diabetes_or_radiotherapy",
            ),
            (
                "§3 psoriasis/vitiligo CR",
                "psoriasis_or_vitiligo",
                Yes,
                Cr,
                "halo.elig.psoriasis_or_vitiligo",
            ),
            (
                "§3 cold sores CAU",
                "cold_sore_history",
                Yes,
                Ok_,
                "halo.caution.cold_sores",
            ),
            (
                "§3 anticoagulant/bleeding CR",
                "anticoagulant",
                Yes,
                Cr,
                "halo.elig.anticoagulant",
            ),
            (
                "§3 photosensitizing CR",
                "photosensitizing_medication",
                Yes,
                Cr,
                "halo.elig.photosensitizing",
            ),
            (
                "§3 oral corticosteroids CR",
                "oral_steroids",
                Yes,
                Cr,
                "halo.elig.oral_steroids",
            ),
            (
                "§3 toxin/filler < 14 d: reschedule",
                "injectable_last_date",
                On(2026, 11, 15),
                Rs,
                "halo.elig.recent_injectable",
            ),
            (
                "§3 expectations/BDD CR",
                "appearance_concerns",
                Yes,
                Cr,
                "halo.elig.appearance_concerns",
            ),
            ("§3 age < 18 CR", "under_18", Yes, Cr, "halo.elig.under_18"),
        ],
    );
    // Toxin 14 d ago or more: no longer in the way.
    let p = library::for_service("halo").unwrap();
    let a = all_clear(&p).with(
        "injectable_last_date",
        Answer::Date(Some(date(2026, 11, 6))),
    );
    assert_eq!(evaluate(&p, &a, today()).outcome, Ok_);
    // The reschedule date is the injection + 14 d (later than the 7-day lead time).
    let a = all_clear(&p).with(
        "injectable_last_date",
        Answer::Date(Some(date(2026, 11, 19))),
    );
    assert_eq!(
        evaluate(&p, &a, today()).earliest_start,
        Some(date(2026, 12, 3))
    );
    // Types I-III: nothing to say.
    for t in ["I", "II", "III"] {
        let a = all_clear(&p).with("fitzpatrick", Answer::Choice(t.to_owned()));
        let e = evaluate(&p, &a, today());
        assert!(e.outcome == Ok_ && e.cautions.is_empty(), "{t}");
    }
}

#[test]
fn hydrafacial_follows_its_section_5_row() {
    run(
        "hydrafacial",
        &[
            (
                "§5 reschedule: cold sore/open lesions/acne flare",
                "active_infection",
                Yes,
                Rs,
                "hydrafacial.elig.active_infection",
            ),
            (
                "§5 reschedule: illness",
                "unwell",
                Yes,
                Rs,
                "hydrafacial.elig.unwell",
            ),
            (
                "§5 isotretinoin < 6 mo CR",
                "isotretinoin_last_dose",
                On(2026, 9, 1),
                Cr,
                "hydrafacial.elig.isotretinoin",
            ),
        ],
    );
}

#[test]
fn microneedling_follows_its_section_5_row() {
    run(
        "microneedling",
        &[
            (
                "§5 NE pregnancy/nursing",
                "pregnant",
                Yes,
                Ne,
                "microneedling.elig.pregnant",
            ),
            (
                "§5 isotretinoin -6 mo",
                "isotretinoin_last_dose",
                On(2026, 9, 1),
                Ne,
                "microneedling.elig.isotretinoin",
            ),
            (
                "§5 NE sunburn (reschedule)",
                "recent_tan_or_sunburn",
                Yes,
                Rs,
                "microneedling.elig.sunburn",
            ),
            (
                "§5 NE active infection/cold sore/open sores (reschedule)",
                "active_infection",
                Yes,
                Rs,
                "microneedling.elig.active_infection",
            ),
            (
                "§5 NE keloid tendency",
                "keloid_history",
                Yes,
                Ne,
                "microneedling.elig.keloid",
            ),
            (
                "§5 NE scleroderma/collagen-vascular/immunosuppression",
                "immune_condition",
                Yes,
                Ne,
                "microneedling.elig.immune",
            ),
            (
                "§5 CR anticoagulants",
                "anticoagulant",
                Yes,
                Cr,
                "microneedling.elig.anticoagulant",
            ),
            (
                "§5 CR severe eczema/psoriasis",
                "eczema_or_psoriasis_history",
                Yes,
                Cr,
                "microneedling.elig.eczema_or_psoriasis",
            ),
            (
                "§5 filler -2 wk / Botox -5 d: reschedule",
                "injectable_last_date",
                On(2026, 11, 18),
                Rs,
                "microneedling.elig.recent_injectable",
            ),
            (
                "§5 antiviral if HSV: CAU",
                "cold_sore_history",
                Yes,
                Ok_,
                "microneedling.caution.cold_sores",
            ),
            (
                "§6 skin type confirmed in person",
                "fitzpatrick",
                Pick("V"),
                Ok_,
                "microneedling.caution.fitzpatrick",
            ),
        ],
    );
}

#[test]
fn chemical_peel_follows_its_section_5_rows() {
    run(
        "chemical-peel",
        &[
            (
                "§5 reschedule: cold sore/open lesions/dermatitis",
                "active_infection",
                Yes,
                Rs,
                "chemical-peel.elig.active_infection",
            ),
            (
                "§5 pregnancy CR",
                "pregnant",
                Yes,
                Cr,
                "chemical-peel.elig.pregnant",
            ),
            (
                "§5 Fitzpatrick IV+ CR",
                "fitzpatrick",
                Pick("IV"),
                Cr,
                "chemical-peel.elig.fitzpatrick",
            ),
            (
                "§5 Fitzpatrick VI CR",
                "fitzpatrick",
                Pick("VI"),
                Cr,
                "chemical-peel.elig.fitzpatrick",
            ),
            (
                "§6 type unknown: consultation",
                "fitzpatrick",
                Pick("unknown"),
                Cr,
                "chemical-peel.elig.fitzpatrick_unknown",
            ),
        ],
    );
    // Isotretinoin: superficial peels acceptable (2017 consensus): not asked at all.
    assert!(
        library::for_service("chemical-peel")
            .unwrap()
            .question("isotretinoin_last_dose")
            .is_none()
    );
}

#[test]
fn ipl_follows_its_section_5_row() {
    run(
        "ipl-photofacial",
        &[
            (
                "§5 NE tan/recent sun (reschedule)",
                "recent_tan_or_sunburn",
                Yes,
                Rs,
                "ipl-photofacial.elig.tan",
            ),
            (
                "§5 NE pregnancy/nursing",
                "pregnant",
                Yes,
                Ne,
                "ipl-photofacial.elig.pregnant",
            ),
            (
                "§5 NE Fitzpatrick VI",
                "fitzpatrick",
                Pick("VI"),
                Ne,
                "ipl-photofacial.elig.fitzpatrick_vi",
            ),
            (
                "§5 NE lupus/porphyria",
                "light_sensitive_condition",
                Yes,
                Ne,
                "ipl-photofacial.elig.light_sensitive_condition",
            ),
            (
                "§5 NE photosensitizing drugs",
                "photosensitizing_medication",
                Yes,
                Ne,
                "ipl-photofacial.elig.photosensitizing",
            ),
            (
                "§5 NE isotretinoin",
                "isotretinoin_last_dose",
                On(2026, 10, 1),
                Ne,
                "ipl-photofacial.elig.isotretinoin",
            ),
            (
                "§5 NE active infection (reschedule)",
                "active_infection",
                Yes,
                Rs,
                "ipl-photofacial.elig.active_infection",
            ),
            (
                "§5 CR keloids",
                "keloid_history",
                Yes,
                Cr,
                "ipl-photofacial.elig.keloid",
            ),
            (
                "§5 CR anticoagulants",
                "anticoagulant",
                Yes,
                Cr,
                "ipl-photofacial.elig.anticoagulant",
            ),
            (
                "§5 CR immunosuppression",
                "immune_condition",
                Yes,
                Cr,
                "ipl-photofacial.elig.immune",
            ),
            (
                "§5 CR skin-cancer history",
                "skin_cancer_history",
                Yes,
                Cr,
                "ipl-photofacial.elig.skin_cancer",
            ),
            (
                "§5 CR melasma",
                "melasma",
                Yes,
                Cr,
                "ipl-photofacial.elig.melasma",
            ),
            (
                "§5 CR Fitzpatrick IV",
                "fitzpatrick",
                Pick("IV"),
                Cr,
                "ipl-photofacial.elig.fitzpatrick_iv_v",
            ),
            (
                "§5 CR Fitzpatrick V",
                "fitzpatrick",
                Pick("V"),
                Cr,
                "ipl-photofacial.elig.fitzpatrick_iv_v",
            ),
            (
                "§6 type unknown: consultation",
                "fitzpatrick",
                Pick("unknown"),
                Cr,
                "ipl-photofacial.elig.fitzpatrick_iv_v",
            ),
            (
                "§5 antiviral if perioral HSV: CAU",
                "cold_sore_history",
                Yes,
                Ok_,
                "ipl-photofacial.caution.cold_sores",
            ),
        ],
    );
}

#[test]
fn laser_hair_removal_follows_its_section_5_row() {
    run(
        "laser-hair-removal",
        &[
            (
                "§5 NE tanned skin (reschedule)",
                "recent_tan_or_sunburn",
                Yes,
                Rs,
                "laser-hair-removal.elig.tan",
            ),
            (
                "§5 NE pregnancy",
                "pregnant",
                Yes,
                Ne,
                "laser-hair-removal.elig.pregnant",
            ),
            (
                "§5 CR Fitzpatrick IV-VI",
                "fitzpatrick",
                Pick("IV"),
                Cr,
                "laser-hair-removal.elig.fitzpatrick",
            ),
            (
                "§5 CR Fitzpatrick VI",
                "fitzpatrick",
                Pick("VI"),
                Cr,
                "laser-hair-removal.elig.fitzpatrick",
            ),
            (
                "§6 type unknown: consultation",
                "fitzpatrick",
                Pick("unknown"),
                Cr,
                "laser-hair-removal.elig.fitzpatrick",
            ),
            (
                "§5 CR blonde/grey/red hair",
                "light_hair",
                Yes,
                Cr,
                "laser-hair-removal.elig.light_hair",
            ),
        ],
    );
}

#[test]
fn injectables_and_skincare_follow_their_section_5_rows() {
    run(
        "neuromodulator",
        &[
            (
                "§5 NE pregnancy/breastfeeding",
                "pregnant",
                Yes,
                Ne,
                "neuromodulator.elig.pregnant",
            ),
            (
                "§5 NE neuromuscular disease",
                "neuromuscular_condition",
                Yes,
                Ne,
                "neuromodulator.elig.neuromuscular",
            ),
            (
                "§5 NE toxin/albumin allergy",
                "toxin_allergy",
                Yes,
                Ne,
                "neuromodulator.elig.allergy",
            ),
        ],
    );
    run(
        "dermal-filler",
        &[
            (
                "§5 NE pregnancy/breastfeeding",
                "pregnant",
                Yes,
                Ne,
                "dermal-filler.elig.pregnant",
            ),
            (
                "§5 NE infection at site (reschedule)",
                "active_infection",
                Yes,
                Rs,
                "dermal-filler.elig.active_infection",
            ),
            (
                "§5 NE lidocaine allergy",
                "lidocaine_allergy",
                Yes,
                Ne,
                "dermal-filler.elig.lidocaine",
            ),
            (
                "§5 CR immunosuppressive therapy",
                "immune_condition",
                Yes,
                Cr,
                "dermal-filler.elig.immune",
            ),
            (
                "§5 CR multiple drug allergies",
                "drug_allergies",
                Yes,
                Cr,
                "dermal-filler.elig.drug_allergies",
            ),
            (
                "§5 CAU cold sores",
                "cold_sore_history",
                Yes,
                Ok_,
                "dermal-filler.caution.cold_sores",
            ),
        ],
    );
    run(
        "medical-grade-skincare",
        &[(
            "§5 CR pregnancy/breastfeeding",
            "pregnant",
            Yes,
            Cr,
            "medical-grade-skincare.elig.pregnant",
        )],
    );
}

#[test]
fn every_laser_light_peel_and_microneedling_service_asks_the_skin_type() {
    for slug in [
        "halo",
        "microneedling",
        "chemical-peel",
        "ipl-photofacial",
        "laser-hair-removal",
    ] {
        let p = library::for_service(slug).unwrap();
        let q = p
            .question("fitzpatrick")
            .unwrap_or_else(|| panic!("{slug}"));
        assert_eq!(q.kind, AnswerKind::Choice);
        let values: Vec<&str> = q.options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(
            values,
            ["I", "II", "III", "IV", "V", "VI", "unknown"],
            "{slug}"
        );
    }
    for slug in [
        "hydrafacial",
        "neuromodulator",
        "dermal-filler",
        "medical-grade-skincare",
    ] {
        assert!(
            library::for_service(slug)
                .unwrap()
                .question("fitzpatrick")
                .is_none()
        );
    }
}

#[test]
fn lead_times_come_from_the_required_pre_care_steps() {
    let lead = |s: &str| library::for_service(s).unwrap().lead_days();
    assert_eq!(lead("halo"), 7);
    assert_eq!(lead("hydrafacial"), 2);
    assert_eq!(lead("microneedling"), 7);
    assert_eq!(lead("chemical-peel"), 7);
    assert_eq!(lead("ipl-photofacial"), 7);
    assert_eq!(lead("laser-hair-removal"), 14);
    assert_eq!(lead("neuromodulator"), 0);
    assert_eq!(lead("consultation"), 0);
}

#[test]
fn screening_is_generated_from_the_rules_both_ways() {
    // A rule whose question is missing, and a question no rule reads, both fail validation.
    let mut p = library::for_service("halo").unwrap();
    p.screening.retain(|q| q.id != "melasma");
    let err = p.validate().unwrap_err();
    assert!(
        err.errors
            .iter()
            .any(|e| e.message.contains("No screening question"))
    );
    let mut p = library::for_service("halo").unwrap();
    p.rules.retain(|r| r.when.question() != "under_18");
    let err = p.validate().unwrap_err();
    assert!(
        err.errors.iter().any(|e| e.message.contains("No rule")),
        "{err:?}"
    );
    // Regenerating fixes both.
    library::generate_screening(&mut p);
    assert_eq!(p.validate(), Ok(()));
    for slug in library::SLUGS {
        let p = library::for_service(slug).unwrap();
        for q in &p.screening {
            assert!(p.reads(&q.id), "{slug}: {}", q.id);
        }
    }
}

#[test]
fn empty_date_is_not_answered_and_null_is_never() {
    let p = library::for_service("halo").unwrap();
    let mut raw: serde_json::Map<String, serde_json::Value> =
        serde_json::from_value(serde_json::to_value(all_clear(&p)).unwrap()).unwrap();
    raw.insert("retinoid_last_used".into(), serde_json::json!(""));
    raw.insert("fitzpatrick".into(), serde_json::json!("VII"));
    let err = Answers::parse(&p, &raw).unwrap_err();
    assert!(
        err.message_for("screening.retinoid_last_used")
            .unwrap()
            .contains("Please answer")
    );
    assert!(err.message_for("screening.fitzpatrick").is_some());
    raw.insert("retinoid_last_used".into(), serde_json::Value::Null);
    raw.insert("fitzpatrick".into(), serde_json::json!("IV"));
    let a = Answers::parse(&p, &raw).unwrap();
    assert_eq!(a.get("retinoid_last_used"), Some(Answer::Date(None)));
}
