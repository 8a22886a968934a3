//! Planner tests: which emails a booking, reschedule or cancellation writes, and when.

use super::*;
use jiff::civil::date;
use medspa_core::protocol::library;

fn chicago() -> TimeZone {
    TimeZone::get("America/Chicago").unwrap()
}

fn halo() -> Protocol {
    library::for_service("halo").expect("halo protocol")
}

fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    date(y, m, d)
        .at(h, min, 0, 0)
        .to_zoned(chicago())
        .unwrap()
        .timestamp()
}

fn yes_to_everything(protocol: &Protocol) -> medspa_core::protocol::Answers {
    let mut map = serde_json::Map::new();
    for q in &protocol.screening {
        let v = match q.kind {
            medspa_core::protocol::AnswerKind::YesNo => serde_json::Value::Bool(true),
            medspa_core::protocol::AnswerKind::Date => serde_json::Value::Null,
            medspa_core::protocol::AnswerKind::Choice => serde_json::Value::String("VI".into()),
        };
        map.insert(q.id.clone(), v);
    }
    medspa_core::protocol::Answers::parse(protocol, &map).unwrap()
}

struct Fixture {
    id: AppointmentId,
    zone: TimeZone,
    protocol: Protocol,
    steps: Vec<CareStep>,
}

impl Fixture {
    fn new(start: Timestamp) -> Self {
        let protocol = halo();
        let zone = chicago();
        let answers = yes_to_everything(&protocol);
        let steps = medspa_core::protocol::care_plan(
            &protocol,
            &start.to_zoned(zone.clone()),
            Some(&answers),
        );
        Self {
            id: AppointmentId::new(Uuid::now_v7()),
            zone,
            protocol,
            steps,
        }
    }
    fn plan(&self, start: Timestamp, now: Timestamp) -> MailPlan<'_> {
        MailPlan {
            appointment_id: self.id,
            recipient: "ana@example.com",
            start,
            zone: &self.zone,
            care_plan: &self.steps,
            protocol: &self.protocol,
            reminder_offsets: &DEFAULT_REMINDER_OFFSETS,
            now,
        }
    }
}

#[test]
fn booking_writes_confirmation_reminders_and_future_care_steps() {
    let start = at(2026, 12, 10, 10, 30);
    let now = at(2026, 11, 20, 15, 0);
    let f = Fixture::new(start);
    let msgs = plan_booking_messages(&f.plan(start, now));

    assert_eq!(msgs[0].kind, MailKind::Confirmation);
    assert_eq!(msgs[0].send_after_ms, now.as_millisecond());
    assert!(!msgs[0].payload.care_plan.is_empty());

    let reminders: Vec<_> = msgs
        .iter()
        .filter(|m| m.kind == MailKind::Reminder)
        .collect();
    assert_eq!(reminders.len(), 2);
    assert_eq!(
        reminders[0].send_after_ms,
        start.as_millisecond() - 48 * 3_600_000
    );
    assert_eq!(
        reminders[1].send_after_ms,
        start.as_millisecond() - 2 * 3_600_000
    );
    assert_eq!(reminders[0].payload.reminder_minutes, Some(48 * 60));

    let care: Vec<_> = msgs
        .iter()
        .filter(|m| m.kind == MailKind::CareStep)
        .collect();
    assert!(!care.is_empty());
    for m in &care {
        let local = Timestamp::from_millisecond(m.send_after_ms)
            .unwrap()
            .to_zoned(chicago());
        let step = m.payload.step.as_ref().unwrap();
        assert!(local.timestamp() > now);
        assert!(
            (local.date() == step.date && local.time() == Time::constant(9, 0, 0, 0))
                || (local.date() == step.date.yesterday().unwrap()
                    && local.time() == Time::constant(18, 0, 0, 0)),
            "care email at {local} for a step on {}",
            step.date
        );
    }
    // Every key is unique and names the appointment and the start.
    let mut keys: Vec<_> = msgs.iter().map(|m| m.dedupe_key.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), msgs.len());
    for m in &msgs {
        assert!(m.dedupe_key.starts_with(&f.id.get().to_string()));
        assert!(m.dedupe_key.contains(&start.as_millisecond().to_string()));
        assert_eq!(m.payload.starts_at_ms, Some(start.as_millisecond()));
        assert!(m.send_after_ms >= now.as_millisecond());
    }
}

#[test]
fn steps_that_reveal_a_screening_answer_are_never_emailed() {
    let start = at(2026, 12, 10, 10, 30);
    let now = at(2026, 11, 1, 9, 0);
    let f = Fixture::new(start);
    let conditional: Vec<&str> = f
        .protocol
        .care
        .iter()
        .filter(|r| r.only_if.is_some())
        .map(|r| r.id.as_str())
        .collect();
    assert!(!conditional.is_empty(), "halo has cold-sore steps");
    assert!(
        f.steps
            .iter()
            .any(|s| conditional.contains(&s.rule.as_str())),
        "the client's plan includes them"
    );
    let private_titles: Vec<&str> = f
        .protocol
        .care
        .iter()
        .filter(|r| r.only_if.is_some())
        .map(|r| r.title.as_str())
        .collect();
    let msgs = plan_booking_messages(&f.plan(start, now));
    for m in &msgs {
        let json = m.payload_json();
        for title in &private_titles {
            assert!(!json.contains(title), "{json}");
        }
    }
}

#[test]
fn past_reminders_and_steps_are_skipped() {
    let start = at(2026, 12, 10, 10, 30);
    // Booked 30 hours ahead: the 48 h reminder is already past.
    let now = start.checked_sub(SignedDuration::from_hours(30)).unwrap();
    let f = Fixture::new(start);
    let msgs = plan_booking_messages(&f.plan(start, now));
    let reminders: Vec<_> = msgs
        .iter()
        .filter(|m| m.kind == MailKind::Reminder)
        .collect();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].payload.reminder_minutes, Some(120));
    assert!(msgs.iter().all(|m| m.send_after_ms >= now.as_millisecond()));
}

#[test]
fn day_of_steps_before_an_early_start_go_out_the_evening_before() {
    let start = at(2026, 12, 10, 8, 30);
    let now = at(2026, 11, 1, 9, 0);
    let f = Fixture::new(start);
    let msgs = plan_booking_messages(&f.plan(start, now));
    let day_of: Vec<&str> = f
        .steps
        .iter()
        .filter(|s| {
            s.remind
                && s.date == date(2026, 12, 10)
                && matches!(s.phase, Phase::Day | Phase::Before)
        })
        .map(|s| s.title.as_str())
        .collect();
    assert!(!day_of.is_empty());
    for title in day_of {
        let m = msgs
            .iter()
            .find(|m| m.payload.step.as_ref().is_some_and(|s| s.title == title))
            .expect("day-of step emailed");
        let local = Timestamp::from_millisecond(m.send_after_ms)
            .unwrap()
            .to_zoned(chicago());
        assert_eq!(local.date(), date(2026, 12, 9));
        assert_eq!(local.time(), Time::constant(18, 0, 0, 0));
    }
}

#[test]
fn rewriting_a_booking_is_idempotent_and_a_reschedule_is_fresh() {
    let start = at(2026, 12, 10, 10, 30);
    let now = at(2026, 11, 20, 15, 0);
    let f = Fixture::new(start);
    let first = plan_booking_messages(&f.plan(start, now));
    let again = plan_booking_messages(&f.plan(start, now));
    let keys = |v: &[OutboxMessage]| v.iter().map(|m| m.dedupe_key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&first), keys(&again));

    let moved = at(2026, 12, 11, 14, 0);
    let resched = plan_reschedule_messages(&f.plan(moved, now), start);
    assert_eq!(resched[0].kind, MailKind::Reschedule);
    assert_eq!(
        resched[0].payload.previous_start_ms,
        Some(start.as_millisecond())
    );
    assert!(keys(&resched).iter().all(|k| !keys(&first).contains(k)));
    // Moving back to the original time later still writes fresh reminders.
    let later = now.checked_add(SignedDuration::from_hours(1)).unwrap();
    let back = plan_reschedule_messages(&f.plan(start, later), moved);
    assert!(
        keys(&back)
            .iter()
            .all(|k| !keys(&first).contains(k) && !keys(&resched).contains(k))
    );
    assert!(back.iter().any(|m| m.kind == MailKind::Reminder));

    let cancel = plan_cancel_messages(f.id, "ana@example.com", start, now);
    assert_eq!(cancel.len(), 1);
    assert_eq!(cancel[0].kind, MailKind::Cancellation);
}

#[test]
fn debug_hides_the_recipient_and_kinds_round_trip() {
    let m = OutboxMessage::notice(
        "ana@example.com",
        "Closed",
        "We are closed.",
        "x",
        Timestamp::UNIX_EPOCH,
    );
    assert!(!format!("{m:?}").contains("ana@"));
    for k in [
        "confirmation",
        "reminder",
        "care_step",
        "cancellation",
        "reschedule",
        "notice",
    ] {
        assert_eq!(MailKind::parse(k).unwrap().as_str(), k);
    }
    for s in ["pending", "sent", "dead", "cancelled"] {
        assert_eq!(OutboxStatus::parse(s).unwrap().as_str(), s);
    }
}

#[test]
fn backoff_doubles_and_caps() {
    let p = RetryPolicy::default();
    assert_eq!(p.backoff(1).as_secs(), 30);
    assert_eq!(p.backoff(2).as_secs(), 60);
    assert_eq!(p.backoff(4).as_secs(), 240);
    assert_eq!(p.backoff(8).as_secs(), 3600);
    assert_eq!(p.backoff(100).as_secs(), 3600);
}

/// Writes `msg` inside a transaction whose change then fails or succeeds.
async fn write_in_tx(
    store: &crate::Store,
    msg: &OutboxMessage,
    fail: bool,
) -> Result<u64, crate::StoreError> {
    crate::tx!(store, |tx| {
        let n = insert_outbox!(&mut *tx, msg)?;
        if fail {
            Err(crate::StoreError::Rejected("the booking failed".into()))
        } else {
            Ok(n)
        }
    })
}

/// The rows commit with the transaction that writes them, or not at all; a second write of
/// the same dedupe key adds nothing.
#[tokio::test]
async fn rows_commit_with_their_transaction_only() {
    use crate::{ConnectOptions, DatabaseUrl, SecretKey, Store};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&ConnectOptions {
        url: DatabaseUrl::Sqlite(dir.path().join("m.db")),
        secret: SecretKey::new(&"k".repeat(32)).unwrap(),
        max_connections: 2,
        connect_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let now = Timestamp::UNIX_EPOCH;
    let msg = OutboxMessage::notice("ana@example.com", "Hi", "Body", "t1", now);

    // The change fails after writing its email: the email is gone with it.
    assert!(write_in_tx(&store, &msg, true).await.is_err());
    assert_eq!(store.outbox_summary(0).await.unwrap().pending, 0);

    assert_eq!(write_in_tx(&store, &msg, false).await.unwrap(), 1);
    let again = OutboxMessage::notice("ana@example.com", "Hi", "Body", "t1", now);
    assert_eq!(store.enqueue(&[again]).await.unwrap(), 0, "same dedupe key");
    assert_eq!(store.outbox_summary(0).await.unwrap().pending, 1);
    store.close().await;
}
