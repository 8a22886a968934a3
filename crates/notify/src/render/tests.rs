//! Rendering tests: what each kind shows, and what it must not.

use super::*;
use medspa_core::AppointmentId;
use medspa_store::outbox::{ClinicMail, MailPayload, NoticeText as Notice, PlanLine, StepText};

fn ctx(kind: MailKind) -> MailContext {
    let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
    let start: Timestamp = "2026-12-01T16:30:00Z".parse().unwrap();
    let end: Timestamp = "2026-12-01T18:15:00Z".parse().unwrap();
    MailContext {
        message_id: uuid::Uuid::nil(),
        kind,
        recipient: "ana.ruiz@example.com".into(),
        payload: MailPayload {
            starts_at_ms: Some(start.as_millisecond()),
            previous_start_ms: Some(start.as_millisecond() - 86_400_000),
            reminder_minutes: Some(120),
            step: Some(StepText {
                date: jiff::civil::date(2026, 12, 3),
                until: None,
                title: "Check-in: swelling".into(),
                detail: "How is the swelling & heat? <b>ok</b>".into(),
                red_flags: Some("Call us if you notice a fever.".into()),
            }),
            care_plan: vec![PlanLine {
                date: jiff::civil::date(2026, 12, 2),
                until: Some(jiff::civil::date(2027, 3, 1)),
                title: "SPF 30+ daily".into(),
            }],
            missed_prep: vec!["Protect your skin from the sun".into()],
            notice: Some(Notice {
                subject: "Holiday hours".into(),
                body: "We are closed on Dec 24.\n\nSee you soon!".into(),
            }),
            sealed_link: None,
        },
        clinic: ClinicMail {
            name: "Lumen Skin".into(),
            phone: "+1 312 555 0100".into(),
            email: "hello@lumen.example".into(),
        },
        appointment: Some(AppointmentMail {
            id: AppointmentId::new(uuid::Uuid::nil()),
            reference: "K7Q2MX".into(),
            status: "confirmed".into(),
            first_name: "Ana".into(),
            service_name: "Halo laser".into(),
            starts_at: start.to_zoned(tz.clone()),
            ends_at: end.to_zoned(tz),
            location_name: "Lincoln Park".into(),
            location_address: "12 Elm St, Chicago, IL 60614".into(),
            location_phone: "+1 312 555 0111".into(),
            manage_url: Some("https://spa.example/bookings/K7Q2MX?token=abc&x=1".into()),
        }),
        sequence: 0,
    }
}

fn now() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

#[test]
fn confirmation_has_time_place_link_plan_and_ics() {
    let r = render(&ctx(MailKind::Confirmation), "spa.example", now()).unwrap();
    assert_eq!(r.subject, "Booked: Halo laser, Tue Dec 1, 10:30 AM");
    for needle in [
        "Hi Ana,",
        "Tuesday, December 1, 2026 at 10:30 AM CST (until 12:15 PM)",
        "Lincoln Park, 12 Elm St, Chicago, IL 60614",
        "K7Q2MX",
        "https://spa.example/bookings/K7Q2MX?token=abc&x=1",
        "Wed Dec 2 to Mon Mar 1: SPF 30+ daily",
        "Less time to prepare",
        "- Protect your skin from the sun",
    ] {
        assert!(
            r.text.contains(needle),
            "{needle:?} missing in:\n{}",
            r.text
        );
    }
    assert!(
        r.html
            .contains("href=\"https://spa.example/bookings/K7Q2MX?token=abc&#38;x=1\"")
            || r.html.contains("token=abc&amp;x=1"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li>Protect your skin from the sun</li>"));
    let ics = r.ics.unwrap();
    assert!(ics.contains("DTSTART:20261201T163000Z\r\n"));
    assert!(ics.contains("UID:K7Q2MX@spa.example\r\n"));
    assert!(ics.contains("STATUS:CONFIRMED\r\n"));
    assert!(
        !r.text.contains("\n\n\n"),
        "no runs of blank lines:\n{}",
        r.text
    );
}

#[test]
fn reminder_holds_first_name_service_time_and_link_only() {
    let r = render(&ctx(MailKind::Reminder), "spa.example", now()).unwrap();
    assert!(r.ics.is_none());
    for body in [&r.text, &r.html] {
        assert!(body.contains("Ana"));
        assert!(body.contains("Halo laser"));
        assert!(body.contains("Tuesday, December 1, 2026 at 10:30 AM CST"));
        assert!(body.contains("https://spa.example/bookings/K7Q2MX?token=abc"));
        for absent in [
            "Lincoln Park",
            "Elm St",
            "555",
            "K7Q2MX\n",
            "Lumen",
            "Ruiz",
            "SPF",
            "swelling",
        ] {
            assert!(!body.contains(absent), "{absent:?} in reminder:\n{body}");
        }
    }
}

#[test]
fn care_step_shows_generic_text_red_flags_and_link() {
    let r = render(&ctx(MailKind::CareStep), "spa.example", now()).unwrap();
    assert_eq!(r.subject, "Check-in: swelling: Halo laser");
    assert!(r.text.contains("How is the swelling & heat? <b>ok</b>"));
    assert!(
        r.html
            .contains("How is the swelling &#38; heat? &#60;b&#62;ok&#60;/b&#62;")
            || r.html.contains("&lt;b&gt;"),
        "{}",
        r.html
    );
    assert!(
        r.text
            .contains("When to call us: Call us if you notice a fever. Call +1 312 555 0111.")
    );
    assert!(r.ics.is_none());
}

#[test]
fn cancellation_reschedule_and_notice() {
    let c = render(&ctx(MailKind::Cancellation), "spa.example", now()).unwrap();
    assert!(c.text.contains("is cancelled"));
    assert!(c.ics.unwrap().contains("STATUS:CANCELLED"));
    let mut moved = ctx(MailKind::Reschedule);
    moved.sequence = 1;
    let r = render(&moved, "spa.example", now()).unwrap();
    assert!(
        r.text
            .contains("New time:  Tuesday, December 1, 2026 at 10:30 AM CST")
    );
    assert!(
        r.text
            .contains("Was:       Monday, November 30, 2026 at 10:30 AM CST")
    );
    assert!(r.ics.unwrap().contains("SEQUENCE:1\r\n"));
    let n = render(&ctx(MailKind::Notice), "spa.example", now()).unwrap();
    assert_eq!(n.subject, "Holiday hours");
    assert!(
        n.text
            .starts_with("We are closed on Dec 24.\n\nSee you soon!")
    );
}

#[test]
fn message_is_multipart_with_message_id_and_attachment() {
    let c = ctx(MailKind::Confirmation);
    let r = render(&c, "spa.example", now()).unwrap();
    let from: Mailbox = "Lumen Skin <hello@lumen.example>".parse().unwrap();
    let m = build_message(&c, r, &from, "spa.example", now()).unwrap();
    let raw = String::from_utf8(m.formatted()).unwrap();
    assert!(
        raw.contains("Message-ID: <00000000-0000-0000-0000-000000000000@spa.example>"),
        "{raw}"
    );
    assert!(raw.contains("multipart/mixed"));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("text/calendar; method=PUBLISH"));
    let mut bad = ctx(MailKind::Confirmation);
    bad.recipient = "not an address".into();
    let r = render(&bad, "spa.example", now()).unwrap();
    assert!(matches!(
        build_message(&bad, r, &from, "spa.example", now()),
        Err(RenderError::Recipient)
    ));
}

#[test]
#[ignore = "prints every rendered email for a visual check"]
fn print_all() {
    for kind in [
        MailKind::Confirmation,
        MailKind::Reminder,
        MailKind::CareStep,
        MailKind::Cancellation,
        MailKind::Reschedule,
        MailKind::Notice,
    ] {
        let r = render(&ctx(kind), "spa.example", now()).unwrap();
        eprintln!(
            "===== {kind}: {}\n{}\n----- html\n{}",
            r.subject, r.text, r.html
        );
    }
}
