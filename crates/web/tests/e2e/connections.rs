//! Slow clients cannot starve the server: headers must arrive in time, connections are capped
//! with a clean refusal, and `/healthz` keeps answering.

use crate::common;
use medspa_testkit::Kind;
use medspa_web::server::Limits;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Opens `n` connections that send half a request and then nothing.
async fn half_sent(addr: &str, n: usize) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        held.push(s);
    }
    held
}

async fn healthz_within(app: &common::TestApp, bound: Duration) -> StatusCode {
    tokio::time::timeout(bound, app.get("/healthz"))
        .await
        .expect("/healthz answers in time")
        .status()
}

/// 1,100 half-sent requests (more than the common 1,024 open-file limit) do not stop
/// `/healthz` from answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eleven_hundred_slow_connections_do_not_starve_healthz() {
    rlimit::increase_nofile_limit(8192).unwrap();
    let app = common::spawn_app(Kind::Sqlite).await.unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let held = half_sent(&addr, 1100).await;
    assert_eq!(
        healthz_within(&app, Duration::from_secs(1)).await,
        StatusCode::OK
    );
    drop(held);
}

/// Over the cap, a connection gets a complete 503 problem and a clean close; half-sent
/// requests are cut off after the header timeout, and then the server answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cap_refuses_cleanly_and_the_header_timeout_frees_it() {
    let limits = Limits {
        max_connections: 50,
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let app = common::spawn_limited(Kind::Sqlite, |_| {}, limits)
        .await
        .unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut held = half_sent(&addr, 50).await;
    // The 51st connection: refused with a full answer.
    let mut extra = TcpStream::connect(&addr).await.unwrap();
    extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(3), extra.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(answer.contains("\"code\":\"overloaded\""), "{answer}");
    // The held connections are closed by the server once the header timeout passes.
    for s in &mut held {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("closed by the header timeout")
            .unwrap_or(0);
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }
    assert!(started.elapsed() >= Duration::from_millis(900));
    // Free again.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if let Ok(Ok(res)) = tokio::time::timeout(
            Duration::from_secs(1),
            app.http.get(app.url("/healthz")).send(),
        )
        .await
            && res.status() == StatusCode::OK
        {
            break;
        }
        assert!(Instant::now() < deadline, "/healthz never answered again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
