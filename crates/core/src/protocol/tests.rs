//! Protocol engine tests: answer parsing, each Halo rule, prep windows, refusals of a start,
//! care plans across both DST changes of America/Chicago, series, downtime, validation, and
//! property tests over random answers and starts.

use super::*;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn halo() -> Protocol {
    library::for_service("halo").unwrap()
}

fn today() -> Date {
    date(2026, 11, 20)
}

/// Every Halo question answered clear (DESIGN.md's sample plus the rest of §3), skin type II.
fn clear() -> Answers {
    all_clear(&halo())
}

fn yes(id: &str) -> Answers {
    clear().with(id, Answer::YesNo(true))
}

fn dated(id: &str, d: Date) -> Answers {
    clear().with(id, Answer::Date(Some(d)))
}

fn rule_ids(reasons: &[Reason]) -> Vec<&str> {
    reasons.iter().map(|r| r.rule.as_str()).collect()
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn chicago(y: i16, m: i8, d: i8, h: i8, min: i8) -> Zoned {
    date(y, m, d)
        .at(h, min, 0, 0)
        .to_zoned(TimeZone::get("America/Chicago").unwrap())
        .unwrap()
}

// ---- answers ----

#[test]
fn designs_sample_screening_parses() {
    let raw = object(json!({"pregnant": false, "isotretinoin_last_dose": null,
        "retinoid_last_used": "2026-11-01", "recent_tan_or_sunburn": false,
        "cold_sore_history": false, "active_infection": false, "keloid_history": false,
        "melasma": false}));
    // DESIGN.md's eight ids alone are no longer a complete Halo screening: §3's other rows
    // (and the skin type) are asked too.
    let err = Answers::parse(&halo(), &raw).unwrap_err();
    assert!(err.message_for("screening.fitzpatrick").is_some());
    assert!(err.message_for("screening.anticoagulant").is_some());
    let mut raw = raw;
    for q in &halo().screening {
        raw.entry(q.id.clone()).or_insert(match q.kind {
            AnswerKind::YesNo => json!(false),
            AnswerKind::Date => Value::Null,
            AnswerKind::Choice => json!("III"),
        });
    }
    let a = Answers::parse(&halo(), &raw).unwrap();
    assert_eq!(a.len(), halo().screening.len());
    assert_eq!(a.choice("fitzpatrick"), Some("III"));
    assert_eq!(a.date("retinoid_last_used"), Some(date(2026, 11, 1)));
    assert_eq!(a.get("isotretinoin_last_dose"), Some(Answer::Date(None)));
    assert!(!a.is_yes("pregnant"));
}

#[test]
fn missing_required_answers_are_each_named() {
    let err = Answers::parse(&halo(), &Map::new()).unwrap_err();
    assert_eq!(err.errors.len(), halo().screening.len());
    assert!(err.message_for("screening.pregnant").is_some());
    assert!(
        err.message_for("screening.isotretinoin_last_dose")
            .is_some()
    );
    // A null yes/no is not an answer; a null date is ("never").
    let mut raw = object(serde_json::to_value(clear()).unwrap());
    raw.insert("melasma".into(), Value::Null);
    let err = Answers::parse(&halo(), &raw).unwrap_err();
    assert_eq!(rule_fields(&err), ["screening.melasma"]);
}

fn rule_fields(e: &crate::InvalidInput) -> Vec<&str> {
    e.errors.iter().map(|f| f.field.as_str()).collect()
}

#[test]
fn wrong_types_and_bad_dates_are_named_without_echoing_the_value() {
    let cases = [
        ("pregnant", json!("nah")),
        ("pregnant", json!(0)),
        ("retinoid_last_used", json!(5)),
        ("retinoid_last_used", json!(true)),
        ("retinoid_last_used", json!("2026-13-01")),
        ("retinoid_last_used", json!("2026-02-30")),
        ("retinoid_last_used", json!("2026-11-01T00:00")),
        ("retinoid_last_used", json!("11/01/2026")),
        ("isotretinoin_last_dose", json!("yesterday")),
    ];
    for (id, value) in cases {
        let mut raw = object(serde_json::to_value(clear()).unwrap());
        raw.insert(id.into(), value.clone());
        let err = Answers::parse(&halo(), &raw).unwrap_err();
        let field = format!("screening.{id}");
        assert_eq!(rule_fields(&err), [field.as_str()], "{value}");
        let shown = value.to_string().replace('"', "");
        assert!(!err.errors[0].message.contains(&shown), "{value}");
    }
}

#[test]
fn unknown_ids_are_ignored_and_optional_questions_may_be_left_out() {
    let mut raw = object(serde_json::to_value(clear()).unwrap());
    raw.insert("favourite_colour".into(), json!("teal"));
    let a = Answers::parse(&halo(), &raw).unwrap();
    assert!(!a.contains("favourite_colour"));
    let mut p = halo();
    p.screening.iter_mut().for_each(|q| q.required = false);
    assert!(Answers::parse(&p, &Map::new()).unwrap().is_empty());
}

#[test]
fn answers_are_redacted_from_debug_and_serialize_as_the_api_object() {
    let a = dated("retinoid_last_used", date(2026, 11, 1)).with("pregnant", Answer::YesNo(true));
    let dbg = format!("{a:?} {:?}", a.get("pregnant"));
    assert!(!dbg.contains("true") && !dbg.contains("2026"), "{dbg}");
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["retinoid_last_used"], "2026-11-01");
    assert_eq!(v["isotretinoin_last_dose"], Value::Null);
    assert_eq!(v["pregnant"], true);
    let back: Answers = serde_json::from_value(v).unwrap();
    assert_eq!(back, a);
}

// ---- eligibility, one rule at a time ----

#[test]
fn all_clear_is_eligible_from_the_lead_time() {
    // Halo's required pre-care (exfoliants, waxing, OTC blood thinners) starts 7 days
    // before: the earliest start is today + 7 days, not today.
    let e = evaluate(&halo(), &clear(), today());
    assert_eq!(e.outcome, Outcome::Eligible);
    assert!(e.reasons.is_empty() && e.cautions.is_empty());
    assert_eq!(rule_ids_w(&e.waits), ["lead_time"]);
    assert!(e.waits[0].text.contains("stop exfoliants (7 days before)"));
    assert_eq!(halo().lead_days(), 7);
    assert_eq!(e.earliest_start, Some(date(2026, 11, 27)));
    let err = e.check_start(date(2026, 11, 23)).unwrap_err();
    assert_eq!(err.code(), "prep_window");
    assert_eq!(err.earliest_start(), Some(date(2026, 11, 27)));
    assert_eq!(e.check_start(date(2026, 11, 27)), Ok(()));
}

fn rule_ids_w(waits: &[Wait]) -> Vec<&str> {
    waits.iter().map(|w| w.rule.as_str()).collect()
}

#[test]
fn a_clinic_may_raise_the_lead_time_but_not_lower_it() {
    let mut p = halo();
    p.lead_time_days = Some(3);
    assert_eq!(p.lead_days(), 7, "never below what the rules need");
    p.lead_time_days = Some(10);
    assert_eq!(p.lead_days(), 10);
    let e = evaluate(&p, &clear(), today());
    assert_eq!(e.earliest_start, Some(date(2026, 11, 30)));
}

#[test]
fn advisory_steps_a_late_date_misses_are_listed() {
    let p = halo();
    // Booked on 11-20 for 12-01 (11 days): the -14 d routine and -28 d sun steps are missed.
    let missed: Vec<&str> = p
        .missed_advisory_steps(today(), date(2026, 12, 1))
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert!(missed.contains(&"halo.pre.sun") && missed.contains(&"halo.pre.routine"));
    assert!(
        !missed.contains(&"halo.pre.exfoliants"),
        "required steps gate instead"
    );
    assert!(
        p.missed_advisory_steps(today(), date(2027, 1, 20))
            .is_empty()
    );
}

#[test]
fn pregnancy_is_not_eligible_with_a_kind_reason() {
    let e = evaluate(&halo(), &yes("pregnant"), today());
    assert_eq!(e.outcome, Outcome::NotEligible);
    assert_eq!(rule_ids(&e.reasons), ["halo.elig.pregnant"]);
    assert!(e.reasons[0].text.contains("consultation"));
    assert_eq!(e.earliest_start, None);
}

#[test]
fn isotretinoin_windows_per_protocols_2_and_3() {
    let iso = |d: Date| evaluate(&halo(), &dated("isotretinoin_last_dose", d), today());
    // < 6 months: not eligible, retry when 6 months have passed.
    let e = iso(date(2026, 6, 1));
    assert_eq!(e.outcome, Outcome::NotEligible);
    assert_eq!(rule_ids(&e.reasons), ["halo.elig.isotretinoin_6_months"]);
    assert_eq!(e.reasons[0].retry_from, Some(date(2026, 12, 1)));
    // Still taking it (a last dose in the future) is within the window.
    assert_eq!(iso(date(2027, 1, 1)).outcome, Outcome::NotEligible);
    // Exactly 6 months ago: the consultation band starts.
    let e = iso(date(2026, 5, 20));
    assert_eq!(e.outcome, Outcome::ConsultationRequired);
    assert_eq!(rule_ids(&e.reasons), ["halo.elig.isotretinoin_12_months"]);
    assert_eq!(iso(date(2026, 5, 21)).outcome, Outcome::NotEligible);
    assert_eq!(iso(date(2026, 1, 2)).outcome, Outcome::ConsultationRequired);
    // 12 months or more: eligible.
    assert_eq!(iso(date(2025, 11, 20)).outcome, Outcome::Eligible);
    assert_eq!(iso(date(2020, 1, 1)).outcome, Outcome::Eligible);
}

#[test]
fn tan_or_sunburn_is_a_reschedule_of_at_least_14_days() {
    let e = evaluate(&halo(), &yes("recent_tan_or_sunburn"), today());
    assert_eq!(e.outcome, Outcome::RescheduleAfter);
    assert_eq!(e.reasons[0].rule, "halo.elig.tan_or_sunburn");
    assert_eq!(e.reasons[0].retry_from, Some(date(2026, 12, 4)));
    assert_eq!(e.earliest_start, Some(date(2026, 12, 4)));
    let err = e.check_start(date(2026, 12, 3)).unwrap_err();
    assert_eq!(err.code(), "reschedule_after");
    assert_eq!(err.earliest_start(), Some(date(2026, 12, 4)));
    assert_eq!(e.check_start(date(2026, 12, 4)), Ok(()));
}

#[test]
fn active_infection_is_a_reschedule_until_healed() {
    let e = evaluate(&halo(), &yes("active_infection"), today());
    assert_eq!(e.outcome, Outcome::RescheduleAfter);
    assert_eq!(rule_ids(&e.reasons), ["halo.elig.active_infection"]);
    assert_eq!(
        e.reasons[0].retry_from,
        Some(shift_days(
            today(),
            i64::from(library::ACTIVE_LESION_RETRY_DAYS)
        ))
    );
    // With a consultation reason too, the consultation comes first.
    let e = evaluate(
        &halo(),
        &yes("active_infection").with("melasma", Answer::YesNo(true)),
        today(),
    );
    assert_eq!(e.outcome, Outcome::ConsultationRequired);
    assert_eq!(e.earliest_start, None);
}

#[test]
fn keloid_and_melasma_need_a_consultation() {
    for (id, rule) in [
        ("keloid_history", "halo.elig.keloid"),
        ("melasma", "halo.elig.melasma"),
    ] {
        let e = evaluate(&halo(), &yes(id), today());
        assert_eq!(e.outcome, Outcome::ConsultationRequired, "{id}");
        assert_eq!(rule_ids(&e.reasons), [rule]);
        assert_eq!(e.earliest_start, None);
    }
}

#[test]
fn cold_sore_history_is_eligible_with_a_caution() {
    let e = evaluate(&halo(), &yes("cold_sore_history"), today());
    assert_eq!(e.outcome, Outcome::Eligible);
    assert!(e.reasons.is_empty());
    assert_eq!(rule_ids(&e.cautions), ["halo.caution.cold_sores"]);
    assert!(e.cautions[0].text.contains("prescriber"));
}

#[test]
fn not_eligible_beats_consultation_and_lists_both() {
    let a = yes("pregnant").with("melasma", Answer::YesNo(true));
    let e = evaluate(&halo(), &a, today());
    assert_eq!(e.outcome, Outcome::NotEligible);
    assert_eq!(
        rule_ids(&e.reasons),
        ["halo.elig.pregnant", "halo.elig.melasma"]
    );
}

#[test]
fn a_required_answer_missing_from_stored_answers_needs_a_consultation() {
    let mut a = Answers::new();
    for q in halo().screening.iter().filter(|q| q.id != "melasma") {
        let answer = match q.kind {
            AnswerKind::YesNo => Answer::YesNo(false),
            AnswerKind::Date => Answer::Date(None),
            AnswerKind::Choice => Answer::Choice("II".to_owned()),
        };
        a.insert(q.id.clone(), answer);
    }
    let e = evaluate(&halo(), &a, today());
    assert_eq!(e.outcome, Outcome::ConsultationRequired);
    assert_eq!(rule_ids(&e.reasons), ["screening.melasma.missing"]);
}

#[test]
fn retinoid_prep_window_sets_the_earliest_start() {
    let e = evaluate(
        &halo(),
        &dated("retinoid_last_used", date(2026, 11, 17)),
        today(),
    );
    assert_eq!(e.outcome, Outcome::Eligible);
    assert_eq!(e.earliest_start, Some(date(2026, 12, 1)));
    assert_eq!(rule_ids_w(&e.waits), ["halo.prep.retinoid", "lead_time"]);
    // Stopped long ago: only the lead time.
    let lead = shift_days(today(), 7);
    let e = evaluate(
        &halo(),
        &dated("retinoid_last_used", date(2026, 10, 1)),
        today(),
    );
    assert_eq!(e.earliest_start, Some(lead));
    assert_eq!(rule_ids_w(&e.waits), ["lead_time"]);
    // Exactly 14 days ago: the window is closed; the lead time still applies.
    let e = evaluate(
        &halo(),
        &dated("retinoid_last_used", date(2026, 11, 6)),
        today(),
    );
    assert_eq!(e.earliest_start, Some(lead));
}

// ---- a booked start: the refusals, at the engine level ----

#[test]
fn start_refused_for_pregnancy() {
    let err = evaluate(&halo(), &yes("pregnant"), today())
        .check_start(date(2026, 12, 10))
        .unwrap_err();
    assert_eq!(err.code(), "not_eligible");
    assert_eq!(err.reasons()[0].rule, "halo.elig.pregnant");
}

#[test]
fn start_refused_for_isotretinoin_in_the_window() {
    let a = dated("isotretinoin_last_dose", date(2026, 9, 1));
    let err = evaluate(&halo(), &a, today())
        .check_start(date(2026, 12, 10))
        .unwrap_err();
    assert_eq!(err.code(), "not_eligible");
    assert_eq!(err.reasons()[0].rule, "halo.elig.isotretinoin_6_months");
    let a = dated("isotretinoin_last_dose", date(2026, 3, 1));
    let err = evaluate(&halo(), &a, today())
        .check_start(date(2026, 12, 10))
        .unwrap_err();
    assert_eq!(err.code(), "consultation_required");
}

#[test]
fn start_refused_three_days_after_a_retinoid_and_accepted_after_the_window() {
    let start = date(2026, 12, 10);
    let a = dated("retinoid_last_used", date(2026, 12, 7));
    let e = evaluate(&halo(), &a, today());
    let err = e.check_start(start).unwrap_err();
    assert_eq!(err.code(), "prep_window");
    assert_eq!(
        err,
        Refusal::PrepWindow {
            earliest_start: date(2026, 12, 21),
            reasons: vec![Reason {
                rule: "halo.prep.retinoid".into(),
                text: err.reasons()[0].text.clone(),
                retry_from: Some(date(2026, 12, 21)),
            }],
        }
    );
    assert!(err.reasons()[0].text.contains("14 days"));
    assert!(e.check_start(date(2026, 12, 20)).is_err());
    assert_eq!(e.check_start(date(2026, 12, 21)), Ok(()));
    assert_eq!(e.check_start(date(2027, 1, 15)), Ok(()));
}

#[test]
fn a_start_before_today_is_refused_with_a_reason() {
    let err = evaluate(&halo(), &clear(), today())
        .check_start(date(2026, 11, 19))
        .unwrap_err();
    assert_eq!(err.code(), "prep_window");
    assert_eq!(err.reasons()[0].rule, "lead_time");
}

// ---- care plans ----

fn step<'a>(plan: &'a [CareStep], rule: &str) -> &'a CareStep {
    plan.iter()
        .find(|s| s.rule == rule)
        .unwrap_or_else(|| panic!("no step {rule}"))
}

#[test]
fn halo_care_plan_across_fall_back() {
    // 2026-11-01 02:00 CDT -> CST.
    let plan = care_plan(&halo(), &chicago(2026, 10, 30, 10, 30), Some(&clear()));
    let d = |r: &str| step(&plan, r).date;
    assert_eq!(d("halo.pre.sun"), date(2026, 10, 2));
    assert_eq!(d("halo.pre.routine"), date(2026, 10, 16));
    assert_eq!(d("halo.pre.retinoid"), date(2026, 10, 16));
    assert_eq!(d("halo.pre.exfoliants"), date(2026, 10, 23));
    assert_eq!(d("halo.day.clean_skin"), date(2026, 10, 30));
    assert_eq!(d("halo.after.days_0_1"), date(2026, 10, 30));
    assert_eq!(d("halo.after.days_2_3"), date(2026, 11, 1));
    assert_eq!(d("halo.after.days_4_7"), date(2026, 11, 3));
    assert_eq!(d("halo.after.week_2"), date(2026, 11, 7));
    assert_eq!(d("halo.after.retinoids"), date(2026, 11, 13));
    assert_eq!(d("halo.check.day_2"), date(2026, 11, 1));
    assert_eq!(d("halo.check.day_7"), date(2026, 11, 6));
    assert_eq!(d("halo.check.day_28"), date(2026, 11, 27));
    let spf = step(&plan, "halo.after.spf");
    assert_eq!(spf.until, Some(date(2027, 1, 28)));
    assert!(spf.detail.ends_with("Continue through 2027-01-28."));
    assert_eq!(step(&plan, "halo.pre.sun").until, Some(date(2026, 10, 29)));
}

#[test]
fn day_offsets_are_calendar_days_not_24_hours() {
    // 00:30 CDT the day before fall-back: 48 h later is 23:30 CST on Nov 1, but day +2 is
    // Nov 2.
    let plan = care_plan(&halo(), &chicago(2026, 10, 31, 0, 30), Some(&clear()));
    assert_eq!(step(&plan, "halo.check.day_2").date, date(2026, 11, 2));
    // 23:30 CST the night before spring-forward (2027-03-14): 48 h later is 00:30 CDT on
    // Mar 16, but day +2 is Mar 15.
    let plan = care_plan(&halo(), &chicago(2027, 3, 13, 23, 30), Some(&clear()));
    assert_eq!(step(&plan, "halo.after.days_0_1").date, date(2027, 3, 13));
    assert_eq!(step(&plan, "halo.check.day_2").date, date(2027, 3, 15));
    assert_eq!(step(&plan, "halo.check.day_7").date, date(2027, 3, 20));
    // A start on the spring-forward day itself.
    let plan = care_plan(&halo(), &chicago(2027, 3, 14, 10, 0), Some(&clear()));
    assert_eq!(step(&plan, "halo.pre.retinoid").date, date(2027, 2, 28));
    assert_eq!(step(&plan, "halo.check.day_2").date, date(2027, 3, 16));
    assert_eq!(step(&plan, "halo.check.day_28").date, date(2027, 4, 11));
}

#[test]
fn antiviral_tasks_only_with_cold_sore_history() {
    let start = chicago(2026, 12, 10, 9, 0);
    let without = care_plan(&halo(), &start, Some(&clear()));
    assert!(!without.iter().any(|s| s.rule.contains("antiviral")));
    let with = care_plan(&halo(), &start, Some(&yes("cold_sore_history")));
    let confirm = step(&with, "halo.pre.antiviral_confirm");
    assert_eq!(confirm.date, date(2026, 12, 7));
    assert!(confirm.detail.contains("prescriber"));
    let start_rx = step(&with, "halo.pre.antiviral_start");
    assert_eq!(start_rx.date, date(2026, 12, 9));
    assert_eq!(start_rx.until, Some(date(2026, 12, 17)));
    // A generic preview (no answers) shows them, marked as conditional.
    let preview = care_plan(&halo(), &start, None);
    assert!(
        step(&preview, "halo.pre.antiviral_confirm")
            .detail
            .starts_with("If you get cold sores:")
    );
}

#[test]
fn red_flags_ride_with_after_care_and_check_ins_only() {
    let plan = care_plan(&halo(), &chicago(2026, 12, 10, 9, 0), Some(&clear()));
    for s in &plan {
        let expect = matches!(s.phase, Phase::After | Phase::CheckIn);
        assert_eq!(s.red_flags.is_some(), expect, "{}", s.rule);
    }
    assert!(
        step(&plan, "halo.check.day_7")
            .red_flags
            .as_deref()
            .unwrap()
            .contains("fever")
    );
}

#[test]
fn care_plan_is_sorted_and_consultation_has_none() {
    let plan = care_plan(&halo(), &chicago(2026, 12, 10, 9, 0), None);
    assert!(
        plan.windows(2)
            .all(|w| (w[0].date, w[0].phase) <= (w[1].date, w[1].phase))
    );
    let consult = library::for_service("consultation").unwrap();
    assert!(care_plan(&consult, &chicago(2026, 12, 10, 9, 0), None).is_empty());
}

// ---- series, downtime, periods ----

#[test]
fn halo_followup_window_is_4_to_8_weeks() {
    let series = halo().series.unwrap();
    assert_eq!(
        followup_window(&series, date(2026, 12, 1)),
        (date(2026, 12, 29), date(2027, 1, 26))
    );
}

#[test]
fn downtime_overlap_is_half_open() {
    let start = date(2026, 12, 1);
    assert!(downtime_overlaps(start, 7, date(2026, 12, 1)));
    assert!(downtime_overlaps(start, 7, date(2026, 12, 7)));
    assert!(!downtime_overlaps(start, 7, date(2026, 12, 8)));
    assert!(!downtime_overlaps(start, 7, date(2026, 11, 30)));
    assert!(!downtime_overlaps(start, 0, start));
}

#[test]
fn periods_use_the_calendar_and_saturate() {
    assert_eq!(
        Period::Months(6).after(date(2026, 8, 31)),
        date(2027, 2, 28)
    );
    assert_eq!(Period::Weeks(2).after(date(2026, 12, 25)), date(2027, 1, 8));
    assert_eq!(Period::Days(u32::MAX).after(date(2026, 1, 1)), Date::MAX);
    assert_eq!(day_offset(Date::MIN, -1), Date::MIN);
}

// ---- validation of an edited protocol ----

#[test]
fn validation_names_each_broken_field() {
    let mut p = halo();
    p.rules[0].when = Condition::Yes {
        question: "retinoid_last_used".into(),
    };
    p.rules[1].when = Condition::DateWithin {
        question: "isotretinoin_last_dose".into(),
        at_least: Some(Period::Months(12)),
        less_than: Period::Months(6),
    };
    p.rules[2].id = p.rules[3].id.clone();
    p.prep_windows[0].question = "no_such_question".into();
    p.care[0].phase = Phase::After;
    p.series = Some(Series {
        sessions: 2,
        min_interval_weeks: 9,
        max_interval_weeks: 8,
    });
    let err = p.validate().unwrap_err();
    let fields = rule_fields(&err);
    for f in [
        "protocol.rules[0].when.question",
        "protocol.rules[1].when.less_than",
        "protocol.rules[3].id",
        "protocol.prep_windows[0].question",
        "protocol.care[0].phase",
        "protocol.series.min_interval_weeks",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

// ---- properties ----

fn any_answer(kind: AnswerKind) -> BoxedStrategy<Answer> {
    match kind {
        AnswerKind::YesNo => prop_oneof![3 => Just(false), 1 => Just(true)]
            .prop_map(Answer::YesNo)
            .boxed(),
        AnswerKind::Date => prop::option::weighted(0.7, -800i64..60)
            .prop_map(|d| Answer::Date(d.map(|n| today().checked_add(n.days()).unwrap())))
            .boxed(),
        AnswerKind::Choice => prop::sample::select(
            library::questions::FITZPATRICK
                .iter()
                .map(|(v, _)| (*v).to_owned())
                .collect::<Vec<_>>(),
        )
        .prop_map(Answer::Choice)
        .boxed(),
    }
}

fn any_answers(p: &Protocol) -> impl Strategy<Value = Answers> + use<> {
    let ids: Vec<String> = p.screening.iter().map(|q| q.id.clone()).collect();
    let parts: Vec<BoxedStrategy<Answer>> =
        p.screening.iter().map(|q| any_answer(q.kind)).collect();
    parts.prop_map(move |answers| {
        let mut a = Answers::new();
        for (id, answer) in ids.iter().zip(answers) {
            a.insert(id.clone(), answer);
        }
        a
    })
}

fn protocols_with_prep() -> impl Strategy<Value = Protocol> {
    prop::sample::select(
        library::SLUGS
            .iter()
            .filter_map(|s| library::for_service(s))
            .filter(|p| !p.screening.is_empty())
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #[test]
    fn earliest_start_respects_every_prep_window_and_today(
        (p, a, offset) in protocols_with_prep()
            .prop_flat_map(|p| { let s = any_answers(&p); (Just(p), s, -30i64..400) })
    ) {
        let day = today().checked_add(offset.days()).unwrap();
        let e = evaluate(&p, &a, day);
        if matches!(e.outcome, Outcome::Eligible | Outcome::RescheduleAfter) {
            prop_assert_eq!(e.reasons.is_empty(), e.outcome == Outcome::Eligible);
            let earliest = e.earliest_start.expect("eligible has an earliest start");
            prop_assert!(earliest >= shift_days(day, i64::from(p.lead_days())));
            for w in &p.prep_windows {
                if let Some(last) = a.date(&w.question) {
                    prop_assert!(earliest >= Period::Days(w.days).after(last), "{}", w.id);
                }
            }
            prop_assert!(e.check_start(earliest).is_ok());
        } else {
            prop_assert!(!e.reasons.is_empty());
            prop_assert!(e.earliest_start.is_none());
            prop_assert!(e.check_start(day).is_err());
        }
    }

    #[test]
    fn a_start_is_accepted_exactly_from_the_earliest_start(
        a in any_answers(&halo()), offset in -10i64..120
    ) {
        let e = evaluate(&halo(), &a, today());
        let start = today().checked_add(offset.days()).unwrap();
        let ok = e.check_start(start).is_ok();
        prop_assert_eq!(ok, e.earliest_start.is_some_and(|d| start >= d));
        if let Err(refusal) = e.check_start(start) {
            prop_assert!(!refusal.reasons().is_empty());
        }
    }

    #[test]
    fn care_steps_land_on_zoned_calendar_days(secs in 1_767_225_600i64..1_830_297_600) {
        // Any instant in 2026-2027, as a start in Chicago.
        let tz = TimeZone::get("America/Chicago").unwrap();
        let start = jiff::Timestamp::from_second(secs).unwrap().to_zoned(tz);
        let p = halo();
        let plan = care_plan(&p, &start, Some(&yes("cold_sore_history")));
        prop_assert_eq!(plan.len(), p.care.len());
        for s in &plan {
            let rule = p.care.iter().find(|c| c.id == s.rule).unwrap();
            // jiff's own DST-aware zoned arithmetic as the oracle.
            let expected = start.checked_add(i64::from(rule.from_day).days()).unwrap().date();
            prop_assert_eq!(s.date, expected, "{}", s.rule);
        }
        prop_assert!(plan.windows(2).all(|w| w[0].date <= w[1].date));
    }
}

// ---- every rule of every demo service, one at a time ----

/// Every yes/no answered "no", every date "never", skin type II.
pub(super) fn all_clear(p: &Protocol) -> Answers {
    let mut a = Answers::new();
    for q in &p.screening {
        let answer = match q.kind {
            AnswerKind::YesNo => Answer::YesNo(false),
            AnswerKind::Date => Answer::Date(None),
            AnswerKind::Choice => Answer::Choice("II".to_owned()),
        };
        a.insert(q.id.clone(), answer);
    }
    a
}

#[test]
fn each_library_rule_fires_alone_with_its_outcome() {
    for slug in library::SLUGS {
        let p = library::for_service(slug).unwrap();
        assert_eq!(
            evaluate(&p, &all_clear(&p), today()).outcome,
            Outcome::Eligible,
            "{slug}"
        );
        for rule in &p.rules {
            let answer = match &rule.when {
                Condition::Yes { .. } => Answer::YesNo(true),
                Condition::DateWithin { at_least, .. } => {
                    // The first day of the window: `at_least` ago, or today.
                    let d = at_least.map_or(today(), |p| {
                        let mut d = today();
                        while p.after(d) > today() {
                            d = d.checked_sub(1.day()).unwrap();
                        }
                        d
                    });
                    Answer::Date(Some(d))
                }
                Condition::Choice { any_of, .. } => Answer::Choice(any_of[0].clone()),
            };
            let a = all_clear(&p).with(rule.when.question(), answer);
            let e = evaluate(&p, &a, today());
            let (expected, listed) = match rule.outcome {
                RuleOutcome::NotEligible => (Outcome::NotEligible, &e.reasons),
                RuleOutcome::ConsultationRequired => (Outcome::ConsultationRequired, &e.reasons),
                RuleOutcome::Caution => (Outcome::Eligible, &e.cautions),
                RuleOutcome::Reschedule => (Outcome::RescheduleAfter, &e.reasons),
            };
            assert_eq!(e.outcome, expected, "{}", rule.id);
            assert!(listed.iter().any(|r| r.rule == rule.id), "{}", rule.id);
        }
        for w in &p.prep_windows {
            let a = all_clear(&p).with(w.question.as_str(), Answer::Date(Some(today())));
            let e = evaluate(&p, &a, today());
            let expected = Period::Days(w.days)
                .after(today())
                .max(shift_days(today(), i64::from(p.lead_days())));
            assert_eq!(e.earliest_start, Some(expected), "{}", w.id);
        }
    }
}

#[test]
fn rules_are_data_a_clinic_can_relax() {
    // PROTOCOLS §3: a clinic may relax isotretinoin < 6 months to a consultation.
    let mut p = halo();
    let rule = p
        .rules
        .iter_mut()
        .find(|r| r.id == "halo.elig.isotretinoin_6_months")
        .unwrap();
    rule.outcome = RuleOutcome::ConsultationRequired;
    let json = serde_json::to_string(&p).unwrap();
    let edited: Protocol = serde_json::from_str(&json).unwrap();
    assert_eq!(edited.validate(), Ok(()));
    let a = dated("isotretinoin_last_dose", date(2026, 9, 1));
    assert_eq!(
        evaluate(&edited, &a, today()).outcome,
        Outcome::ConsultationRequired
    );
}
