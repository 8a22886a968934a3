//! The manage page by reference + token: the same 404 for a wrong reference or token,
//! cancelling with a confirmation page, moving through the date and time steps, and the
//! cut-off pointing to the clinic's phone; booking a series' next session from it.

use super::html::form;
use super::{Client, details, first_time, halo_answers};
use crate::api_booking::{booking_body, clear_screening, post, slots};
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// Books Halo through the API; returns (reference, token, start, staff id).
async fn api_booking(app: &TestApp, date: &str) -> (String, String, String, String) {
    let slot = slots(app, "halo", date, date).await[0].clone();
    let mut body = booking_body("halo", slot["start"].as_str().unwrap(), clear_screening());
    body["staff_id"] = slot["staff"]["id"].clone();
    let res = post(app, "/api/v1/bookings", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let b: Value = res.json().await.unwrap();
    (
        b["reference"].as_str().unwrap().to_owned(),
        b["manage_token"].as_str().unwrap().to_owned(),
        slot["start"].as_str().unwrap().to_owned(),
        slot["staff"]["id"].as_str().unwrap().to_owned(),
    )
}

pub async fn wrong_reference_or_token_is_the_same_404(app: TestApp) {
    let (r, t, _, _) = api_booking(&app, "2026-12-03").await;
    let c = Client { app: &app };
    let (s1, wrong_token) = c.get(&format!("/bookings/{r}?token=nope{t}")).await;
    let (s2, wrong_ref) = c.get(&format!("/bookings/ZZZZ9999?token={t}")).await;
    let (s3, no_token) = c.get(&format!("/bookings/{r}")).await;
    assert_eq!(
        (s1, s2, s3),
        (
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND
        )
    );
    let main = |b: &str| b[b.find("<h1>").unwrap()..b.find("</h1>").unwrap()].to_owned();
    assert_eq!(main(&wrong_token), main(&wrong_ref));
    assert_eq!(main(&wrong_token), main(&no_token));
    for path in ["cancel", "confirmed", "reschedule"] {
        let (s, _) = c.get(&format!("/bookings/{r}/{path}?token=bad")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
}

pub async fn manage_page_cancels_with_confirmation(app: TestApp) {
    let (r, t, start, staff) = api_booking(&app, "2026-12-03").await;
    let c = Client { app: &app };
    let (status, page) = c.get(&format!("/bookings/{r}?token={t}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Your booking</h1>"));
    assert!(page.contains("Your care plan"));
    assert!(page.contains("Add to calendar"));
    assert!(page.contains(&format!("href=\"/bookings/{r}/reschedule?token={t}\"")));
    assert!(page.contains("Thursday 3 December 2026"));
    let (status, confirm) = c.get(&format!("/bookings/{r}/cancel?token={t}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("<h1>Cancel your booking?</h1>"));
    let f = form(&confirm, &format!("/bookings/{r}/cancel"));
    assert!(f.fields.iter().any(|(k, _)| k == "csrf_token"));
    let (status, after, location) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        location.unwrap(),
        format!("/bookings/{r}?token={t}&done=cancelled")
    );
    assert!(after.contains("<h1>Your booking is cancelled</h1>"));
    assert!(after.contains("emailing you a note of the cancellation"));
    // Said once, in the heading: the notice and the lead don't repeat it.
    assert!(!after.contains("has been cancelled") && !after.contains("is cancelled and"));
    assert!(!after.contains(">Reschedule<"));
    // The slot is free again for that provider.
    let free = slots(&app, "halo", "2026-12-03", "2026-12-03").await;
    assert!(
        free.iter()
            .any(|s| s["start"] == start.as_str() && s["staff"]["id"] == staff.as_str())
    );
    // Cancelling twice just shows the cancelled booking.
    let (status, _, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK);
}

pub async fn manage_page_reschedules_through_the_steps(app: TestApp) {
    let (r, t, start, _) = api_booking(&app, "2026-12-03").await;
    let c = Client { app: &app };
    let (status, dates) = c.get(&format!("/bookings/{r}/reschedule?token={t}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(dates.contains("<h1>Choose a new date"));
    let f = form(&dates, &format!("/bookings/{r}/reschedule/time"));
    let day = f
        .values("button", "date")
        .into_iter()
        .find(|d| d.as_str() > "2026-12-04")
        .unwrap();
    let (status, times, _) = c.submit(&f.with("date", &day)).await;
    assert_eq!(status, StatusCode::OK);
    let f = form(&times, &format!("/bookings/{r}/reschedule/review"));
    let slot = f.values("input", "slot")[0].clone();
    let (status, review, _) = c.submit(&f.with("slot", &slot)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(review.contains("<h1>Confirm your new time</h1>"));
    let (status, after, location) = c
        .submit(&form(&review, &format!("/bookings/{r}/reschedule/save")))
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert!(location.unwrap().ends_with("&done=moved"));
    assert!(after.contains("has been moved"));
    let api: Value = app
        .get(&format!("/api/v1/bookings/{r}?token={t}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["start"], slot.split_once('|').unwrap().0);
    assert_ne!(api["start"], start.as_str());
}

pub async fn late_changes_point_to_the_phone(app: TestApp) {
    // Tomorrow is inside the 24 h cut-off window only for early slots; use the cut-off
    // directly: a booking within 24 hours.
    let free = slots(&app, "halo", "2026-11-25", "2026-11-26").await;
    let Some(slot) = free.iter().find(|s| {
        let t: jiff::Timestamp = s["start"].as_str().unwrap().parse().unwrap();
        t < "2026-11-26T15:00:00Z".parse().unwrap()
    }) else {
        return;
    };
    let mut body = booking_body("halo", slot["start"].as_str().unwrap(), clear_screening());
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
    let c = Client { app: &app };
    let (_, page) = c.get(&format!("/bookings/{r}?token={t}")).await;
    assert!(page.contains("Online changes close 24 hours before"));
    assert!(page.contains("+1 312 555 0142"));
    let (status, page) = c.get(&format!("/bookings/{r}/cancel?token={t}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("please call us"));
}

pub async fn next_session_of_a_series_goes_through_the_flow(app: TestApp) {
    let (r, t, _, _) = api_booking(&app, "2026-12-03").await;
    let c = Client { app: &app };
    let (_, page) = c.get(&format!("/bookings/{r}?token={t}")).await;
    assert!(page.contains("Your next session"));
    let next = form(&page, "/book/next");
    assert!(next.html.contains(">Book session 2</button>"));
    // A forged link is the same 404 as any wrong token.
    let (status, _, _) = c.submit(&next.clone().with("series_token", "nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The questions are asked again (things change in a month), then the dates are those of
    // the series interval: 4 to 8 weeks after 3 December.
    let (status, questions, _) = c.submit(&next).await;
    assert_eq!(status, StatusCode::OK);
    assert!(questions.contains("A few safety questions"));
    let (status, dates, _) = c
        .submit(&halo_answers(form(&questions, "/book/screening")))
        .await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    assert!(dates.contains("Session 2 of 2"));
    assert!(dates.contains("between Thursday 31 December 2026 and Thursday 28 January 2027"));
    let days = form(&dates, "/book/time").values("button", "date");
    assert!(
        days.iter()
            .all(|d| d.as_str() >= "2026-12-31" && d.as_str() <= "2027-01-28"),
        "{days:?}"
    );
    let (times, slot, _) = first_time(&c, &dates, "").await;
    let (_, page, _) = c.submit(&times.with("slot", &slot)).await;
    let (status, done, location) = c.submit(&details(form(&page, "/book/confirm"))).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("Your booking is confirmed"));
    assert!(!done.contains("Book session"), "the series is complete");
    let location = location.unwrap();
    let r2 = location
        .trim_start_matches("/bookings/")
        .split('/')
        .next()
        .unwrap();
    let t2 = location.split("token=").nth(1).unwrap();
    let api: Value = app
        .get(&format!("/api/v1/bookings/{r2}?token={t2}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["series"]["index"], 2, "{api}");
}
