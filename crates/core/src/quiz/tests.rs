//! Quiz tests: the question contract, parsing, score bands, a table of answer sets with their
//! expected phototype, top recommendation and cautions, shareable links, and properties over
//! random answers.

use super::table::{Effect, Energy, PROFILES, Trigger};
use super::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Fitzpatrick answers (item 10 kept at 2 or less: no recent-sun caution) for each type.
const T1: [u8; 10] = [0; 10]; // 0
const T2: [u8; 10] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]; // 10
const T3: [u8; 10] = [2, 2, 2, 2, 2, 2, 2, 2, 1, 0]; // 17
const T4: [u8; 10] = [3, 3, 3, 3, 3, 3, 2, 2, 1, 1]; // 24
const T5: [u8; 10] = [4, 4, 3, 4, 4, 4, 3, 3, 1, 1]; // 31
const T6: [u8; 10] = [4, 4, 4, 4, 4, 4, 4, 4, 3, 2]; // 37

fn raw(
    fitz: [u8; 10],
    concerns: &[&str],
    downtime: &str,
    budget: &str,
    flags: &[&str],
) -> Map<String, Value> {
    let mut m = Map::new();
    for (i, p) in fitz.iter().enumerate() {
        m.insert(format!("fitz_{}", i + 1), json!(p.to_string()));
    }
    m.insert("concerns".into(), json!(concerns));
    m.insert("downtime".into(), json!(downtime));
    m.insert("budget".into(), json!(budget));
    for f in Flag::ALL {
        m.insert(f.as_str().into(), json!(flags.contains(&f.as_str())));
    }
    m
}

fn answers(
    fitz: [u8; 10],
    concerns: &[&str],
    downtime: &str,
    budget: &str,
    flags: &[&str],
) -> QuizAnswers {
    QuizAnswers::parse(&raw(fitz, concerns, downtime, budget, flags)).unwrap()
}

fn services(r: &QuizResult) -> Vec<&str> {
    r.recommendations
        .iter()
        .map(|r| r.service.as_str())
        .collect()
}

// ---- questions ----

#[test]
fn questions_follow_the_design_contract() {
    let qs = questions();
    let ids: Vec<&str> = qs.iter().map(|q| q.id.as_str()).collect();
    let mut expected: Vec<String> = (1..=10).map(|i| format!("fitz_{i}")).collect();
    expected.extend(
        [
            "concerns",
            "downtime",
            "budget",
            "pregnant",
            "isotretinoin_recent",
            "active_breakout_or_cold_sore",
            "keloid_history",
            "melasma",
        ]
        .map(str::to_owned),
    );
    assert_eq!(ids, expected);
    for q in &qs[..10] {
        assert_eq!(q.kind, QuestionKind::Single);
        let values: Vec<&str> = q.options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["0", "1", "2", "3", "4"], "{}", q.id);
    }
    let concerns: Vec<&str> = qs[10].options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(
        concerns,
        [
            "pores",
            "texture",
            "pigmentation",
            "fine_lines",
            "acne_scars",
            "redness",
            "hair",
            "volume"
        ]
    );
    assert_eq!(qs[10].kind, QuestionKind::Multi);
    let opts = |i: usize| {
        qs[i]
            .options
            .iter()
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(opts(11), ["none", "weekend", "week"]);
    assert_eq!(opts(12), ["low", "mid", "high"]);
    for q in &qs[13..] {
        assert_eq!(q.kind, QuestionKind::YesNo);
        assert!(q.options.is_empty());
    }
    assert!(qs.iter().all(|q| (1..=5).contains(&q.step)));
    assert_eq!(qs[0].options[4].label, "Brownish black");
    let json = serde_json::to_value(&qs[10]).unwrap();
    assert_eq!(json["kind"], "multi");
    assert_eq!(serde_json::to_value(&qs[13]).unwrap()["kind"], "yes_no");
}

// ---- parsing ----

#[test]
fn missing_and_invalid_answers_are_named() {
    let err = QuizAnswers::parse(&Map::new()).unwrap_err();
    assert_eq!(err.errors.len(), 18);
    assert!(err.message_for("answers.fitz_1").is_some());
    assert!(err.message_for("answers.concerns").is_some());
    assert!(err.message_for("answers.melasma").is_some());

    let cases = [
        ("fitz_3", json!("5")),
        ("fitz_3", json!("07")),
        ("fitz_3", json!(-1)),
        ("fitz_3", json!(true)),
        ("concerns", json!("pores")),
        ("concerns", json!(["pores", "wrinkles"])),
        ("downtime", json!("month")),
        ("budget", json!(3)),
        ("pregnant", json!("yes")),
    ];
    for (id, value) in cases {
        let mut m = raw(T2, &["pores"], "week", "mid", &[]);
        m.insert(id.into(), value.clone());
        let err = QuizAnswers::parse(&m).unwrap_err();
        let field = format!("answers.{id}");
        assert_eq!(err.errors.len(), 1, "{value}");
        assert_eq!(err.errors[0].field, field, "{value}");
        assert!(!err.errors[0].message.contains("wrinkles"));
    }
}

#[test]
fn concerns_may_be_empty_and_numbers_are_accepted_for_points() {
    let mut m = raw(T2, &[], "none", "low", &[]);
    m.insert("fitz_1".into(), json!(4));
    m.insert("concerns".into(), json!(["pores", "pores"]));
    m.insert("unknown".into(), json!("ignored"));
    let a = QuizAnswers::parse(&m).unwrap();
    assert_eq!(a.score(), 13);
    assert_eq!(a.concerns(), [Concern::Pores]);
    assert!(QuizAnswers::parse(&raw(T2, &[], "none", "low", &[])).is_ok());
}

#[test]
fn flags_are_health_data() {
    let a = answers(T2, &["pores"], "week", "mid", &["pregnant"]);
    assert!(a.has_health_flags());
    assert_eq!(a.to_query(), None);
    assert_eq!(format!("{a:?}"), "QuizAnswers(***)");
}

#[test]
fn shareable_link_round_trips() {
    let a = answers(T4, &["texture", "pores"], "weekend", "high", &[]);
    let q = a.to_query().unwrap();
    assert_eq!(q, "f=3333332211&c=pores,texture&d=weekend&b=high");
    assert_eq!(QuizAnswers::from_query(&format!("?{q}")).unwrap(), a);
    assert_eq!(
        QuizAnswers::from_query("b=high&d=weekend&c=pores%2Ctexture&f=3333332211&x=1").unwrap(),
        a
    );
    let none = answers(T1, &[], "none", "low", &[]);
    assert_eq!(
        QuizAnswers::from_query(&none.to_query().unwrap()).unwrap(),
        none
    );
    let err = QuizAnswers::from_query("f=33333&c=&d=week&b=mid").unwrap_err();
    assert!(err.message_for("answers.fitz_6").is_some());
    assert!(QuizAnswers::from_query("f=33333322119&c=&d=week&b=mid").is_err());
    let err = QuizAnswers::from_query("f=3333332211&d=week&b=cheap").unwrap_err();
    assert!(err.message_for("answers.concerns").is_some());
    assert!(err.message_for("answers.budget").is_some());
}

// ---- scoring bands ----

#[test]
fn score_bands_at_every_boundary() {
    let cases = [
        (0, Phototype::I),
        (6, Phototype::I),
        (7, Phototype::II),
        (13, Phototype::II),
        (14, Phototype::III),
        (20, Phototype::III),
        (21, Phototype::IV),
        (27, Phototype::IV),
        (28, Phototype::V),
        (34, Phototype::V),
        (35, Phototype::VI),
        (40, Phototype::VI),
    ];
    for (score, expected) in cases {
        assert_eq!(Phototype::from_score(score), expected, "{score}");
        // The same through the questionnaire: fill items with 4s, then the remainder.
        let mut fitz = [0u8; 10];
        let mut left = score;
        for p in &mut fitz {
            *p = left.min(4);
            left -= *p;
        }
        let r = evaluate(&answers(fitz, &["pores"], "week", "mid", &[]));
        assert_eq!((r.score, r.phototype), (score, expected));
    }
    assert_eq!(serde_json::to_value(Phototype::VI).unwrap(), "VI");
}

// ---- the table of answer sets ----

struct Case {
    name: &'static str,
    fitz: [u8; 10],
    concerns: &'static [&'static str],
    downtime: &'static str,
    budget: &'static str,
    flags: &'static [&'static str],
    phototype: Phototype,
    top: &'static str,
    /// Words each expected caution contains, in order; the list is complete.
    cautions: &'static [&'static str],
    advised: bool,
    /// Services that must not be recommended.
    absent: &'static [&'static str],
}

const LASER_LIGHT: &[&str] = &["halo", "ipl-photofacial", "laser-hair-removal"];

#[rustfmt::skip]
#[expect(clippy::too_many_lines, reason = "a table of cases")]
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "pores, a week, type II: Halo first",
            fitz: T2, concerns: &["pores"], downtime: "week", budget: "mid", flags: &[],
            phototype: Phototype::II, top: "halo", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "pores, a week, high budget, type III",
            fitz: T3, concerns: &["pores", "texture"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::III, top: "halo", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "pores, a week, low budget: skincare first, Halo still listed",
            fitz: T2, concerns: &["pores"], downtime: "week", budget: "low", flags: &[],
            phototype: Phototype::II, top: "medical-grade-skincare", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "pores, no downtime: HydraFacial, Halo not top",
            fitz: T2, concerns: &["pores"], downtime: "none", budget: "mid", flags: &[],
            phototype: Phototype::II, top: "hydrafacial", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "pregnant: no laser or light at all",
            fitz: T2, concerns: &["pores", "pigmentation"], downtime: "week", budget: "high", flags: &["pregnant"],
            phototype: Phototype::II, top: "hydrafacial", advised: true,
            cautions: &["pregnant"], absent: &["halo", "ipl-photofacial", "laser-hair-removal", "microneedling"],
        },
        Case {
            name: "pregnant, hair only: consultation only",
            fitz: T2, concerns: &["hair"], downtime: "weekend", budget: "mid", flags: &["pregnant"],
            phototype: Phototype::II, top: "consultation", advised: true,
            cautions: &["pregnant"], absent: LASER_LIGHT,
        },
        Case {
            name: "isotretinoin: no laser, light, needling or peel",
            fitz: T3, concerns: &["texture", "acne_scars", "pigmentation"], downtime: "week", budget: "high", flags: &["isotretinoin_recent"],
            phototype: Phototype::III, top: "medical-grade-skincare", advised: true,
            cautions: &["prescriber"], absent: &["halo", "ipl-photofacial", "laser-hair-removal", "microneedling", "chemical-peel"],
        },
        Case {
            name: "type VI and pigmentation: consultation first",
            fitz: T6, concerns: &["pigmentation"], downtime: "week", budget: "mid", flags: &[],
            phototype: Phototype::VI, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &["ipl-photofacial"],
        },
        Case {
            name: "type V and pigmentation: consultation first, lasers after it",
            fitz: T5, concerns: &["pigmentation"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::V, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &[],
        },
        Case {
            // Changed (issue 12): this case used to rank Halo above the consultation at type IV.
            name: "type IV and pores: consultation first, Halo after it",
            fitz: T4, concerns: &["pores"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::IV, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &[],
        },
        Case {
            name: "type IV, hair: consultation before the laser",
            fitz: T4, concerns: &["hair"], downtime: "weekend", budget: "mid", flags: &[],
            phototype: Phototype::IV, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &[],
        },
        Case {
            name: "type II, hair, a weekend: laser hair removal",
            fitz: T2, concerns: &["hair"], downtime: "weekend", budget: "mid", flags: &[],
            phototype: Phototype::II, top: "laser-hair-removal", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "melasma and pigmentation: skincare first, consultation",
            fitz: T3, concerns: &["pigmentation"], downtime: "week", budget: "high", flags: &["melasma"],
            phototype: Phototype::III, top: "medical-grade-skincare", advised: true,
            cautions: &["Melasma"], absent: &[],
        },
        Case {
            name: "keloid and acne scars: no needling, laser not top",
            fitz: T2, concerns: &["acne_scars"], downtime: "week", budget: "high", flags: &["keloid_history"],
            phototype: Phototype::II, top: "consultation", advised: true,
            cautions: &["Keloid"], absent: &["microneedling"],
        },
        Case {
            name: "keloid and texture: a gentle option first",
            fitz: T2, concerns: &["texture"], downtime: "week", budget: "mid", flags: &["keloid_history"],
            phototype: Phototype::II, top: "hydrafacial", advised: true,
            cautions: &["Keloid"], absent: &["microneedling"],
        },
        Case {
            // Changed (issue 12): microneedling used to stay top with an active breakout.
            name: "active breakout: needling, peel and laser not now",
            fitz: T3, concerns: &["texture"], downtime: "week", budget: "mid", flags: &["active_breakout_or_cold_sore"],
            phototype: Phototype::III, top: "hydrafacial", advised: false,
            cautions: &["healed"], absent: &[],
        },
        Case {
            name: "recent sun (item 10 = 4): tan caution",
            fitz: [1, 1, 2, 2, 2, 2, 2, 2, 1, 4], concerns: &["pores"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::III, top: "halo", advised: false,
            cautions: &["tan"], absent: &[],
        },
        Case {
            name: "recent sun (item 10 = 3), no laser wanted",
            fitz: [0, 0, 0, 0, 0, 0, 0, 0, 0, 3], concerns: &["volume"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::I, top: "dermal-filler", advised: false,
            cautions: &["tan"], absent: &[],
        },
        Case {
            name: "fine lines, no downtime: neuromodulator",
            fitz: T3, concerns: &["fine_lines"], downtime: "none", budget: "mid", flags: &[],
            phototype: Phototype::III, top: "neuromodulator", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "volume, a weekend: filler",
            fitz: T3, concerns: &["volume"], downtime: "weekend", budget: "high", flags: &[],
            phototype: Phototype::III, top: "dermal-filler", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "redness only: consultation",
            fitz: T2, concerns: &["redness"], downtime: "week", budget: "mid", flags: &[],
            phototype: Phototype::II, top: "consultation", advised: true,
            cautions: &[], absent: &[],
        },
        Case {
            name: "no concern picked: consultation",
            fitz: T1, concerns: &[], downtime: "none", budget: "low", flags: &[],
            phototype: Phototype::I, top: "consultation", advised: true,
            cautions: &[], absent: &[],
        },
        Case {
            name: "pigmentation, no downtime, low budget",
            fitz: T2, concerns: &["pigmentation"], downtime: "none", budget: "low", flags: &[],
            phototype: Phototype::II, top: "medical-grade-skincare", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "type I, several concerns, a week: Halo",
            fitz: T1, concerns: &["pores", "texture", "pigmentation"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::I, top: "halo", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "acne scars, a weekend: microneedling partly fits, Halo lower",
            fitz: T2, concerns: &["acne_scars"], downtime: "weekend", budget: "mid", flags: &[],
            phototype: Phototype::II, top: "microneedling", advised: false,
            cautions: &[], absent: &[],
        },
        Case {
            name: "type IV, texture and pigmentation: consultation before everything",
            fitz: T4, concerns: &["texture", "pigmentation"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::IV, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &[],
        },
        Case {
            name: "type VI and pores: consultation first",
            fitz: T6, concerns: &["pores"], downtime: "week", budget: "high", flags: &[],
            phototype: Phototype::VI, top: "consultation", advised: true,
            cautions: &["adjusted laser"], absent: &[],
        },
        Case {
            name: "isotretinoin and pores: no Halo, facial first",
            fitz: T2, concerns: &["pores"], downtime: "week", budget: "high", flags: &["isotretinoin_recent"],
            phototype: Phototype::II, top: "hydrafacial", advised: true,
            cautions: &["prescriber"], absent: &["halo", "microneedling", "chemical-peel", "ipl-photofacial", "laser-hair-removal"],
        },
        Case {
            name: "isotretinoin and hair: no laser",
            fitz: T2, concerns: &["hair"], downtime: "week", budget: "high", flags: &["isotretinoin_recent"],
            phototype: Phototype::II, top: "consultation", advised: true,
            cautions: &["prescriber"], absent: &["laser-hair-removal"],
        },
        Case {
            name: "active cold sore and pores: Halo not now",
            fitz: T2, concerns: &["pores"], downtime: "week", budget: "high", flags: &["active_breakout_or_cold_sore"],
            phototype: Phototype::II, top: "hydrafacial", advised: false,
            cautions: &["healed"], absent: &[],
        },
        Case {
            name: "active breakout and hair: laser hair removal not now",
            fitz: T2, concerns: &["hair"], downtime: "week", budget: "mid", flags: &["active_breakout_or_cold_sore"],
            phototype: Phototype::II, top: "consultation", advised: false,
            cautions: &["healed"], absent: &[],
        },
        Case {
            name: "every flag at once",
            fitz: T3, concerns: &["pores", "texture"], downtime: "week", budget: "high", flags: &["pregnant", "isotretinoin_recent", "active_breakout_or_cold_sore", "keloid_history", "melasma"],
            phototype: Phototype::III, top: "hydrafacial", advised: true,
            cautions: &["pregnant", "Isotretinoin", "healed", "Keloid", "Melasma"], absent: &["halo", "microneedling", "chemical-peel", "ipl-photofacial"],
        },
    ]
}

#[test]
fn answer_sets_give_the_expected_results() {
    let cases = cases();
    assert!(cases.len() >= 20);
    for c in cases {
        let r = evaluate(&answers(c.fitz, c.concerns, c.downtime, c.budget, c.flags));
        let got = services(&r);
        assert_eq!(r.phototype, c.phototype, "{}", c.name);
        assert_eq!(got[0], c.top, "{}: {got:?}", c.name);
        assert_eq!(
            r.cautions.len(),
            c.cautions.len(),
            "{}: {:?}",
            c.name,
            r.cautions
        );
        for (caution, words) in r.cautions.iter().zip(c.cautions) {
            assert!(caution.contains(words), "{}: {caution}", c.name);
        }
        assert_eq!(r.consultation_advised, c.advised, "{}", c.name);
        for s in c.absent {
            assert!(!got.contains(s), "{}: {s} in {got:?}", c.name);
        }
        assert!(got.contains(&"consultation"), "{}", c.name);
    }
}

fn position(r: &QuizResult, service: &str) -> usize {
    services(r)
        .iter()
        .position(|s| *s == service)
        .unwrap_or(usize::MAX)
}

#[test]
fn darker_types_put_the_consultation_first_with_the_reason() {
    for (fitz, t) in [(T4, "IV"), (T5, "V"), (T6, "VI")] {
        let r = evaluate(&answers(fitz, &["pores"], "week", "high", &[]));
        assert_eq!(services(&r)[0], "consultation", "{t}");
        assert!(
            r.recommendations[0]
                .reasons
                .iter()
                .any(|s| s.contains(&format!("({t})"))),
            "{t}: {:?}",
            r.recommendations[0].reasons
        );
        // Halo is listed after the consultation, saying why (V-VI: consultation required).
        let halo = r
            .recommendations
            .iter()
            .find(|x| x.service == "halo")
            .unwrap();
        assert!(halo.reasons.iter().any(|s| s.contains("IV to VI")), "{t}");
        assert!(position(&r, "consultation") < position(&r, "halo"));
    }
    let r = evaluate(&answers(T3, &["pores"], "week", "high", &[]));
    assert_eq!(services(&r)[0], "halo", "type III: Halo first");
}

#[test]
fn an_active_breakout_makes_laser_peel_and_needling_not_now() {
    let r = evaluate(&answers(
        T2,
        &["texture", "pores", "pigmentation", "acne_scars", "hair"],
        "week",
        "high",
        &["active_breakout_or_cold_sore"],
    ));
    let consult = position(&r, "consultation");
    for s in [
        "halo",
        "microneedling",
        "chemical-peel",
        "ipl-photofacial",
        "laser-hair-removal",
    ] {
        if let Some(rec) = r.recommendations.iter().find(|x| x.service == s) {
            assert!(rec.reasons[0].starts_with("Not now"), "{s}");
            assert!(position(&r, s) > consult, "{s} after the consultation");
        }
    }
    assert!(
        r.recommendations
            .iter()
            .any(|x| x.reasons[0].starts_with("Not now")),
        "at least one listed as not now: {:?}",
        services(&r)
    );
}

#[test]
fn reasons_cite_the_answers() {
    let r = evaluate(&answers(T2, &["pores"], "week", "mid", &[]));
    let halo = &r.recommendations[0];
    assert!(
        halo.reasons
            .iter()
            .any(|s| s.contains("pores") && s.contains("Enlarged pores"))
    );
    assert!(
        halo.reasons
            .iter()
            .any(|s| s.contains("4-7 days") && s.contains("'a week'"))
    );
    let r = evaluate(&answers(T2, &["pores"], "none", "mid", &[]));
    let halo = r
        .recommendations
        .iter()
        .find(|r| r.service == "halo")
        .unwrap();
    assert!(halo.reasons.iter().any(|s| s.contains("listed lower")));
    let pos = |s: &str| services(&r).iter().position(|x| *x == s).unwrap();
    assert!(pos("consultation") < pos("halo"));
    let r = evaluate(&answers(T2, &["pores"], "week", "mid", &["pregnant"]));
    assert!(
        r.left_out
            .iter()
            .any(|l| l.service == "halo" && l.reasons[0].contains("pregnancy"))
    );
}

#[test]
fn disclaimer_covers_protocols_section_7() {
    for words in [
        "not medical advice",
        "diagnose",
        "mole",
        "see a doctor",
        "prescriber",
        "provider",
    ] {
        assert!(DISCLAIMER.contains(words), "{words}");
    }
}

// ---- properties ----

fn any_raw() -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::array::uniform10(0u8..=4),
        prop::sample::subsequence(Concern::ALL.to_vec(), 0..=8),
        prop::sample::select(DowntimeTolerance::ALL.to_vec()),
        prop::sample::select(Budget::ALL.to_vec()),
        prop::sample::subsequence(Flag::ALL.to_vec(), 0..=5),
    )
        .prop_map(|(fitz, concerns, d, b, flags)| {
            let concerns: Vec<&str> = concerns.iter().map(|c| c.as_str()).collect();
            let flags: Vec<&str> = flags.iter().map(|f| f.as_str()).collect();
            raw(fitz, &concerns, d.as_str(), b.as_str(), &flags)
        })
}

proptest! {
    #[test]
    fn every_recommendation_explains_itself(m in any_raw()) {
        let a = QuizAnswers::parse(&m).unwrap();
        let r = evaluate(&a);
        prop_assert!(!r.recommendations.is_empty());
        for rec in r.recommendations.iter().chain(&r.left_out) {
            prop_assert!(!rec.reasons.is_empty(), "{}", rec.service);
            prop_assert!(rec.reasons.iter().all(|s| !s.trim().is_empty()));
        }
        let got = services(&r);
        prop_assert_eq!(got.iter().filter(|s| **s == "consultation").count(), 1);
        let mut unique = got.clone();
        unique.sort_unstable();
        unique.dedup();
        prop_assert_eq!(unique.len(), got.len());
        prop_assert_eq!(r.phototype, Phototype::from_score(a.score()));
        prop_assert_eq!(evaluate(&a), r);
    }

    #[test]
    fn nothing_is_recommended_against_a_not_eligible_flag(m in any_raw()) {
        let a = QuizAnswers::parse(&m).unwrap();
        let r = evaluate(&a);
        let got = services(&r);
        for p in PROFILES {
            let excluded = p.effects.iter().any(|(t, e, _)| {
                *e == Effect::Exclude && match t {
                    Trigger::Flag(f) => a.flag(*f),
                    Trigger::PhototypeAtLeast(t) => r.phototype >= *t,
                }
            });
            if excluded {
                prop_assert!(!got.contains(&p.service), "{}", p.service);
            }
            if a.flag(Flag::Pregnant) && p.energy != Energy::None {
                prop_assert!(!got.contains(&p.service), "laser/light {} while pregnant", p.service);
            }
        }
        if a.flag(Flag::IsotretinoinRecent) {
            for s in ["halo", "ipl-photofacial", "laser-hair-removal", "microneedling", "chemical-peel"] {
                prop_assert!(!got.contains(&s), "{s} after isotretinoin");
            }
        }
        if a.flag(Flag::KeloidHistory) {
            prop_assert!(!got.contains(&"microneedling"));
            let top = PROFILES.iter().find(|p| p.service == got[0]);
            prop_assert!(top.is_none_or(|p| p.energy == Energy::None), "laser top with keloids");
        }
        if r.phototype >= Phototype::IV
            && a.concerns().iter().any(|c| PROFILES.iter().any(|p| p.energy != Energy::None
                && p.treats.iter().any(|(t, ..)| t == c)))
        {
            prop_assert!(r.consultation_advised);
        }
    }

    #[test]
    fn links_round_trip_without_health_flags(m in any_raw()) {
        let a = QuizAnswers::parse(&m).unwrap();
        match a.to_query() {
            Some(q) => {
                prop_assert!(!a.has_health_flags());
                prop_assert_eq!(QuizAnswers::from_query(&q).unwrap(), a);
            }
            None => prop_assert!(a.has_health_flags()),
        }
    }
}
