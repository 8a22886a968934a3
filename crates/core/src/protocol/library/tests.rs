//! The demo library: every protocol is valid, cites real PROTOCOLS.md sources, keeps DESIGN.md's
//! Halo screening contract and never gives doses.

use super::*;
use crate::protocol::{AnswerKind, Protocol};

/// PROTOCOLS.md's source list is S1..S101 plus these suffixed ids.
fn is_known_source(s: &str) -> bool {
    if s == "DESIGN.md" {
        return true;
    }
    if let Some(section) = s.strip_prefix('§') {
        return matches!(
            section,
            "0" | "1" | "1.1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"
        );
    }
    if matches!(s, "S25b" | "S47b" | "S71b") {
        return true;
    }
    s.strip_prefix('S')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=101).contains(&n))
}

fn all() -> Vec<(&'static str, Protocol)> {
    SLUGS
        .iter()
        .map(|s| (*s, for_service(s).expect("every slug has a protocol")))
        .collect()
}

#[test]
fn every_demo_protocol_is_valid() {
    for (slug, p) in all() {
        assert_eq!(p.validate(), Ok(()), "{slug}");
    }
    assert!(for_service("botox-party").is_none());
}

#[test]
fn every_rule_cites_known_sources() {
    for (slug, p) in all() {
        let mut cited: Vec<(&str, &Vec<String>)> = Vec::new();
        cited.extend(p.rules.iter().map(|r| (r.id.as_str(), &r.sources)));
        cited.extend(p.prep_windows.iter().map(|w| (w.id.as_str(), &w.sources)));
        cited.extend(p.care.iter().map(|c| (c.id.as_str(), &c.sources)));
        if let Some(d) = &p.downtime {
            cited.push(("downtime", &d.sources));
        }
        if let Some(r) = &p.red_flags {
            cited.push(("red_flags", &r.sources));
        }
        if p.series.is_some() {
            cited.push(("series", &p.series_sources));
        }
        for (id, sources) in cited {
            assert!(!sources.is_empty(), "{slug} {id} cites nothing");
            for s in sources {
                assert!(is_known_source(s), "{slug} {id} cites unknown {s}");
            }
        }
    }
}

#[test]
fn rule_ids_are_namespaced_by_service() {
    for (slug, p) in all() {
        let ids = p
            .rules
            .iter()
            .map(|r| &r.id)
            .chain(p.prep_windows.iter().map(|w| &w.id))
            .chain(p.care.iter().map(|c| &c.id));
        for id in ids {
            assert!(id.starts_with(&format!("{slug}.")), "{id}");
        }
    }
}

#[test]
fn halo_asks_designs_questions_all_required() {
    let p = for_service("halo").unwrap();
    let expected = [
        ("pregnant", AnswerKind::YesNo),
        ("isotretinoin_last_dose", AnswerKind::Date),
        ("retinoid_last_used", AnswerKind::Date),
        ("recent_tan_or_sunburn", AnswerKind::YesNo),
        ("cold_sore_history", AnswerKind::YesNo),
        ("active_infection", AnswerKind::YesNo),
        ("keloid_history", AnswerKind::YesNo),
        ("melasma", AnswerKind::YesNo),
    ];
    // At least these (DESIGN.md), all required, plus the rest of PROTOCOLS.md §3.
    for (id, kind) in expected {
        let q = p.question(id).unwrap_or_else(|| panic!("halo asks {id}"));
        assert_eq!(q.kind, kind, "{id}");
        assert!(q.required, "{id}");
    }
    assert_eq!(
        p.series,
        Some(crate::protocol::Series {
            sessions: 2,
            min_interval_weeks: 4,
            max_interval_weeks: 8
        })
    );
}

#[test]
fn consultation_has_no_screening() {
    let p = for_service("consultation").unwrap();
    assert!(p.screening.is_empty() && p.rules.is_empty());
}

#[test]
fn downtime_days_per_service() {
    let expected = [
        ("halo", 7),
        ("consultation", 0),
        ("hydrafacial", 0),
        ("microneedling", 7),
        ("chemical-peel", 7),
        ("ipl-photofacial", 10),
        ("laser-hair-removal", 2),
        ("neuromodulator", 0),
        ("dermal-filler", 14),
        ("medical-grade-skincare", 0),
    ];
    for (slug, days) in expected {
        assert_eq!(downtime_days(slug), Some(days), "{slug}");
    }
    assert_eq!(downtime("halo").map(|d| d.min_days), Some(4));
    assert_eq!(downtime_days("nope"), None);
}

#[test]
fn client_text_never_gives_doses_and_routes_medicines_to_the_prescriber() {
    for (slug, p) in all() {
        let texts = p
            .rules
            .iter()
            .map(|r| r.text.as_str())
            .chain(p.prep_windows.iter().map(|w| w.text.as_str()))
            .chain(p.care.iter().map(|c| c.detail.as_str()));
        for t in texts {
            let lower = t.to_lowercase();
            for unit in [
                " mg",
                "mg ",
                "milligram",
                "tablet,",
                "tablets a day",
                "twice daily for",
            ] {
                assert!(!lower.contains(unit), "{slug}: dose-like text: {t}");
            }
            if lower.contains("antiviral") || lower.contains("blood thinner") {
                assert!(lower.contains("prescriber"), "{slug}: {t}");
            }
        }
    }
}

#[test]
fn protocols_round_trip_through_json_and_old_json_still_loads() {
    for (slug, p) in all() {
        let json = serde_json::to_string(&p).unwrap();
        let back: Protocol = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p, "{slug}");
    }
    let legacy = r#"{"screening":[{"id":"pregnant","question":"Pregnant?","kind":"yes_no",
        "required":true}],"series":null}"#;
    let p: Protocol = serde_json::from_str(legacy).unwrap();
    assert_eq!(p.screening.len(), 1);
    assert!(p.rules.is_empty() && p.care.is_empty() && p.downtime.is_none());
}

#[test]
fn rule_json_reads_like_protocols_section_8() {
    let p = for_service("halo").unwrap();
    let json = serde_json::to_value(&p).unwrap();
    let iso = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "halo.elig.isotretinoin_6_months")
        .unwrap();
    assert_eq!(iso["id"], "halo.elig.isotretinoin_6_months");
    assert_eq!(iso["when"]["kind"], "date_within");
    assert_eq!(iso["when"]["less_than"]["months"], 6);
    assert_eq!(iso["outcome"], "not_eligible");
    assert_eq!(json["prep_windows"][0]["days"], 14);
}
