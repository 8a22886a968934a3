//! Booking -> confirmation with a parseable .ics for the right instant; cancellation and
//! reschedule emails; no SMTP -> mail stays in the outbox; how fast mail leaves.

use crate::support::*;
use medspa_store::outbox::{MailKind, OutboxStatus};
use medspa_testkit::on_both;
use std::time::{Duration, Instant};

async fn confirmation_with_ics_then_cancellation(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let b = env.book(start0(), true).await;
    let worker = env.worker();
    worker.nudge();

    let mails = env.sink.wait_for(1, Duration::from_secs(10)).await;
    let m = &mails[0];
    let rows = env.rows(&b).await;
    let confirmation = rows
        .iter()
        .find(|r| r.kind == MailKind::Confirmation)
        .unwrap();
    assert_eq!(m.to, std::slice::from_ref(&b.email));
    assert_eq!(m.from, "clinic@spa.example");
    assert_eq!(m.message_id().unwrap(), message_id_of(confirmation));
    assert!(
        m.header("Subject").unwrap().starts_with("Booked: Halo"),
        "{:?}",
        m.header("Subject")
    );
    let text = m.text().unwrap();
    assert!(text.contains("Hi Ana,"), "{text}");
    assert!(
        text.contains("Monday, November 23, 2026 at 10:30 AM CST"),
        "{text}"
    );
    assert!(text.contains(&b.manage_url()), "{text}");
    assert!(m.html().unwrap().contains("View, reschedule or cancel"));
    assert!(!m.everything().contains(SURNAME));

    let ics = m.ics().expect("an .ics attachment");
    assert_eq!(
        ics.params.get("method").map(String::as_str),
        Some("PUBLISH")
    );
    assert_eq!(
        ics.params.get("filename").map(String::as_str),
        Some("appointment.ics")
    );
    let props = ics_properties(&ics.body);
    assert_eq!(prop(&props, "BEGIN"), "VCALENDAR");
    assert_eq!(prop(&props, "VERSION"), "2.0");
    assert_eq!(prop(&props, "METHOD"), "PUBLISH");
    assert_eq!(ics_instant(prop(&props, "DTSTART")), b.start);
    assert_eq!(
        ics_instant(prop(&props, "DTEND")).as_millisecond(),
        b.start.as_millisecond() + 105 * 60_000
    );
    assert_eq!(prop(&props, "UID"), format!("{}@spa.example", b.reference));
    assert_eq!(prop(&props, "STATUS"), "CONFIRMED");
    assert_eq!(prop(&props, "SEQUENCE"), "0");
    assert_eq!(prop(&props, "URL"), b.manage_url());
    assert!(prop(&props, "DESCRIPTION").contains(&b.manage_url()));
    assert!(!ics.body.to_lowercase().contains("pregnan"));
    // The sink stores a message before its 250 reaches the worker: wait for the mark.
    let rows = env
        .wait_rows(&b, "confirmation marked sent", |r| {
            r.iter()
                .any(|r| r.kind == MailKind::Confirmation && r.status == OutboxStatus::Sent)
        })
        .await;
    assert_eq!(rows[0].attempts, 1);

    // Cancel: the cancellation email arrives, the reminders and care emails never do.
    env.cancel(&b).await;
    worker.nudge();
    let mails = env.sink.wait_for(2, Duration::from_secs(10)).await;
    let c = &mails[1];
    assert!(c.header("Subject").unwrap().starts_with("Cancelled: Halo"));
    assert!(c.text().unwrap().contains("is cancelled"));
    let props = ics_properties(&c.ics().unwrap().body);
    assert_eq!(prop(&props, "STATUS"), "CANCELLED");
    assert_eq!(prop(&props, "SEQUENCE"), "1");
    assert_eq!(prop(&props, "UID"), format!("{}@spa.example", b.reference));
    let rows = env
        .wait_rows(&b, "nothing pending", |r| {
            with_status(r, OutboxStatus::Pending).is_empty()
        })
        .await;
    assert_eq!(with_status(&rows, OutboxStatus::Sent).len(), 2);
    assert!(
        with_status(&rows, OutboxStatus::Cancelled).len() >= 2,
        "{rows:#?}"
    );
    env.set_clock(
        b.start
            .checked_add(jiff::SignedDuration::from_hours(24 * 100))
            .unwrap(),
    );
    worker.nudge();
    settle().await;
    assert_eq!(
        env.sink.messages().len(),
        2,
        "nothing after the cancellation"
    );
    unique_ids(&env.sink.messages());
    worker.stop().await;
}
on_both!(confirmation_with_ics_then_cancellation);

async fn reschedule_sends_new_time_and_drops_old_reminders(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let b = env.book(start0(), true).await;
    let worker = env.worker();
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;

    let to = start0()
        .checked_add(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap();
    let moved = env.reschedule(&b, to).await;
    worker.nudge();
    let mails = env.sink.wait_for(2, Duration::from_secs(10)).await;
    let r = &mails[1];
    assert!(r.header("Subject").unwrap().starts_with("Moved: Halo"));
    let text = r.text().unwrap();
    assert!(
        text.contains("Monday, November 30, 2026 at 10:30 AM CST"),
        "{text}"
    );
    assert!(
        text.contains("Was:       Monday, November 23, 2026 at 10:30 AM CST"),
        "{text}"
    );
    let props = ics_properties(&r.ics().unwrap().body);
    assert_eq!(ics_instant(prop(&props, "DTSTART")), to);
    assert_eq!(prop(&props, "SEQUENCE"), "1");
    assert_eq!(env.store.calendar_sequence(b.id).await.unwrap(), 1);

    // The old 48 h reminder's time passes: nothing. The new one's: it arrives, for the new time.
    let old_48h = start0()
        .checked_sub(jiff::SignedDuration::from_hours(48))
        .unwrap();
    env.set_clock(
        old_48h
            .checked_add(jiff::SignedDuration::from_mins(1))
            .unwrap(),
    );
    worker.nudge();
    settle().await;
    assert_eq!(env.sink.messages().len(), 2);
    let new_48h = to
        .checked_sub(jiff::SignedDuration::from_hours(48))
        .unwrap();
    let due: Vec<_> = env
        .rows(&moved)
        .await
        .into_iter()
        .filter(|r| {
            r.status == OutboxStatus::Pending && r.send_after_ms <= new_48h.as_millisecond()
        })
        .collect();
    env.set_clock(new_48h);
    worker.nudge();
    let mails = env
        .sink
        .wait_for(2 + due.len(), Duration::from_secs(10))
        .await;
    let reminder = mails
        .iter()
        .find(|m| m.header("Subject").unwrap().starts_with("Reminder"))
        .unwrap();
    assert!(
        reminder
            .text()
            .unwrap()
            .contains("November 30, 2026 at 10:30 AM")
    );
    worker.stop().await;
}
on_both!(reschedule_sends_new_time_and_drops_old_reminders);

async fn without_smtp_mail_stays_in_the_outbox(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let b = env.book(start0(), false).await;
    let worker = env.spawn(env.store.clone(), env.config().with_smtp(None));
    worker.nudge();
    settle().await;
    assert_eq!(env.sink.connections(), 0);
    let rows = env.rows(&b).await;
    assert_eq!(rows[0].status, OutboxStatus::Pending);
    assert_eq!(rows[0].attempts, 0);
    let summary = env
        .store
        .outbox_summary(env.now().as_millisecond())
        .await
        .unwrap();
    assert_eq!((summary.pending, summary.due, summary.sent), (1, 1, 0));
    assert_eq!(summary.oldest_due_ms, Some(env.now().as_millisecond()));
    worker.stop().await;

    // Configured later: it goes out.
    let worker = env.worker();
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;
    worker.stop().await;
}
on_both!(without_smtp_mail_stays_in_the_outbox);

/// DESIGN: "normally within 10 s of the commit". Nudged, it is immediate; unnudged, one poll.
async fn mail_leaves_soon_after_the_commit(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let mut config = env.config();
    config.poll_interval = Duration::from_secs(1);
    let worker = env.spawn(env.store.clone(), config);
    settle().await;

    let t = Instant::now();
    env.book(start0(), false).await;
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;
    let nudged = t.elapsed();

    let t = Instant::now();
    env.book(start0(), false).await;
    env.sink.wait_for(2, Duration::from_secs(10)).await;
    let polled = t.elapsed();
    eprintln!(
        "commit -> delivered on {}: nudged {nudged:?}, polled {polled:?}",
        env.db.url.split(':').next().unwrap()
    );
    assert!(nudged < Duration::from_secs(2), "{nudged:?}");
    assert!(polled < Duration::from_millis(2500), "{polled:?}");
    worker.stop().await;
}
on_both!(mail_leaves_soon_after_the_commit);
