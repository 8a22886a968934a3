//! Daylight-saving changes in America/Chicago (2026-11-01 and 2027-03-14): slots follow local
//! hours on both sides, and booked times round-trip.

use crate::api_booking::{booking_body, slots};
use crate::app_test;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The first start of each date, as returned.
fn first_per_day(s: &[Value]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for x in s {
        let start = x["start"].as_str().unwrap().to_owned();
        out.entry(start[..10].to_owned()).or_insert(start);
    }
    out
}

async fn fall_back_keeps_local_hours(app: TestApp) {
    app.clock.set("2026-10-26T15:00:00Z".parse().unwrap());
    let s = slots(&app, "consultation", "2026-10-30", "2026-11-03").await;
    let first = first_per_day(&s);
    assert_eq!(first["2026-10-30"], "2026-10-30T08:00:00-05:00");
    assert_eq!(first["2026-10-31"], "2026-10-31T09:00:00-05:00");
    assert!(!first.contains_key("2026-11-01"), "closed on Sundays");
    assert_eq!(first["2026-11-02"], "2026-11-02T08:00:00-06:00");
    let instants: Vec<jiff::Timestamp> = s
        .iter()
        .map(|x| x["start"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut keys: Vec<(jiff::Timestamp, String)> = s
        .iter()
        .zip(&instants)
        .map(|(x, t)| (*t, x["staff"]["id"].as_str().unwrap().to_owned()))
        .collect();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "no duplicate (start, staff)");
    // The last consultation on Monday ends at 20:00 local, when the clinic closes.
    let last_monday = s
        .iter()
        .filter(|x| x["start"].as_str().unwrap().starts_with("2026-11-02"))
        .map(|x| x["end"].as_str().unwrap())
        .max()
        .unwrap();
    assert_eq!(last_monday, "2026-11-02T20:00:00-06:00");

    let body = booking_body("consultation", "2026-11-02T09:00:00-06:00", json!({}));
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let b: Value = res.json().await.unwrap();
    assert_eq!(b["start"], "2026-11-02T09:00:00-06:00");
    assert_eq!(b["end"], "2026-11-02T09:30:00-06:00");
    let got: Value = app
        .get(&format!(
            "/api/v1/bookings/{}?token={}",
            b["reference"].as_str().unwrap(),
            b["manage_token"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["start"], "2026-11-02T09:00:00-06:00");
    // The calendar file names the same instant in UTC (09:00 CST = 15:00 UTC).
    let ics = app
        .get(&format!(
            "/api/v1/bookings/{}/calendar.ics?token={}",
            b["reference"].as_str().unwrap(),
            b["manage_token"].as_str().unwrap()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(ics.contains("DTSTART:20261102T150000Z"), "{ics}");
    assert!(ics.contains("DTEND:20261102T153000Z"), "{ics}");
    // The same instant written in UTC books the same slot (already taken now).
    let body = booking_body("consultation", "2026-11-02T15:00:00Z", json!({}));
    let mut body = body;
    body["staff_id"] = b["staff"]["id"].clone();
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

async fn spring_forward_keeps_local_hours(app: TestApp) {
    app.clock.set("2027-03-08T15:00:00Z".parse().unwrap());
    let s = slots(&app, "consultation", "2027-03-12", "2027-03-16").await;
    let first = first_per_day(&s);
    assert_eq!(first["2027-03-12"], "2027-03-12T08:00:00-06:00");
    assert_eq!(first["2027-03-13"], "2027-03-13T09:00:00-06:00");
    assert!(!first.contains_key("2027-03-14"));
    assert_eq!(first["2027-03-15"], "2027-03-15T08:00:00-05:00");
    let body = booking_body("consultation", "2027-03-15T09:00:00-05:00", json!({}));
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let b: Value = res.json().await.unwrap();
    assert_eq!(b["start"], "2027-03-15T09:00:00-05:00");
}

app_test!(
    fall_back_keeps_local_hours,
    spring_forward_keeps_local_hours
);
