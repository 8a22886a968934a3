//! Crash safety: the binary is killed with SIGKILL at random moments under booking load, 20
//! times on SQLite and 20 times on PostgreSQL, and restarted each time. Afterwards every
//! booking that got a 201 exists exactly once, a request whose answer was lost gets the same
//! booking when retried with its idempotency key, nothing overlaps, and every booking's
//! confirmation email was delivered after the restarts, all copies with one Message-ID.
//!
//! Email delivery is at least once by nature (a kill between the SMTP server's "250 OK" and
//! the outbox row being marked sent cannot be told apart from a kill before it): the outbox
//! re-sends such a message after its lease with the same `Message-ID`, which receiving mail
//! systems use to drop duplicates. The test asserts exactly one `Message-ID` per booking and
//! counts copies beyond the first; each can only come from a kill inside that window.

use crate::support::{KEY, Server, Slot, book, overlaps, slots_between, start, texts};
use medspa_testkit::TestDb;
use medspa_testkit::smtp::SmtpSink;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const KILLS: usize = 20;
const CLIENTS: usize = 6;

/// Slots that do not overlap one another (per staff member), at least four days ahead.
async fn distinct_slots(http: &reqwest::Client, base: &str) -> Vec<Slot> {
    let mut taken: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    let mut out = Vec::new();
    for s in slots_between(http, base, 4, 62).await {
        let t: jiff::Timestamp = s.start.parse().unwrap();
        let (a, b) = (t.as_millisecond(), t.as_millisecond() + 30 * 60_000);
        let mine = taken.entry(s.staff.clone()).or_default();
        if mine.iter().any(|(x, y)| a < *y && *x < b) {
            continue;
        }
        mine.push((a, b));
        out.push(s);
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Created(String),
    Unknown,
}

type Outcomes = Arc<std::sync::Mutex<HashMap<usize, Outcome>>>;

/// Retries every request whose answer was lost, with the same idempotency key: it must come
/// back as the booking that was made (replayed) or be made now, never a second booking.
async fn retry_unknown(
    http: &reqwest::Client,
    server: &Server,
    slots: &[Slot],
    outcomes: &Outcomes,
) {
    let unknown: Vec<usize> = outcomes
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, v)| **v == Outcome::Unknown)
        .map(|(k, _)| *k)
        .collect();
    for n in unknown {
        let (status, body) = book(http, &server.base(), &slots[n], n).await;
        assert_eq!(status, 201, "retry of {n}: {body}");
        let reference = body["reference"].as_str().unwrap().to_owned();
        outcomes
            .lock()
            .unwrap()
            .insert(n, Outcome::Created(reference));
    }
}

async fn crash_loop(kind: &str, url: &str, env: Vec<(&'static str, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start().await;
    let mut env = env;
    env.extend([
        ("MEDSPA_SMTP_URL", sink.url()),
        ("MEDSPA_RATE_LIMIT_PER_MINUTE", "0".to_owned()),
        ("MEDSPA_MAIL_LEASE_SECONDS", "4".to_owned()),
        ("MEDSPA_SECRET_KEY", KEY.to_owned()),
    ]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let first = start(dir.path(), "demo", &env);
    let slots = Arc::new(distinct_slots(&http, &first.base()).await);
    assert!(slots.len() >= 120, "{} distinct slots", slots.len());
    drop(first);
    let next = Arc::new(AtomicUsize::new(0));
    let outcomes: Outcomes = Arc::default();
    let mut kill_points = Vec::new();
    // Each round may use its share of the slots, so twenty rounds never run out; a client
    // pauses briefly between bookings so that kills land while requests are in flight.
    let per_client = (slots.len() / (KILLS + 1) / CLIENTS).max(1);
    for round in 0..KILLS {
        let server = start(dir.path(), "serve", &env);
        retry_unknown(&http, &server, &slots, &outcomes).await;
        let mut load = Vec::new();
        for _ in 0..CLIENTS {
            let (http, base, slots, next, outcomes) = (
                http.clone(),
                server.base(),
                slots.clone(),
                next.clone(),
                outcomes.clone(),
            );
            load.push(tokio::spawn(async move {
                for _ in 0..per_client {
                    let n = next.fetch_add(1, Ordering::AcqRel);
                    if n >= slots.len() {
                        return;
                    }
                    let (status, body) = book(&http, &base, &slots[n], n).await;
                    let outcome = match status {
                        201 => Outcome::Created(body["reference"].as_str().unwrap().to_owned()),
                        0 => Outcome::Unknown,
                        other => panic!("booking {n}: {other} {body}"),
                    };
                    outcomes.lock().unwrap().insert(n, outcome.clone());
                    if outcome == Outcome::Unknown {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
            }));
        }
        // A pseudo-random moment (fixed seed per round, so a failure can be replayed).
        let mixed = (round as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        let wait = 20 + mixed % 180;
        kill_points.push(wait);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        drop(server); // SIGKILL, then reap
        for t in load {
            t.await.unwrap();
        }
        assert!(
            next.load(Ordering::Acquire) < slots.len(),
            "ran out of slots in round {round}"
        );
    }
    // The last restart: retry what is unknown, then let the outbox drain.
    let server = start(dir.path(), "serve", &env);
    retry_unknown(&http, &server, &slots, &outcomes).await;
    let outcomes = outcomes.lock().unwrap().clone();
    let references: HashSet<String> = outcomes
        .values()
        .map(|o| match o {
            Outcome::Created(r) => r.clone(),
            Outcome::Unknown => unreachable!(),
        })
        .collect();
    assert_eq!(references.len(), outcomes.len(), "one booking per request");
    let stored = texts(
        url,
        "SELECT a.reference FROM appointments a JOIN clients c ON c.id = a.client_id \
         WHERE c.email LIKE 'ops%@example.com'",
    )
    .await;
    assert_eq!(
        stored.len(),
        references.len(),
        "nothing more stored than answered"
    );
    for r in &references {
        assert_eq!(
            stored.iter().filter(|s| *s == r).count(),
            1,
            "{r} stored once"
        );
    }
    assert_eq!(overlaps(url).await, 0);
    // Every booking's confirmation arrives (leases of killed workers expire after 4 s).
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    let (ids, copies) = loop {
        let (ids, copies) = tally(&sink);
        if ids.len() >= outcomes.len() || std::time::Instant::now() > deadline {
            break (ids, copies);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(ids.len(), outcomes.len(), "every booking's email was sent");
    for (to, set) in &ids {
        assert_eq!(set.len(), 1, "{to}: one Message-ID, got {set:?}");
    }
    let duplicates = copies - ids.len();
    eprintln!(
        "{kind}: {KILLS} kills at {kill_points:?} ms; {} slots, {} bookings, {} emails, {duplicates} \
         re-sent copies (same Message-ID)",
        slots.len(),
        outcomes.len(),
        ids.len()
    );
    assert!(duplicates <= KILLS, "at most one re-send per kill");
    drop(server);
    drop::<Server>(start(dir.path(), "serve", &env));
}

/// Message-IDs per test recipient, and how many copies arrived in all.
fn tally(sink: &SmtpSink) -> (HashMap<String, HashSet<String>>, usize) {
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    let mut copies = 0;
    for m in sink.messages() {
        for to in m.to.iter().filter(|t| t.starts_with("ops")) {
            ids.entry(to.clone())
                .or_default()
                .insert(m.message_id().unwrap_or_default());
            copies += 1;
        }
    }
    (ids, copies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_under_load_loses_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("medspa.db");
    let url = format!("sqlite://{}", db.display());
    crash_loop(
        "sqlite",
        &url,
        vec![("MEDSPA_DATA_DIR", dir.path().display().to_string())],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_under_load_loses_nothing_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    crash_loop(
        "postgres",
        &db.url,
        vec![
            ("MEDSPA_DATABASE_URL", db.url.clone()),
            ("MEDSPA_DATA_DIR", dir.path().display().to_string()),
        ],
    )
    .await;
}
