//! Several instances of the binary on one PostgreSQL database (debug build, as the rest of
//! `./scripts/test`: the properties tested - no overlap, every 201 stored, each email once,
//! no stale slot - do not depend on speed, and a release build would double CI time).

use crate::support::{
    KEY, Server, Slot, book, logged_problems, overlaps, slots, slots_between, start, texts,
};
use medspa_testkit::TestDb;
use medspa_testkit::smtp::SmtpSink;
use std::collections::HashMap;
use std::time::Duration;

const INSTANCES: usize = 3;
const REQUESTS: usize = 500;

fn instances(db: &TestDb, sink: &SmtpSink, dir: &std::path::Path) -> Vec<Server> {
    let env = |i: usize| {
        vec![
            ("MEDSPA_DATABASE_URL", db.url.clone()),
            ("MEDSPA_SECRET_KEY", KEY.to_owned()),
            ("MEDSPA_SMTP_URL", sink.url()),
            ("MEDSPA_RATE_LIMIT_PER_MINUTE", "0".to_owned()),
            (
                "MEDSPA_DATA_DIR",
                dir.join(format!("i{i}")).display().to_string(),
            ),
        ]
    };
    // The first creates the demo clinic; the others serve it.
    let mut servers = vec![start(dir, "demo", &env(0))];
    for i in 1..INSTANCES {
        servers.push(start(dir, "serve", &env(i)));
    }
    servers
}

/// Starts offered at least four days ahead (no reminder is due yet, so each booking sends
/// exactly one email), sorted: neighbours overlap for the same staff member.
async fn one_day(http: &reqwest::Client, base: &str) -> Vec<Slot> {
    let today = jiff::Zoned::now().date();
    let mut out: Vec<Slot> = slots(http, base, 12)
        .await
        .into_iter()
        .filter(|s| {
            let d: jiff::civil::Date = s.start[..10].parse().unwrap();
            (d - today).get_days() >= 4
        })
        .collect();
    out.sort_by(|a, b| a.start.cmp(&b.start));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_share_one_database() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start().await;
    let servers = instances(&db, &sink, dir.path());
    let bases: Vec<String> = servers.iter().map(Server::base).collect();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_mins(1))
        .build()
        .unwrap();
    let day = one_day(&http, &bases[0]).await;
    assert!(day.len() >= 20, "{} slots", day.len());
    let before = sink.messages().len();

    // 500 concurrent bookings for overlapping slots, spread over the instances.
    let targets: Vec<Slot> = day.iter().take(60).cloned().collect();
    let mut tasks = Vec::new();
    for n in 0..REQUESTS {
        let (http, base, slot) = (
            http.clone(),
            bases[n % INSTANCES].clone(),
            targets[n % targets.len()].clone(),
        );
        tasks.push(tokio::spawn(async move {
            (n, book(&http, &base, &slot, n).await)
        }));
    }
    let mut created = Vec::new();
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for t in tasks {
        let (n, (status, body)) = t.await.unwrap();
        *statuses.entry(status).or_default() += 1;
        if status == 201 {
            created.push((
                n,
                body["reference"].as_str().unwrap().to_owned(),
                body["manage_token"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(
        statuses.keys().filter(|s| **s != 201 && **s != 409).count(),
        0,
        "only 201 or 409: {statuses:?}\n{}",
        logged_problems(dir.path())
    );
    assert!(created.len() >= 5, "{statuses:?}");
    assert_eq!(overlaps(&db.url).await, 0, "no overlapping holds");
    let stored = texts(
        &db.url,
        "SELECT a.reference FROM appointments a JOIN clients c ON c.id = a.client_id \
         WHERE c.email LIKE 'ops%@example.com'",
    )
    .await;
    assert_eq!(
        stored.len(),
        created.len(),
        "every 201 stored, nothing else"
    );
    for (_, reference, _) in &created {
        assert_eq!(stored.iter().filter(|r| *r == reference).count(), 1);
    }

    // Manage links work on every instance.
    for (i, (_, reference, token)) in created.iter().take(6).enumerate() {
        for base in &bases {
            let res = http
                .get(format!("{base}/api/v1/bookings/{reference}?token={token}"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200, "instance {base}, booking {i}");
        }
    }

    // Each confirmation is sent exactly once across the three outbox workers.
    sink.wait_for(before + created.len(), Duration::from_mins(1))
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = sink.messages().into_iter().skip(before).collect::<Vec<_>>();
    assert!(mails.len() >= created.len(), "{}", mails.len());
    for (n, _, _) in &created {
        let to = format!("ops{n}@example.com");
        let count = mails.iter().filter(|m| m.to.contains(&to)).count();
        assert_eq!(count, 1, "{to} got {count} emails");
    }

    // A slot taken on one instance is not offered by another on its very next request, though
    // that instance had just answered (and cached) the same query.
    let free = slots_between(&http, &bases[2], 14, 40).await;
    assert!(free.len() >= 3, "{} free slots left", free.len());
    for (k, slot) in free.iter().step_by(free.len() / 3).take(3).enumerate() {
        let (taker, watcher) = (&bases[k % INSTANCES], &bases[(k + 1) % INSTANCES]);
        let offered = |slots: &[Slot]| {
            slots
                .iter()
                .any(|s| s.start == slot.start && s.staff == slot.staff)
        };
        let b4 = slots_between(&http, watcher, 14, 40).await;
        eprintln!("before: {} slots, offered {}", b4.len(), offered(&b4));
        assert!(offered(&b4), "offered before");
        let (status, _) = book(&http, taker, slot, 1000 + k).await;
        assert_eq!(status, 201);
        let af = slots_between(&http, watcher, 14, 40).await;
        eprintln!("after: {} slots, offered {}", af.len(), offered(&af));
        assert!(
            !offered(&af),
            "instance {watcher} still offers a slot taken on {taker}"
        );
    }
    // Cancelling on one instance frees the slot on another at once, too.
    let (_, reference, token) = &created[0];
    let res = http
        .post(format!(
            "{}/api/v1/bookings/{reference}/cancel?token={token}",
            bases[1]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res: serde_json::Value = http
        .get(format!(
            "{}/api/v1/bookings/{reference}?token={token}",
            bases[2]
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["status"], "cancelled");
    drop(servers);
}
