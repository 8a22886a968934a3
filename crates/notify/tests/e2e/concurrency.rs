//! Several app instances: two workers on one database (separate pools, as two processes
//! would have) race over 50 due messages; each is delivered exactly once.

use crate::support::*;
use medspa_store::outbox::OutboxStatus;
use medspa_testkit::on_both;
use std::collections::HashSet;
use std::time::{Duration, Instant};

async fn two_workers_deliver_fifty_messages_exactly_once(db: medspa_testkit::TestDb) {
    let env = Env::new(db).await;
    let mut booked = Vec::new();
    for _ in 0..50 {
        booked.push(env.book(start0(), false).await);
    }
    let mut config = env.config();
    config.batch = 4;
    let a = env.spawn(env.store.clone(), config.clone());
    let other = env.second_store().await;
    let b = env.spawn(other.clone(), config);
    let t = Instant::now();
    a.nudge();
    b.nudge();
    let mails = env.sink.wait_for(50, Duration::from_mins(1)).await;
    let elapsed = t.elapsed();
    settle().await;
    let mails_after = env.sink.messages();
    assert_eq!(mails_after.len(), 50, "no message twice");
    let ids: HashSet<String> = unique_ids(&mails).into_iter().collect();

    let mut expected = HashSet::new();
    for booking in &booked {
        let rows = env.rows(booking).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, OutboxStatus::Sent);
        assert_eq!(rows[0].attempts, 1, "no message was claimed twice");
        expected.insert(message_id_of(&rows[0]));
    }
    assert_eq!(ids, expected);
    let by_worker = env
        .strings("SELECT leased_by FROM outbox WHERE status = 'sent'")
        .await;
    let from_a = by_worker.iter().filter(|w| *w == a.handle.id()).count();
    let from_b = by_worker.iter().filter(|w| *w == b.handle.id()).count();
    assert_eq!(from_a + from_b, 50);
    eprintln!(
        "{}: 50 messages by two workers in {elapsed:?}: {from_a} + {from_b}",
        env.db.url.split(':').next().unwrap()
    );
    a.stop().await;
    b.stop().await;
    other.close().await;
}
on_both!(two_workers_deliver_fifty_messages_exactly_once);
