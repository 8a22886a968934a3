//! SMTP down, refusing, or hung; the app killed between write and send; graceful shutdown.
//! Every message is delivered exactly once in the end (counted by Message-ID).

use crate::support::*;
use medspa_store::outbox::{OutboxStatus, RetryPolicy};
use medspa_testkit::on_both;
use std::time::Duration;

async fn smtp_down_then_back_delivers_once(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    env.sink.stop();
    let b = env.book(start0(), false).await;
    let worker = env.worker();
    worker.nudge();

    // First attempt fails to connect: retry in 30 s.
    let rows = env
        .wait_rows(&b, "first failure", |r| {
            r[0].attempts == 1 && r[0].last_error.is_some()
        })
        .await;
    assert_eq!(rows[0].status, OutboxStatus::Pending);
    assert_eq!(rows[0].last_error.as_deref(), Some("connect"));
    assert_eq!(rows[0].send_after_ms, env.now().as_millisecond() + 30_000);

    // Not before the backoff has passed.
    env.advance(Duration::from_secs(29));
    worker.nudge();
    settle().await;
    assert_eq!(env.rows(&b).await[0].attempts, 1);

    // Second failure: the wait doubles.
    env.advance(Duration::from_secs(1));
    worker.nudge();
    let rows = env
        .wait_rows(&b, "second failure", |r| {
            r[0].attempts == 2 && r[0].send_after_ms > env.now().as_millisecond()
        })
        .await;
    assert_eq!(rows[0].send_after_ms, env.now().as_millisecond() + 60_000);

    // The server comes back on the same port; the next attempt delivers.
    env.sink.restart().await;
    env.advance(Duration::from_mins(1));
    worker.nudge();
    let mails = env.sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].message_id().unwrap(), message_id_of(&rows[0]));
    let rows = env
        .wait_rows(&b, "sent", |r| r[0].status == OutboxStatus::Sent)
        .await;
    assert_eq!(rows[0].attempts, 3);
    assert_eq!(rows[0].last_error, None);

    // Never again, however long we wait.
    env.advance(Duration::from_hours(24));
    worker.nudge();
    settle().await;
    assert_eq!(env.sink.messages().len(), 1);
    worker.stop().await;
}
on_both!(smtp_down_then_back_delivers_once);

async fn retry_limit_makes_it_dead_and_requeue_delivers(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    env.sink.refuse_with(Some(451));
    let b = env.book(start0(), false).await;
    let mut config = env.config();
    config.retry = RetryPolicy {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(15),
        max_attempts: 3,
    };
    let worker = env.spawn(env.store.clone(), config);
    for attempt in 1..=3u32 {
        worker.nudge();
        env.wait_rows(&b, "a failed attempt", |r| {
            r[0].attempts == attempt
                && (r[0].status == OutboxStatus::Dead
                    || r[0].send_after_ms > env.now().as_millisecond())
        })
        .await;
        env.advance(Duration::from_secs(15));
    }
    let rows = env
        .wait_rows(&b, "dead", |r| r[0].status == OutboxStatus::Dead)
        .await;
    assert_eq!(rows[0].attempts, 3);
    assert_eq!(rows[0].last_error.as_deref(), Some("smtp 451"));
    assert!(env.sink.messages().is_empty());

    // Visible to staff.
    let summary = env
        .store
        .outbox_summary(env.now().as_millisecond())
        .await
        .unwrap();
    assert_eq!((summary.dead, summary.pending, summary.due), (1, 0, 0));
    let dead = env
        .store
        .outbox_list(Some(OutboxStatus::Dead), 10, 0)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, rows[0].id);
    assert!(
        !format!("{dead:?}").contains(&b.email),
        "Debug hides the recipient"
    );
    // Dead stays dead without a requeue.
    env.advance(Duration::from_hours(1));
    worker.nudge();
    settle().await;
    assert_eq!(env.rows(&b).await[0].status, OutboxStatus::Dead);

    // Requeued after the server is fixed: delivered once.
    env.sink.refuse_with(None);
    assert!(
        env.store
            .outbox_requeue(rows[0].id, env.now().as_millisecond())
            .await
            .unwrap()
    );
    assert!(
        !env.store
            .outbox_requeue(rows[0].id, env.now().as_millisecond())
            .await
            .unwrap(),
        "only dead rows requeue"
    );
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;
    env.wait_rows(&b, "sent", |r| r[0].status == OutboxStatus::Sent)
        .await;

    // A permanent refusal (550) is dead at once, without retries.
    env.sink.refuse_with(Some(550));
    let b2 = env.book(start0(), false).await;
    worker.nudge();
    let rows = env
        .wait_rows(&b2, "dead at once", |r| r[0].status == OutboxStatus::Dead)
        .await;
    assert_eq!(
        (rows[0].attempts, rows[0].last_error.as_deref()),
        (1, Some("smtp 550"))
    );
    settle().await;
    assert_eq!(env.sink.messages().len(), 1);
    worker.stop().await;
}
on_both!(retry_limit_makes_it_dead_and_requeue_delivers);

async fn killed_between_write_and_send_still_delivers_once(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;

    // (a) Written, then the app dies before any worker looked at it; a new one sends it.
    let first = env.book(start0(), false).await;
    let doomed = env.spawn(env.store.clone(), env.config().with_smtp(None));
    doomed.kill().await;
    let worker = env.worker();
    worker.nudge();
    env.sink.wait_for(1, Duration::from_secs(10)).await;
    worker.stop().await;

    // (b) Claimed by a worker that dies mid-conversation (the server hangs, the app is
    // killed): the lease keeps others off until it expires, then it is sent once.
    env.sink.stall(true);
    let second = env.book(start0(), false).await;
    let doomed = env.worker();
    doomed.nudge();
    env.wait_rows(&second, "claimed", |r| r[0].attempts == 1)
        .await;
    while env.sink.connections() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    doomed.kill().await;
    env.sink.stall(false);
    let worker = env.worker();
    worker.nudge();
    settle().await;
    assert_eq!(
        env.sink.messages().len(),
        1,
        "the dead worker's lease still holds"
    );
    env.advance(Duration::from_secs(121));
    worker.nudge();
    let mails = env.sink.wait_for(2, Duration::from_secs(10)).await;
    let rows = env
        .wait_rows(&second, "sent", |r| r[0].status == OutboxStatus::Sent)
        .await;
    assert_eq!(rows[0].attempts, 2);
    settle().await;
    assert_eq!(env.sink.messages().len(), 2);
    let ids = unique_ids(&mails);
    let first_rows = env.rows(&first).await;
    assert!(ids.contains(&message_id_of(&first_rows[0])));
    assert!(ids.contains(&message_id_of(&rows[0])));
    worker.stop().await;
}
on_both!(killed_between_write_and_send_still_delivers_once);

async fn graceful_shutdown_finishes_the_message_in_flight(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let mut booked = Vec::new();
    for _ in 0..3 {
        booked.push(env.book(start0(), false).await);
    }
    env.sink.delay_replies(Some(Duration::from_millis(500)));
    let worker = env.worker();
    worker.nudge();
    while env.sink.connections() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    worker.stop().await;
    // The one in flight was delivered and marked; the rest were handed back untouched.
    assert_eq!(env.sink.messages().len(), 1);
    let mut statuses = Vec::new();
    for b in &booked {
        let r = &env.rows(b).await[0];
        statuses.push((r.status, r.attempts));
    }
    statuses.sort_by_key(|s| s.1);
    assert_eq!(
        statuses,
        [
            (OutboxStatus::Pending, 0),
            (OutboxStatus::Pending, 0),
            (OutboxStatus::Sent, 1)
        ]
    );
    // Another instance picks them up at once (no lease to wait for).
    env.sink.delay_replies(None);
    let worker = env.worker();
    worker.nudge();
    let mails = env.sink.wait_for(3, Duration::from_secs(10)).await;
    unique_ids(&mails);
    worker.stop().await;
}
on_both!(graceful_shutdown_finishes_the_message_in_flight);
