//! The booking API end to end: catalog, availability, eligibility, booking, idempotency,
//! manage by reference + token, cancel and reschedule, on SQLite and PostgreSQL.

use crate::app_test;
use crate::common::{self, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Halo screening answers that pass every rule: DESIGN.md's eight plus the rest of
/// PROTOCOLS.md §3 and the skin type.
pub fn clear_screening() -> Value {
    json!({"pregnant": false, "isotretinoin_last_dose": null, "retinoid_last_used": null,
           "recent_tan_or_sunburn": false, "cold_sore_history": false, "active_infection": false,
           "keloid_history": false, "melasma": false, "fitzpatrick": "II",
           "trying_to_conceive": false, "injectable_last_date": null, "immune_condition": false,
           "diabetes_or_radiotherapy": false, "psoriasis_or_vitiligo": false,
           "anticoagulant": false, "photosensitizing_medication": false, "oral_steroids": false,
           "appearance_concerns": false, "under_18": false})
}

pub fn booking_body(service: &str, start: &str, screening: Value) -> Value {
    let mut body = json!({"service": service, "start": start,
           "client": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 331 555 0100"},
           "consent": true});
    body["screening"] = screening;
    body
}

pub async fn slots(app: &TestApp, service: &str, from: &str, to: &str) -> Vec<Value> {
    let res = app
        .get(&format!(
            "/api/v1/availability?service={service}&from={from}&to={to}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["slots"].as_array().unwrap().clone()
}

pub async fn post(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn problem(res: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["status"], status.as_u16());
    p
}

fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn catalog_matches_the_contract(app: TestApp) {
    let clinic: Value = app.get("/api/v1/clinic").await.json().await.unwrap();
    assert_eq!(clinic["name"], "Willowbrook Skin Studio");
    assert_eq!(clinic["locations"][0]["timezone"], "America/Chicago");
    assert!(
        clinic["locations"][0]["address"]
            .as_str()
            .unwrap()
            .contains("Chicago")
    );
    let services: Value = app.get("/api/v1/services").await.json().await.unwrap();
    let halo = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "halo")
        .unwrap();
    assert_eq!(halo["duration_minutes"], 105);
    assert_eq!(halo["kind"], "treatment");
    assert!(halo["price_cents"].as_i64().unwrap() > 0);
    let consult = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "consultation")
        .unwrap();
    assert_eq!(
        (consult["kind"].as_str(), consult["price_cents"].as_i64()),
        (Some("consultation"), Some(0))
    );
    let detail: Value = app.get("/api/v1/services/halo").await.json().await.unwrap();
    let ids: Vec<&str> = detail["screening"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    for id in [
        "pregnant",
        "isotretinoin_last_dose",
        "retinoid_last_used",
        "recent_tan_or_sunburn",
        "cold_sore_history",
        "active_infection",
        "keloid_history",
        "melasma",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    assert!(
        detail["screening"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["required"] == true)
    );
    assert_eq!(detail["series"]["sessions"], 2);
    assert!(
        !detail["prep"].as_array().unwrap().is_empty()
            && !detail["aftercare"].as_array().unwrap().is_empty()
    );
    problem(
        app.get("/api/v1/services/botox-party").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn availability_validates_and_sorts(app: TestApp) {
    let s = slots(&app, "halo", "2026-11-30", "2026-12-04").await;
    assert!(!s.is_empty());
    let starts: Vec<jiff::Timestamp> = s
        .iter()
        .map(|x| x["start"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "sorted by start");
    for x in &s {
        let start: jiff::Timestamp = x["start"].as_str().unwrap().parse().unwrap();
        let end: jiff::Timestamp = x["end"].as_str().unwrap().parse().unwrap();
        assert_eq!(end.as_second() - start.as_second(), 105 * 60);
        assert!(
            x["start"].as_str().unwrap().ends_with("-06:00"),
            "shown in Chicago's offset"
        );
        assert!(!x["staff"]["name"].as_str().unwrap().is_empty());
    }
    let res = app
        .get("/api/v1/availability?service=nope&from=2026-12-01&to=2026-12-02")
        .await;
    problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let p = problem(
        app.get("/api/v1/availability?service=halo&from=2026-12-05&to=2026-12-01")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["to"]);
    let p = problem(
        app.get("/api/v1/availability?service=halo&from=2026-13-01&to=2026-12-01")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["from"]);
    let p = problem(
        app.get("/api/v1/availability?service=halo&from=2026-12-01&to=2027-02-01")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["to"], "more than 62 dates");
    assert_eq!(
        app.get("/api/v1/availability?service=halo&from=2026-12-01&to=2027-01-31")
            .await
            .status(),
        StatusCode::OK,
        "62 dates is fine"
    );
    let p = problem(
        app.get("/api/v1/availability?service=halo&from=2026-12-01&to=2026-12-01&staff=xyz")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["staff"]);
}

async fn booking_round_trip(app: TestApp) {
    let s = slots(&app, "halo", "2026-12-08", "2026-12-08").await;
    let slot = &s[0];
    let start = slot["start"].as_str().unwrap();
    let mut body = booking_body("halo", start, clear_screening());
    body["staff_id"] = slot["staff"]["id"].clone();
    let res = post(&app, "/api/v1/bookings", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let b: Value = res.json().await.unwrap();
    assert_eq!(b["status"], "confirmed");
    assert_eq!(b["service"], "halo");
    assert_eq!(b["start"], start);
    assert_eq!(b["staff"], slot["staff"]);
    assert_eq!(b["location"]["timezone"], "America/Chicago");
    let reference = b["reference"].as_str().unwrap();
    let token = b["manage_token"].as_str().unwrap();
    assert!(token.len() >= 22, "128 bits or more");
    assert_eq!(location, format!("/api/v1/bookings/{reference}"));
    assert_eq!(
        b["manage_url"],
        format!("{}/bookings/{reference}?token={token}", app.base)
    );
    let plan = b["care_plan"].as_array().unwrap();
    assert!(
        plan.iter()
            .any(|s| s["date"] == "2026-12-01" && s["title"] == "Stop exfoliants"),
        "stop exfoliants 7 days before: {plan:?}"
    );
    assert!(
        plan.iter()
            .all(|s| s["title"].is_string() && s["detail"].is_string())
    );

    // The slot is gone for that provider; the booking reads back with the token only.
    let after = slots(&app, "halo", "2026-12-08", "2026-12-08").await;
    assert!(
        !after
            .iter()
            .any(|x| x["start"] == start && x["staff"] == slot["staff"])
    );
    let got: Value = app
        .get(&format!("/api/v1/bookings/{reference}?token={token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["reference"], reference);
    assert!(got.get("manage_token").is_none(), "the token is shown once");
    let bearer = app
        .http
        .get(app.url(&format!("/api/v1/bookings/{reference}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::OK);
    let wrong_token = problem(
        app.get(&format!("/api/v1/bookings/{reference}?token=nope"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let wrong_ref = problem(
        app.get(&format!("/api/v1/bookings/ZZZZZZZZ?token={token}"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(wrong_token, wrong_ref, "indistinguishable");
    problem(
        app.get(&format!("/api/v1/bookings/{reference}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Health data is sealed at rest.
    let rows: i64 = app
        .db
        .raw_count("SELECT COUNT(*) FROM appointments WHERE screening_sealed IS NOT NULL")
        .await;
    assert_eq!(rows, 1);
}

async fn idempotency_key_replays_or_refuses(app: TestApp) {
    let s = slots(&app, "consultation", "2026-12-02", "2026-12-02").await;
    let body = booking_body("consultation", s[0]["start"].as_str().unwrap(), json!({}));
    let send = |b: &Value| {
        app.http
            .post(app.url("/api/v1/bookings"))
            .header("Idempotency-Key", "k-123")
            .json(b)
            .send()
    };
    let first = send(&body).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send(&body).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again, "the same 201 body");
    assert_eq!(
        app.db.raw_count("SELECT COUNT(*) FROM appointments").await,
        1
    );
    let mut other = body.clone();
    other["notes"] = json!("different");
    problem(
        send(&other).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_mismatch",
    )
    .await;
    assert_eq!(
        app.db.raw_count("SELECT COUNT(*) FROM appointments").await,
        1
    );
}

async fn bad_input_is_named_and_changes_nothing(app: TestApp) {
    let p = problem(
        post(&app, "/api/v1/bookings", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let f = fields(&p);
    for want in [
        "service",
        "start",
        "client.name",
        "client.email",
        "client.phone",
        "consent",
    ] {
        assert!(f.contains(&want.to_owned()), "{want} in {f:?}");
    }
    let p = problem(
        post(
            &app,
            "/api/v1/bookings",
            &booking_body("laser-tag", "2026-12-01T10:00:00-06:00", json!({})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["service"]);
    let mut body = booking_body("halo", "2026-12-01T10:00:00-06:00", clear_screening());
    body["screening"]["pregnant"] = json!("no");
    body["consent"] = json!(false);
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["screening.pregnant", "consent"]);
    assert!(!p.to_string().contains("\"no\""), "values are never echoed");
    let mut body = booking_body("halo", "2026-12-01T10:00:00-06:00", clear_screening());
    body["consent"] = json!("yes");
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["consent"]);
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .body("service=halo")
        .send()
        .await
        .unwrap();
    problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let body = booking_body("halo", "2026-12-01 10:00", clear_screening());
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["start"]);
    // A start that is not offered is a conflict with suggestions, not a booking.
    let body = booking_body("halo", "2026-12-08T03:00:00-06:00", clear_screening());
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::CONFLICT,
        "slot_unavailable",
    )
    .await;
    assert!(!p["alternatives"].as_array().unwrap().is_empty());
    assert_eq!(
        app.db.raw_count("SELECT COUNT(*) FROM appointments").await,
        0
    );
    assert_eq!(app.db.raw_count("SELECT COUNT(*) FROM clients").await, 0);
}

async fn screening_rules_gate_booking(app: TestApp) {
    // Today is 2026-11-25 (Chicago). Retinoid used 2026-11-28 is 10 days before a 12-08 start.
    let start = slots(&app, "halo", "2026-12-08", "2026-12-08").await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut s = clear_screening();
    s["pregnant"] = json!(true);
    let p = problem(
        post(&app, "/api/v1/bookings", &booking_body("halo", &start, s)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    assert!(
        p["reasons"][0]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("pregnan")
    );
    assert!(
        p["consultation_url"]
            .as_str()
            .unwrap()
            .contains("/book/consultation")
    );
    let mut s = clear_screening();
    s["isotretinoin_last_dose"] = json!("2026-09-01");
    let p = problem(
        post(&app, "/api/v1/bookings", &booking_body("halo", &start, s)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    assert!(!p["reasons"].as_array().unwrap().is_empty());
    let mut s = clear_screening();
    s["retinoid_last_used"] = json!("2026-11-28");
    let p = problem(
        post(
            &app,
            "/api/v1/bookings",
            &booking_body("halo", &start, s.clone()),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "prep_window",
    )
    .await;
    assert_eq!(p["earliest_date"], "2026-12-12");
    assert_eq!(p["earliest_start"], "2026-12-12T00:00:00-06:00");
    // The same answers, after the window: booked.
    let later = slots(&app, "halo", "2026-12-14", "2026-12-14").await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        post(
            &app,
            "/api/v1/bookings",
            &booking_body("halo", &later, s.clone())
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    // Eligibility endpoint agrees.
    let e: Value = post(
        &app,
        "/api/v1/eligibility",
        &json!({"service": "halo", "screening": s}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(e["outcome"], "eligible");
    assert_eq!(e["earliest_start"], "2026-12-12T00:00:00-06:00");
    let mut k = clear_screening();
    k["keloid_history"] = json!(true);
    let e: Value = post(
        &app,
        "/api/v1/eligibility",
        &json!({"service": "halo", "screening": k}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(e["outcome"], "consultation_required");
    assert_eq!(e["earliest_start"], Value::Null);
    let e: Value = post(
        &app,
        "/api/v1/eligibility",
        &json!({"service": "halo", "screening": clear_screening()}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        e["earliest_start"], "2026-12-02T00:00:00-06:00",
        "Halo's 7-day lead time (changed in issue 12: was now + 2 h notice)"
    );
    let mut missing = clear_screening();
    missing.as_object_mut().unwrap().remove("melasma");
    let p = problem(
        post(
            &app,
            "/api/v1/eligibility",
            &json!({"service": "halo", "screening": missing}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["screening.melasma"]);
}

async fn cancel_frees_and_respects_the_cutoff(app: TestApp) {
    let s = slots(&app, "hydrafacial", "2026-12-03", "2026-12-03").await;
    let slot = s[0].clone();
    let spec: Value = app
        .get("/api/v1/services/hydrafacial")
        .await
        .json()
        .await
        .unwrap();
    let mut answers = serde_json::Map::new();
    for q in spec["screening"].as_array().unwrap() {
        let v = if q["kind"] == "yes_no" {
            json!(false)
        } else {
            Value::Null
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), v);
    }
    let mut body = booking_body(
        "hydrafacial",
        slot["start"].as_str().unwrap(),
        Value::Object(answers),
    );
    body["staff_id"] = slot["staff"]["id"].clone();
    let b: Value = post(&app, "/api/v1/bookings", &body)
        .await
        .json()
        .await
        .unwrap();
    let (r, t) = (
        b["reference"].as_str().unwrap(),
        b["manage_token"].as_str().unwrap(),
    );
    problem(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/cancel?token=bad"),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // One minute inside the 24 h cut-off: refused, nothing changes.
    let start: jiff::Timestamp = slot["start"].as_str().unwrap().parse().unwrap();
    app.clock
        .set(start - jiff::SignedDuration::from_hours(24) + jiff::SignedDuration::from_mins(1));
    let p = problem(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/cancel?token={t}"),
            &json!({}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_late",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("24 hours"));
    app.clock.set(common::NOW.parse().unwrap());
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/cancel?token={t}"),
        &json!({}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["status"], "cancelled");
    let again = slots(&app, "hydrafacial", "2026-12-03", "2026-12-03").await;
    assert!(again.iter().any(|x| x == &slot), "the slot is free again");
    assert_eq!(
        app.db
            .raw_count("SELECT COUNT(*) FROM holds WHERE active = TRUE")
            .await,
        0,
        "every hold freed"
    );
    // Cancelling twice is harmless.
    assert_eq!(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/cancel?token={t}"),
            &json!({})
        )
        .await
        .status(),
        StatusCode::OK
    );
}

async fn reschedule_is_atomic(app: TestApp) {
    let s = slots(&app, "consultation", "2026-12-07", "2026-12-07").await;
    let first = s[0].clone();
    let mut body = booking_body("consultation", first["start"].as_str().unwrap(), json!({}));
    body["staff_id"] = first["staff"]["id"].clone();
    let b: Value = post(&app, "/api/v1/bookings", &body)
        .await
        .json()
        .await
        .unwrap();
    let (r, t) = (
        b["reference"].as_str().unwrap().to_owned(),
        b["manage_token"].as_str().unwrap().to_owned(),
    );
    // Someone else takes a later slot with the same provider.
    let first_end: jiff::Timestamp = first["end"].as_str().unwrap().parse().unwrap();
    let target = s
        .iter()
        .find(|x| {
            x["staff"] == first["staff"]
                && x["start"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    >= first_end
        })
        .unwrap()
        .clone();
    let mut other = booking_body("consultation", target["start"].as_str().unwrap(), json!({}));
    other["staff_id"] = target["staff"]["id"].clone();
    other["client"]["email"] = json!("bo@example.com");
    assert_eq!(
        post(&app, "/api/v1/bookings", &other).await.status(),
        StatusCode::CREATED
    );
    // Moving onto the taken slot fails and keeps the original booking.
    let move_body = json!({"start": target["start"], "staff_id": target["staff"]["id"]});
    let p = problem(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
            &move_body,
        )
        .await,
        StatusCode::CONFLICT,
        "slot_unavailable",
    )
    .await;
    assert!(p["alternatives"].is_array());
    let got: Value = app
        .get(&format!("/api/v1/bookings/{r}?token={t}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["start"], first["start"]);
    let held = app
        .db
        .raw_count("SELECT COUNT(*) FROM holds WHERE active = TRUE")
        .await;
    // Moving to a free later time works; the old time is released.
    let free = slots(&app, "consultation", "2026-12-08", "2026-12-08").await[0].clone();
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
        &json!({"start": free["start"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["start"], free["start"]);
    assert_eq!(
        app.db
            .raw_count("SELECT COUNT(*) FROM holds WHERE active = TRUE")
            .await,
        held
    );
    let back = slots(&app, "consultation", "2026-12-07", "2026-12-07").await;
    assert!(back.iter().any(|x| x == &first), "old slot released");
    let p = problem(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
            &json!({"start": "tomorrow"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["start"]);
}

app_test!(
    catalog_matches_the_contract,
    availability_validates_and_sorts,
    booking_round_trip,
    idempotency_key_replays_or_refuses,
    bad_input_is_named_and_changes_nothing,
    screening_rules_gate_booking,
    cancel_frees_and_respects_the_cutoff,
    reschedule_is_atomic,
);

async fn series_sessions_keep_their_interval(app: TestApp) {
    // Halo: 2 sessions, 4-8 weeks apart.
    let first = slots(&app, "halo", "2026-12-08", "2026-12-08").await[0].clone();
    let res = post(
        &app,
        "/api/v1/bookings",
        &booking_body("halo", first["start"].as_str().unwrap(), clear_screening()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let one: Value = res.json().await.unwrap();
    assert_eq!(one["series"]["sessions"], 2);
    assert_eq!(one["series"]["index"], 1);
    assert_eq!(one["series"]["next_from"], "2027-01-05");
    assert_eq!(one["series"]["next_to"], "2027-02-02");
    let offered = one["next_session_slots"]
        .as_array()
        .unwrap_or_else(|| panic!("{one}"));
    assert!(!offered.is_empty(), "follow-up dates are offered");
    for s in offered {
        let d = &s["start"].as_str().unwrap()[..10];
        assert!(("2027-01-05"..="2027-02-02").contains(&d), "{d}");
    }
    let series = json!({"reference": one["reference"], "token": one["manage_token"]});

    // Too early for session 2: refused with the window.
    let early = slots(&app, "halo", "2026-12-22", "2026-12-22").await[0].clone();
    let mut body = booking_body("halo", early["start"].as_str().unwrap(), clear_screening());
    body["series"] = series.clone();
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "series_interval",
    )
    .await;
    assert_eq!(
        (p["earliest_date"].as_str(), p["latest_date"].as_str()),
        (Some("2027-01-05"), Some("2027-02-02"))
    );
    // Someone else's token cannot continue the series.
    let mut body = booking_body(
        "halo",
        offered[0]["start"].as_str().unwrap(),
        clear_screening(),
    );
    body["series"] = json!({"reference": one["reference"], "token": "not-the-token"});
    let p = problem(
        post(&app, "/api/v1/bookings", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["series.reference"]);
    // Inside the window: session 2 of 2.
    let mut body = booking_body(
        "halo",
        offered[0]["start"].as_str().unwrap(),
        clear_screening(),
    );
    body["series"] = series.clone();
    body["staff_id"] = offered[0]["staff"]["id"].clone();
    let res = post(&app, "/api/v1/bookings", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let two: Value = res.json().await.unwrap();
    assert_eq!(two["series"]["index"], 2);
    assert!(
        two.get("next_session_slots").is_none(),
        "the series is complete"
    );
    // Session 1 cannot move so late that session 2 falls outside its interval.
    let (r, t) = (
        one["reference"].as_str().unwrap(),
        one["manage_token"].as_str().unwrap(),
    );
    let late = slots(&app, "halo", "2026-12-17", "2026-12-17").await[0].clone();
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
        &json!({"start": late["start"]}),
    )
    .await;
    // Session 2 is on 2027-01-05, so session 1 may not move later than 2026-12-08 (4 weeks).
    assert_eq!(&offered[0]["start"].as_str().unwrap()[..10], "2027-01-05");
    let p = problem(res, StatusCode::UNPROCESSABLE_ENTITY, "series_interval").await;
    assert_eq!(p["latest_date"], "2026-12-08");
    let got: Value = app
        .get(&format!("/api/v1/bookings/{r}?token={t}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["start"], first["start"], "nothing moved");
}

app_test!(series_sessions_keep_their_interval);

async fn presentable_on_avoids_downtime(app: TestApp) {
    let halo_days: u32 = {
        let detail: Value = app.get("/api/v1/services/halo").await.json().await.unwrap();
        u32::try_from(detail["downtime_days"].as_u64().unwrap()).unwrap()
    };
    assert!(halo_days >= 4, "Halo has days of downtime");
    let all = slots(&app, "halo", "2026-12-01", "2026-12-14").await;
    let res = app.get("/api/v1/availability?service=halo&from=2026-12-01&to=2026-12-14&presentable_on=2026-12-08").await;
    assert_eq!(res.status(), StatusCode::OK);
    let kept: Value = res.json().await.unwrap();
    let kept = kept["slots"].as_array().unwrap();
    // A session on day D keeps the client busy on D .. D + downtime - 1.
    let event = jiff::civil::date(2026, 12, 8);
    for s in &all {
        let day: jiff::civil::Date = s["start"].as_str().unwrap()[..10].parse().unwrap();
        let clashes = day <= event
            && event
                < day
                    .checked_add(jiff::Span::new().days(i64::from(halo_days)))
                    .unwrap();
        assert_eq!(kept.contains(s), !clashes, "{day}");
    }
    assert!(kept.len() < all.len() && !kept.is_empty());
    // No downtime, nothing to avoid.
    let facial = slots(&app, "hydrafacial", "2026-12-01", "2026-12-14").await;
    let res: Value = app.get("/api/v1/availability?service=hydrafacial&from=2026-12-01&to=2026-12-14&presentable_on=2026-12-08").await.json().await.unwrap();
    assert_eq!(res["slots"].as_array().unwrap().len(), facial.len());
    let p = problem(
        app.get(
            "/api/v1/availability?service=halo&from=2026-12-01&to=2026-12-14&presentable_on=soon",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["presentable_on"]);
}

app_test!(presentable_on_avoids_downtime);

/// Availability answers are cached (whole and per date); every change is seen at once in any
/// overlapping window, and the clock's minute moves the notice cut-off.
async fn cached_availability_follows_every_change(app: TestApp) {
    let wide = slots(&app, "consultation", "2026-11-30", "2026-12-06").await;
    let slot = wide
        .iter()
        .find(|s| s["start"].as_str().unwrap().starts_with("2026-12-02"))
        .unwrap()
        .clone();
    let mut body = booking_body("consultation", slot["start"].as_str().unwrap(), json!({}));
    body["staff_id"] = slot["staff"]["id"].clone();
    let b: Value = post(&app, "/api/v1/bookings", &body)
        .await
        .json()
        .await
        .unwrap();
    let narrow = slots(&app, "consultation", "2026-12-01", "2026-12-03").await;
    assert!(
        !narrow.contains(&slot),
        "a booking shows in an overlapping window at once"
    );
    let wide_again = slots(&app, "consultation", "2026-11-30", "2026-12-06").await;
    assert!(!wide_again.contains(&slot));
    let (r, t) = (
        b["reference"].as_str().unwrap(),
        b["manage_token"].as_str().unwrap(),
    );
    assert_eq!(
        post(
            &app,
            &format!("/api/v1/bookings/{r}/cancel?token={t}"),
            &json!({})
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert!(
        slots(&app, "consultation", "2026-12-01", "2026-12-03")
            .await
            .contains(&slot)
    );
    // Today: the first offered start is at least two hours away, and moves with the clock.
    let today = slots(&app, "consultation", "2026-11-25", "2026-11-25").await;
    assert!(today[0]["start"].as_str().unwrap() >= "2026-11-25T11:00:00-06:00");
    app.clock.set("2026-11-25T18:00:00Z".parse().unwrap()); // 12:00 in Chicago
    let later = slots(&app, "consultation", "2026-11-25", "2026-11-25").await;
    assert!(
        later[0]["start"].as_str().unwrap() >= "2026-11-25T14:00:00-06:00",
        "{}",
        later[0]
    );
}

app_test!(cached_availability_follows_every_change);
