//! No double booking under concurrency, through the real HTTP server, on both databases.

use crate::api_booking::{booking_body, clear_screening, slots};
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

async fn two_hundred_clients_one_slot(app: TestApp) {
    let slot = slots(&app, "consultation", "2026-12-01", "2026-12-01").await[0].clone();
    let app = Arc::new(app);
    let barrier = Arc::new(tokio::sync::Barrier::new(200));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (app, barrier, slot) = (app.clone(), barrier.clone(), slot.clone());
        tasks.push(tokio::spawn(async move {
            let mut body = booking_body("consultation", slot["start"].as_str().unwrap(), json!({}));
            body["staff_id"] = slot["staff"]["id"].clone();
            body["client"]["email"] = json!(format!("client{i}@example.com"));
            barrier.wait().await;
            let res = app
                .http
                .post(app.url("/api/v1/bookings"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            (status, body)
        }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["code"], "slot_unavailable");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, conflicts), (1, 199));
    assert_eq!(
        app.db.raw_count("SELECT COUNT(*) FROM appointments").await,
        1
    );
    assert_eq!(
        app.db
            .raw_count("SELECT COUNT(*) FROM holds WHERE active = TRUE")
            .await,
        1
    );
}

async fn one_halo_device_two_providers(app: TestApp) {
    // Tuesday 2026-12-08: Dana and Marisol both work and are both qualified for Halo; find a
    // start offered with each of them.
    let s = slots(&app, "halo", "2026-12-08", "2026-12-08").await;
    let start = s
        .iter()
        .map(|x| x["start"].clone())
        .find(|st| s.iter().filter(|x| &x["start"] == st).count() == 2)
        .expect("a start offered with two providers");
    let both: Vec<&Value> = s.iter().filter(|x| x["start"] == start).collect();
    let app = Arc::new(app);
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let mut tasks = Vec::new();
    for (i, slot) in both.iter().enumerate() {
        let (app, barrier) = (app.clone(), barrier.clone());
        let mut body = booking_body("halo", start.as_str().unwrap(), clear_screening());
        body["staff_id"] = slot["staff"]["id"].clone();
        body["client"]["email"] = json!(format!("halo{i}@example.com"));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            app.http
                .post(app.url("/api/v1/bookings"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let left = slots(&app, "halo", "2026-12-08", "2026-12-08").await;
    assert!(
        !left
            .iter()
            .any(|x| x["start"] == "2026-12-08T10:00:00-06:00"),
        "the device is busy for everyone"
    );
}

/// These tests flood the server from one address: rate limiting is off for them.
macro_rules! unlimited_test {
    ($($name:ident),+) => {$(
        mod $name {
            use medspa_testkit::Kind;
            async fn app(kind: Kind) -> Option<crate::common::TestApp> {
                crate::common::spawn_with(kind, |c| c.rate_limit_per_minute = 0).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(app(Kind::Sqlite).await.unwrap()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(app) = app(Kind::Postgres).await else { return };
                super::$name(app).await
            }
        }
    )+};
}

unlimited_test!(two_hundred_clients_one_slot, one_halo_device_two_providers);
