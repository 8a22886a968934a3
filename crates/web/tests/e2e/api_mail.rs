//! Booking emails through a real SMTP server: the confirmation carries a parseable .ics for the
//! right instant and the manage link, cancellation sends a notice, and no email carries health
//! data beyond first name, service and time. The calendar download matches.

use crate::api_booking::{booking_body, clear_screening, post, slots};
use crate::app_test;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// The value of an iCalendar property, after unfolding.
fn ics_prop(ics: &str, name: &str) -> Option<String> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .find(|l| l.starts_with(&format!("{name}:")) || l.starts_with(&format!("{name};")))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.to_owned())
}

fn utc_stamp(rfc3339: &str) -> String {
    let t: jiff::Timestamp = rfc3339.parse().unwrap();
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

async fn confirmation_and_cancellation_emails(app: TestApp) {
    let slot = slots(&app, "halo", "2026-12-03", "2026-12-03").await[0].clone();
    let mut screening = clear_screening();
    screening["cold_sore_history"] = json!(true);
    screening["retinoid_last_used"] = json!("2026-11-01");
    let mut body = booking_body("halo", slot["start"].as_str().unwrap(), screening);
    body["staff_id"] = slot["staff"]["id"].clone();
    body["notes"] = json!("I am worried about my melasma");
    let res = post(&app, "/api/v1/bookings", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let b: Value = res.json().await.unwrap();
    let (r, t) = (
        b["reference"].as_str().unwrap(),
        b["manage_token"].as_str().unwrap(),
    );

    let mails = app.mail.wait_for(1, Duration::from_secs(10)).await;
    let m = &mails[0];
    assert_eq!(m.header("To").unwrap(), "ana@example.com");
    let text = m.text().unwrap();
    assert!(text.contains("Ana") && text.contains("Halo"), "{text}");
    assert!(
        text.contains(&format!("/bookings/{r}?token={t}")),
        "manage link: {text}"
    );
    let ics = m.ics().expect("an .ics attachment").body;
    assert_eq!(
        ics_prop(&ics, "DTSTART").unwrap(),
        utc_stamp(slot["start"].as_str().unwrap())
    );
    assert_eq!(
        ics_prop(&ics, "DTEND").unwrap(),
        utc_stamp(slot["end"].as_str().unwrap())
    );
    assert!(ics_prop(&ics, "UID").unwrap().starts_with(r));
    let all = m.everything().to_lowercase();
    for secret in [
        "ruiz",
        "331 555",
        "melasma",
        "cold sore",
        "antiviral",
        "retinoid_last_used",
        "pregnan",
    ] {
        assert!(!all.contains(secret), "email leaks {secret:?}");
    }

    // The download matches the attachment.
    let res = app
        .get(&format!("/api/v1/bookings/{r}/calendar.ics?token={t}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let dl = res.text().await.unwrap();
    assert!(dl.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(ics_prop(&dl, "DTSTART"), ics_prop(&ics, "DTSTART"));
    assert_eq!(ics_prop(&dl, "STATUS").unwrap(), "CONFIRMED");
    assert_eq!(
        app.get(&format!("/api/v1/bookings/{r}/calendar.ics?token=x"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Cancel: a cancellation notice follows, and the calendar file says so.
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/cancel?token={t}"),
        &json!({}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mails = app.mail.wait_for(2, Duration::from_secs(10)).await;
    let cancel = mails
        .iter()
        .find(|m| {
            m.header("Subject")
                .unwrap_or_default()
                .to_lowercase()
                .contains("cancel")
        })
        .expect("cancellation email");
    assert!(cancel.text().unwrap().contains("Halo"));
    let dl = app
        .get(&format!("/api/v1/bookings/{r}/calendar.ics?token={t}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(ics_prop(&dl, "STATUS").unwrap(), "CANCELLED");
    assert_eq!(ics_prop(&dl, "SEQUENCE").unwrap(), "1");
    // No reminder ever follows a cancellation.
    app.clock.set(
        slot["start"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            - jiff::SignedDuration::from_hours(1),
    );
    app.state.mail_nudge();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.mail.messages().len(), 2);
}

async fn reminders_follow_a_reschedule(app: TestApp) {
    let slot = slots(&app, "consultation", "2026-12-09", "2026-12-09").await[0].clone();
    let b: Value = post(
        &app,
        "/api/v1/bookings",
        &booking_body("consultation", slot["start"].as_str().unwrap(), json!({})),
    )
    .await
    .json()
    .await
    .unwrap();
    let (r, t) = (
        b["reference"].as_str().unwrap().to_owned(),
        b["manage_token"].as_str().unwrap().to_owned(),
    );
    app.mail.wait_for(1, Duration::from_secs(10)).await;
    let new_slot = slots(&app, "consultation", "2026-12-10", "2026-12-10").await[0].clone();
    let res = post(
        &app,
        &format!("/api/v1/bookings/{r}/reschedule?token={t}"),
        &json!({"start": new_slot["start"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mails = app.mail.wait_for(2, Duration::from_secs(10)).await;
    let moved = &mails[1];
    assert_eq!(
        ics_prop(&moved.ics().unwrap().body, "DTSTART").unwrap(),
        utc_stamp(new_slot["start"].as_str().unwrap())
    );
    // Two hours before the new start: the 48 h and 2 h reminders for the new time only.
    let new_start: jiff::Timestamp = new_slot["start"].as_str().unwrap().parse().unwrap();
    app.clock
        .set(new_start - jiff::SignedDuration::from_mins(119));
    app.state.mail_nudge();
    let mails = app.mail.wait_for(4, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(app.mail.messages().len(), 4, "no reminder for the old time");
    for m in &mails[2..] {
        let text = m.text().unwrap();
        assert!(
            text.contains("Ana") && !text.contains("Ruiz"),
            "first name only: {text}"
        );
        assert!(text.contains(&format!("/bookings/{r}?token={t}")));
    }
}

app_test!(
    confirmation_and_cancellation_emails,
    reminders_follow_a_reschedule
);

/// Every dated pre-care step is emailed on its date through the outbox (issue 12), advisory
/// and quiet ones included; the antiviral steps, which exist only because of a "yes", never.
async fn every_pre_care_step_is_emailed_on_its_date(app: TestApp) {
    let slot = slots(&app, "halo", "2026-12-16", "2026-12-16").await[0].clone();
    let mut screening = clear_screening();
    screening["cold_sore_history"] = json!(true);
    let res = post(
        &app,
        "/api/v1/bookings",
        &booking_body("halo", slot["start"].as_str().unwrap(), screening),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mails = app.mail.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1, "only the confirmation so far");
    // Booked 21 days ahead: the confirmation says the -28 d sun step is already short.
    let confirmation = mails[0].text().unwrap();
    assert!(
        confirmation.contains("Less time to prepare"),
        "{confirmation}"
    );
    assert!(confirmation.contains("- Protect your skin from the sun"));
    let titles = |mails: &[medspa_testkit::smtp::ReceivedMail]| -> Vec<String> {
        mails.iter().map(|m| m.text().unwrap_or_default()).collect()
    };
    // 2026-12-02, 09:30 in Chicago: the -14 d steps (routine, retinoids, self-tanner,
    // injectables, smoking) arrive.
    app.clock.set("2026-12-02T15:30:00Z".parse().unwrap());
    app.state.mail_nudge();
    let mails = app.mail.wait_for(6, Duration::from_secs(20)).await;
    // The first is the confirmation (its summary lists every step): read the others.
    let texts = titles(&mails[1..]).join("\n");
    for t in [
        "Start a simple skin routine",
        "Stop retinoids",
        "No self-tanner",
        "Plan injectables around your session",
        "If you smoke, take a break",
    ] {
        assert!(texts.contains(t), "{t} missing");
    }
    assert!(!texts.contains("Stop exfoliants"), "not before its date");
    // 2026-12-09: the -7 d steps, quiet waxing included; 12-11 alcohol.
    app.clock.set("2026-12-11T15:30:00Z".parse().unwrap());
    app.state.mail_nudge();
    let mails = app.mail.wait_for(10, Duration::from_secs(20)).await;
    let texts = titles(&mails[1..]).join("\n");
    for t in [
        "Stop exfoliants",
        "No waxing on the area",
        "Check your medicines",
        "Skip alcohol",
    ] {
        assert!(texts.contains(t), "{t} missing");
    }
    // Past the antiviral dates (-3 d, -1 d): still nothing about them, and no health words.
    app.clock.set("2026-12-15T16:00:00Z".parse().unwrap());
    app.state.mail_nudge();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all: String = app
        .mail
        .messages()
        .iter()
        .map(|m| m.everything().to_lowercase())
        .collect();
    for secret in ["antiviral", "cold sore"] {
        assert!(!all.contains(secret), "an email reveals {secret:?}");
    }
}

app_test!(every_pre_care_step_is_emailed_on_its_date);
