//! Holes found by probing the server as an attacker and as an operator: extreme dates, error
//! shapes, caching of manage answers, audit context, the key across instances, rate limiting
//! behind proxies and kept-alive connections after a 429. Slow connections: `connections.rs`.

use crate::app_test;
use crate::common::{self, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::Duration;

/// Any answer must come within this bound, whatever the dates.
const BOUND: Duration = Duration::from_secs(1);

async fn get_within(app: &TestApp, path: &str) -> reqwest::Response {
    tokio::time::timeout(BOUND, app.get(path))
        .await
        .unwrap_or_else(|_| panic!("{path} did not answer within {BOUND:?}"))
}

async fn assert_problem(res: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "{status}"
    );
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["status"], status.as_u16(), "{p}");
    p
}

fn consultation(start: &str, email: &str) -> Value {
    json!({"service": "consultation", "start": start, "screening": {}, "consent": true,
           "client": {"name": "Iris Vale", "email": email, "phone": "+1 331 555 0123"}})
}

/// The first free consultation start.
async fn first_slot(app: &TestApp) -> String {
    let body: Value = app
        .get("/api/v1/availability?service=consultation&from=2026-11-30&to=2026-12-04")
        .await
        .json()
        .await
        .unwrap();
    body["slots"][0]["start"].as_str().unwrap().to_owned()
}

async fn extreme_dates_answer_at_once(app: TestApp) {
    let windows = [
        ("9999-12-31", "9999-12-31"),
        ("9999-11-01", "9999-12-31"),
        ("0001-01-01", "0001-01-01"),
        ("0001-01-01", "0001-03-03"),
        ("-009999-01-01", "9999-12-31"),
        ("2026-11-25", "9999-12-31"),
        ("1969-12-31", "1970-01-01"),
        ("2027-03-14", "2027-03-14"),
    ];
    for (from, to) in windows {
        let res = get_within(
            &app,
            &format!("/api/v1/availability?service=halo&from={from}&to={to}"),
        )
        .await;
        match res.status() {
            StatusCode::OK => {
                let body: Value = res.json().await.unwrap();
                let slots = body["slots"].as_array().unwrap();
                // Outside today..=horizon nothing is ever offered.
                if from.starts_with("9999") || to.starts_with("0001") || to.starts_with("1970") {
                    assert!(slots.is_empty(), "{from}..{to}: {body}");
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            }
            other => panic!("{from}..{to}: {other}"),
        }
    }
    // Reversed and too-long windows are refused at once, at the edges too.
    for (from, to) in [("9999-12-31", "9999-12-30"), ("0001-01-01", "0001-03-04")] {
        let res = get_within(
            &app,
            &format!("/api/v1/availability?service=halo&from={from}&to={to}"),
        )
        .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    // Seeded random windows over the whole calendar, 62 dates at most.
    let mut seed: u64 = 0x5eed_1234_abcd;
    let mut next = move |n: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        i64::try_from(seed % u64::try_from(n).unwrap()).unwrap()
    };
    let days_in_calendar = jiff::civil::date(1, 1, 1)
        .until(jiff::civil::date(9999, 12, 31))
        .unwrap()
        .get_days();
    for _ in 0..60 {
        let from = jiff::civil::date(1, 1, 1)
            .checked_add(jiff::Span::new().days(next(i64::from(days_in_calendar) + 1)))
            .unwrap();
        let to = from
            .checked_add(jiff::Span::new().days(next(62)))
            .unwrap_or(jiff::civil::date(9999, 12, 31));
        let res = get_within(
            &app,
            &format!("/api/v1/availability?service=halo&from={from}&to={to}"),
        )
        .await;
        assert!(
            matches!(
                res.status(),
                StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{from}..{to}: {}",
            res.status()
        );
    }
    // The HTML flow's date step takes the same dates.
    let res = get_within(&app, "/book?service=halo&from=9999-12-31").await;
    assert!(!res.status().is_server_error(), "{}", res.status());
    let health = get_within(&app, "/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
}

async fn api_errors_are_problems(app: TestApp) {
    // 405 keeps its Allow header.
    let res = app
        .http
        .put(app.url("/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("allow"));
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // 413.
    let big = "x".repeat(2 * 1024 * 1024);
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
    // 414.
    let long = "a".repeat(9000);
    let res = app.get(&format!("/api/v1/services?x={long}")).await;
    assert_problem(res, StatusCode::URI_TOO_LONG, "uri_too_long").await;
    // 400: bad percent-encoding, duplicate parameters, a duplicate manage token.
    for q in [
        "service=halo&from=%zz&to=2026-12-01",
        "service=halo&from=2026-12-01&to=%C3",
        "service=halo&from=2026-12-01&from=2027-01-01&to=2026-12-02",
    ] {
        let res = app.get(&format!("/api/v1/availability?{q}")).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "bad_query").await;
    }
    let res = app.get("/api/v1/bookings/ABCDEF?token=a&token=b").await;
    assert_problem(res, StatusCode::BAD_REQUEST, "bad_query").await;
    // A NUL byte in a reference never reaches the database: a plain 404 on both backends.
    let res = app.get("/api/v1/bookings/AB%00CD?token=x").await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.get("/bookings/AB%00CD?token=x").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A NUL byte inside a header value (raw bytes: no client library sends them).
    let (status, head, body) = raw_request(
        &app.base,
        b"GET /api/v1/bookings/ABCDEF HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\0b\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 400, "{head}");
    assert!(head.contains("application/problem+json"), "{head}");
    assert!(body.contains("\"code\":\"bad_header\""), "{body}");
    let (status, head, _) = raw_request(
        &app.base,
        b"GET /treatments HTTP/1.1\r\nHost: x\r\nCookie: a=\0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 400, "{head}");
    assert!(head.contains("text/html"), "{head}");
    // Text with a NUL byte in a JSON body is refused, never a 500.
    let start = first_slot(&app).await;
    let mut body = consultation(&start, "nul@example.com");
    body["client"]["name"] = json!("Iris\u{0}Vale");
    body["notes"] = json!("note\u{0}");
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    // Pages keep their HTML shape for the same errors.
    let res = app.http.put(app.url("/treatments")).send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let res = app.get(&format!("/treatments?x={long}")).await;
    assert_eq!(res.status(), StatusCode::URI_TOO_LONG);
    assert!(res.text().await.unwrap().contains("<h1"));
}

/// Sends raw bytes and reads until the server closes: (status, head, body).
fn raw_request(base: &str, bytes: &[u8]) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(bytes).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

async fn manage_answers_are_never_cached_and_changes_are_audited(app: TestApp) {
    let start = first_slot(&app).await;
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .json(&consultation(&start, "iris@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let booked: Value = res.json().await.unwrap();
    let reference = booked["reference"].as_str().unwrap();
    let token = booked["manage_token"].as_str().unwrap();
    let res = app
        .get(&format!("/api/v1/bookings/{reference}?token={token}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let entries = app
        .state
        .store
        .audit_entries(Some(("appointment", "")), 10)
        .await
        .unwrap();
    assert!(entries.is_empty(), "filter by entity id works");
    let entries = app.state.store.audit_entries(None, 10).await.unwrap();
    let created = entries
        .iter()
        .find(|e| e.action == "appointment.create")
        .expect("audit entry");
    assert_eq!(created.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(created.request_id.as_deref(), Some(request_id.as_str()));
    // Cancelling is audited with its own request.
    let res = app
        .http
        .post(app.url(&format!("/api/v1/bookings/{reference}/cancel")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cancel_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let entries = app.state.store.audit_entries(None, 10).await.unwrap();
    let cancelled = entries
        .iter()
        .find(|e| e.action == "appointment.cancel")
        .unwrap();
    assert_eq!(cancelled.request_id.as_deref(), Some(cancel_id.as_str()));
    assert_ne!(cancel_id, request_id);
}

async fn another_key_never_gives_a_500(app: TestApp) {
    let start = first_slot(&app).await;
    let body = consultation(&start, "key@example.com");
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .header("Idempotency-Key", "replay-across-instances")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // A second instance wrongly configured with another key (the startup key check refuses
    // this in production; here it runs anyway to prove the fallback): a clear 409, never 500.
    let other = medspa_store::SecretKey::new("another-key-another-key-another-key-123").unwrap();
    let peer = app.peer(other).await;
    let res = peer
        .http
        .post(format!("{}/api/v1/bookings", peer.base))
        .header("Idempotency-Key", "replay-across-instances")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::CONFLICT, "record_unreadable").await;
    // The same key on a second instance replays the first answer.
    let peer = app.peer(medspa_testkit::test_secret()).await;
    let res = peer
        .http
        .post(format!("{}/api/v1/bookings", peer.base))
        .header("Idempotency-Key", "replay-across-instances")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

app_test!(
    extreme_dates_answer_at_once,
    api_errors_are_problems,
    manage_answers_are_never_cached_and_changes_are_audited,
    another_key_never_gives_a_500
);

/// Forged `X-Forwarded-For` from loopback is ignored by default: the limit holds.
async fn forged_forwarded_for_is_ignored_by_default(kind: medspa_testkit::Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.rate_limit_per_minute = 3).await else {
        return;
    };
    let mut statuses = Vec::new();
    for i in 0..6 {
        let res = app
            .http
            .post(app.url("/api/v1/eligibility"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({"service": "consultation", "screening": {}}))
            .send()
            .await
            .unwrap();
        statuses.push(res.status());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        3,
        "{statuses:?}"
    );
}

/// From a configured proxy, the header is believed: each forwarded client has its own budget,
/// and the audit records the client's address.
async fn forwarded_for_from_a_trusted_proxy(kind: medspa_testkit::Kind) {
    let Some(app) = common::spawn_with(kind, |c| {
        c.rate_limit_per_minute = 3;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    for i in 0..6 {
        let res = app
            .http
            .post(app.url("/api/v1/eligibility"))
            .header("x-forwarded-for", format!("192.0.2.77, 203.0.113.{i}"))
            .json(&json!({"service": "consultation", "screening": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "client {i}");
    }
    let mut limited = 0;
    for _ in 0..5 {
        let res = app
            .http
            .post(app.url("/api/v1/eligibility"))
            .header("x-forwarded-for", "203.0.113.200")
            .json(&json!({"service": "consultation", "screening": {}}))
            .send()
            .await
            .unwrap();
        limited += usize::from(res.status() == StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(limited, 2);
    let start = first_slot(&app).await;
    let res = app
        .http
        .post(app.url("/api/v1/bookings"))
        .header("x-forwarded-for", "198.51.100.23")
        .json(&consultation(&start, "proxy@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let entries = app.state.store.audit_entries(None, 5).await.unwrap();
    let created = entries
        .iter()
        .find(|e| e.action == "appointment.create")
        .unwrap();
    assert_eq!(created.ip.as_deref(), Some("198.51.100.23"));
}

/// After a 429, a kept-alive connection stays usable: the refused request's body is read, so
/// the next request on the same connection is answered, not mistaken or reset.
async fn kept_alive_connections_survive_a_429(kind: medspa_testkit::Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.rate_limit_per_minute = 2).await else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_owned();
    let statuses = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let body = r#"{"service":"consultation","screening":{}}"#;
        let mut statuses = Vec::new();
        for _ in 0..8 {
            // Headers and body in separate writes, as slow clients and proxies send them.
            write!(
                s,
                "POST /api/v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .unwrap();
            s.flush().unwrap();
            std::thread::sleep(Duration::from_millis(20));
            s.write_all(body.as_bytes()).unwrap();
            statuses.push(read_response(&mut s));
        }
        statuses
    })
    .await
    .unwrap();
    assert_eq!(&statuses[..2], &[200, 200], "{statuses:?}");
    assert!(statuses[2..].iter().all(|s| *s == 429), "{statuses:?}");
}

/// Reads one HTTP/1.1 response with a `content-length` body; returns its status.
fn read_response(s: &mut std::net::TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).expect("connection kept open");
        assert_eq!(
            n,
            1,
            "connection closed after {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    assert!(!head.contains("connection: close"), "{head}");
    head.split(' ').nth(1).unwrap().parse().unwrap()
}

macro_rules! kind_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(medspa_testkit::Kind::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(medspa_testkit::Kind::Postgres).await;
            }
        }
    )+};
}

kind_test!(
    forged_forwarded_for_is_ignored_by_default,
    forwarded_for_from_a_trusted_proxy,
    kept_alive_connections_survive_a_429
);
