//! Reminders and care-step emails go out at their time, not before, and carry no health data.

use crate::support::*;
use jiff::{SignedDuration, Timestamp};
use medspa_store::outbox::{MailKind, OutboxStatus};
use medspa_testkit::on_both;
use std::time::Duration;

async fn reminders_and_care_steps_arrive_on_time_without_health_data(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let b = env.book(start0(), true).await;
    let worker = env.worker();
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;

    let rows = env
        .wait_rows(&b, "confirmation marked sent", |r| {
            r[0].status == OutboxStatus::Sent
        })
        .await;
    let mut pending: Vec<_> = with_status(&rows, OutboxStatus::Pending)
        .into_iter()
        .cloned()
        .collect();
    pending.sort_by_key(|r| (r.send_after_ms, r.created_at_ms));
    let reminders: Vec<i64> = pending
        .iter()
        .filter(|r| r.kind == MailKind::Reminder)
        .map(|r| r.send_after_ms)
        .collect();
    assert_eq!(
        reminders,
        [
            b.start
                .checked_sub(SignedDuration::from_hours(48))
                .unwrap()
                .as_millisecond(),
            b.start
                .checked_sub(SignedDuration::from_hours(2))
                .unwrap()
                .as_millisecond(),
        ]
    );
    assert!(
        pending.iter().any(|r| r.kind == MailKind::CareStep),
        "halo has after-care emails"
    );

    // Walk the clock: one second before each message nothing new arrives; at its time it does.
    let mut expected = 1;
    for row in &pending {
        let at = Timestamp::from_millisecond(row.send_after_ms).unwrap();
        if env.now() < at {
            env.set_clock(at.checked_sub(SignedDuration::from_secs(1)).unwrap());
            worker.nudge();
            settle().await;
            assert_eq!(
                env.sink.messages().len(),
                expected,
                "{:?} went out early",
                row.kind
            );
            env.set_clock(at);
        }
        worker.nudge();
        expected += 1;
        let mails = env.sink.wait_for(expected, Duration::from_secs(10)).await;
        let mail = mails
            .iter()
            .find(|m| m.message_id().unwrap() == message_id_of(row));
        assert!(mail.is_some(), "{:?} due at {at} did not arrive", row.kind);
    }
    assert_eq!(env.sink.messages().len(), rows.len());

    assert_no_personal_or_health_data(&env, &b).await;
    worker.stop().await;
}
on_both!(reminders_and_care_steps_arrive_on_time_without_health_data);

/// No email carries the surname, the phone or a step that reveals an answer; reminders carry
/// nothing beyond first name, service, time and link; payloads hold no answers.
async fn assert_no_personal_or_health_data(env: &Env, b: &Booking) {
    let mails = env.sink.messages();
    unique_ids(&mails);
    for mail in &mails {
        let all = mail.everything();
        assert!(
            !all.contains(SURNAME),
            "surname in {:?}",
            mail.header("Subject")
        );
        assert!(!all.contains("+1 331 555 0199"), "client phone in an email");
        // Steps that exist only because of a "yes" answer (cold sores) are never emailed.
        assert!(!all.to_lowercase().contains("antiviral"), "{all}");
    }
    for kind in ["Reminder"] {
        let reminder_mails: Vec<_> = mails
            .iter()
            .filter(|m| m.header("Subject").unwrap().starts_with(kind))
            .collect();
        assert_eq!(reminder_mails.len(), 2);
        for m in reminder_mails {
            let all = m.everything().to_lowercase();
            for word in [
                "pregnan",
                "retinoid",
                "isotretinoin",
                "cold sore",
                "melasma",
                "keloid",
                "spf",
            ] {
                assert!(!all.contains(word), "{word:?} in a reminder:\n{all}");
            }
            let text = m.text().unwrap();
            assert!(text.contains("Ana"));
            assert!(text.contains("Halo"));
            assert!(text.contains("Monday, November 23, 2026 at 10:30 AM CST"));
            assert!(text.contains(&b.manage_url()));
            assert!(
                !text.contains(&env.clinic.locations[0].address.street),
                "{text}"
            );
            assert!(m.ics().is_none());
        }
    }
    // The outbox payloads carry no answers either.
    let payloads = env
        .strings("SELECT payload FROM outbox")
        .await
        .join("\n")
        .to_lowercase();
    for word in ["pregnan", "isotretinoin", "zylberstein", "ana.", "tok-"] {
        assert!(!payloads.contains(word), "{word:?} in an outbox payload");
    }
}
