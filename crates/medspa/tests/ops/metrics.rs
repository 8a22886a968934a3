//! `GET /metrics` only when `MEDSPA_METRICS=true`, in Prometheus text format.

use crate::support::{KEY, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_only_when_turned_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut env = vec![
        ("MEDSPA_DATA_DIR", data.display().to_string()),
        ("MEDSPA_SECRET_KEY", KEY.to_owned()),
    ];
    let http = reqwest::Client::new();
    let off = start(dir.path(), "demo", &env);
    let res = http
        .get(format!("{}/metrics", off.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    drop(off);
    env.push(("MEDSPA_METRICS", "true".to_owned()));
    let on = start(dir.path(), "serve", &env);
    for path in ["/", "/api/v1/services", "/no-such-page"] {
        http.get(format!("{}{path}", on.base()))
            .send()
            .await
            .unwrap();
    }
    let res = http
        .get(format!("{}/metrics", on.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = res.text().await.unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).map(str::trim))
            .unwrap_or_else(|| panic!("{name} missing in:\n{text}"))
            .parse()
            .unwrap()
    };
    assert!(value("medspa_http_requests_total{kind=\"api\",class=\"2xx\"}") >= 1.0);
    assert!(value("medspa_http_requests_total{kind=\"site\",class=\"4xx\"}") >= 1.0);
    // The health check made by the test harness counts too.
    assert!(value("medspa_http_request_duration_seconds_count") >= 3.0);
    assert!((value("medspa_database_up") - 1.0).abs() < f64::EPSILON);
    assert!(value("medspa_outbox_messages{status=\"dead\"}") >= 0.0);
    assert!(!text.contains("@example.com"), "no personal data");
}
