//! Series and cross-service spacing for one client (matched on email, case-insensitive),
//! across booking paths, enforced inside the booking transaction: plain bookings, changed
//! email case, reschedules, cancellations freeing the place, and two bookings at once, on
//! SQLite and PostgreSQL (issue 12).

use crate::api_booking::{booking_body, clear_screening, post, slots};
use crate::app_test;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use std::sync::Arc;

async fn book(
    app: &TestApp,
    service: &str,
    start: &str,
    screening: Value,
    email: &str,
) -> reqwest::Response {
    let mut body = booking_body(service, start, screening);
    body["client"]["email"] = json!(email);
    post(app, "/api/v1/bookings", &body).await
}

async fn first_start(app: &TestApp, service: &str, date: &str) -> String {
    slots(app, service, date, date).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn clear_for(app: &TestApp, slug: &str) -> Value {
    let detail: Value = app
        .get(&format!("/api/v1/services/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    let mut m = Map::new();
    for q in detail["screening"].as_array().unwrap() {
        let v = match q["kind"].as_str().unwrap() {
            "yes_no" => json!(false),
            "choice" => json!("II"),
            _ => Value::Null,
        };
        m.insert(q["id"].as_str().unwrap().to_owned(), v);
    }
    Value::Object(m)
}

async fn a_second_halo_inside_the_interval_is_refused_on_every_path(app: TestApp) {
    let first = first_start(&app, "halo", "2026-12-08").await;
    let res = book(&app, "halo", &first, clear_screening(), "ana@example.com").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let one: Value = res.json().await.unwrap();
    // A plain new booking a week later, with the email in another case: refused.
    let week_later = first_start(&app, "halo", "2026-12-15").await;
    let res = book(
        &app,
        "halo",
        &week_later,
        clear_screening(),
        "ANA@Example.com",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "series_interval", "{p}");
    assert_eq!(p["earliest_date"], "2027-01-05");
    assert_eq!(p["other_date"], "2026-12-08");
    // Before the first one (also within 4 weeks): refused too.
    let before = first_start(&app, "halo", "2026-12-04").await;
    let res = book(&app, "halo", &before, clear_screening(), "ana@example.com").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another client is not affected.
    let res = book(
        &app,
        "halo",
        &week_later,
        clear_screening(),
        "bea@example.com",
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // 4 weeks on: fine.
    let later = first_start(&app, "halo", "2027-01-05").await;
    let res = book(&app, "halo", &later, clear_screening(), "ana@example.com").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let three: Value = res.json().await.unwrap();
    // Moving the later one back inside the interval: refused, nothing moves.
    let (r, t) = (
        three["reference"].as_str().unwrap(),
        three["manage_token"].as_str().unwrap(),
    );
    let near = first_start(&app, "halo", "2026-12-22").await;
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
        &json!({"start": near}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "series_interval");
    // Cancelling the first session frees its place: the week-later date now books.
    let (r1, t1) = (
        one["reference"].as_str().unwrap(),
        one["manage_token"].as_str().unwrap(),
    );
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r1}/cancel?token={t1}"),
        &json!({}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The cancelled session can't anchor a series continuation any more.
    let next = first_start(&app, "halo", "2027-01-06").await;
    let mut body = booking_body("halo", &next, clear_screening());
    body["series"] = json!({"reference": r1, "token": t1});
    let res = post(&app, "/api/v1/bookings", &body).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "series.reference", "{p}");
    let res = book(&app, "halo", &first, clear_screening(), "Ana@example.com").await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "the cancelled place is free"
    );
}

async fn cross_service_spacing_holds(app: TestApp) {
    // Filler on 2026-12-03, then Halo: not before 2026-12-17 (14 days).
    let filler = first_start(&app, "dermal-filler", "2026-12-03").await;
    let res = book(
        &app,
        "dermal-filler",
        &filler,
        clear_for(&app, "dermal-filler").await,
        "cy@example.com",
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let soon = first_start(&app, "halo", "2026-12-10").await;
    let res = book(&app, "halo", &soon, clear_screening(), "cy@example.com").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "treatment_spacing");
    assert_eq!(p["other_service"], "dermal-filler");
    assert_eq!(p["earliest_date"], "2026-12-17");
    let ok = first_start(&app, "halo", "2026-12-17").await;
    let res = book(&app, "halo", &ok, clear_screening(), "cy@example.com").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A peel within 14 days of that Halo, either side: refused.
    let peel = first_start(&app, "chemical-peel", "2026-12-22").await;
    let res = book(
        &app,
        "chemical-peel",
        &peel,
        clear_for(&app, "chemical-peel").await,
        "cy@example.com",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "treatment_spacing"
    );
}

async fn two_bookings_at_once_for_one_client(app: TestApp) {
    // Two Halo sessions a week apart, sent at the same moment with different providers and
    // rooms free: at most one may be inside the interval.
    let app = Arc::new(app);
    for round in 0..3 {
        // Fresh free times each round (the earlier rounds hold the first ones).
        let a = first_start(&app, "halo", "2026-12-08").await;
        let b = first_start(&app, "halo", "2026-12-15").await;
        let email = format!("dee{round}@example.com");
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let mut tasks = Vec::new();
        for start in [a.clone(), b.clone()] {
            let (app, barrier, email) = (app.clone(), barrier.clone(), email.clone());
            tasks.push(tokio::spawn(async move {
                let mut body = booking_body("halo", &start, clear_screening());
                body["client"]["email"] = json!(email);
                barrier.wait().await;
                let res = app
                    .http
                    .post(app.url("/api/v1/bookings"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let body: Value = res.json().await.unwrap();
                (status, body)
            }));
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap());
        }
        let created = outcomes
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        assert_eq!(created, 1, "round {round}: {outcomes:?}");
        let refused = outcomes
            .iter()
            .find(|(s, _)| *s != StatusCode::CREATED)
            .unwrap();
        assert_eq!(refused.1["code"], "series_interval", "{refused:?}");
    }
    let n = app
        .db
        .raw_count(
            "SELECT COUNT(*) FROM appointments a JOIN clients c ON c.id = a.client_id \
             WHERE c.email_norm = 'dee0@example.com'",
        )
        .await;
    assert_eq!(n, 1);
}

app_test!(
    a_second_halo_inside_the_interval_is_refused_on_every_path,
    cross_service_spacing_holds,
    two_bookings_at_once_for_one_client,
);
