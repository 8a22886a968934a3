//! The foundation through the real HTTP server: probes, home page, error pages and problems,
//! security headers.

use crate::app_test;
use crate::common;

use common::TestApp;
use reqwest::StatusCode;

async fn health_and_readiness(app: TestApp) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"status": "ok"})
    );
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    // Readiness follows the database: close it and the probe says 503.
    app.state.store.close().await;
    assert_eq!(
        app.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

async fn home_page_names_the_clinic(app: TestApp) {
    let res = app.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    let ct = headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{ct}");
    let body = res.text().await.unwrap();
    assert!(body.contains("<h1>Willowbrook Skin Studio</h1>"), "{body}");
    assert!(body.contains("Halo hybrid fractional laser"));
    // Security headers on every response.
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    assert!(headers.contains_key("x-request-id"));
    assert!(
        !headers.contains_key("strict-transport-security"),
        "no HSTS over plain HTTP"
    );
    // The stylesheet is served under its hashed name with a long cache.
    let css = body
        .split("href=\"/static/site.")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let res = app.get(&format!("/static/site.{css}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        app.get("/static/site.deadbeef.css").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn unknown_paths_get_friendly_errors(app: TestApp) {
    let res = app.get("/no-such-page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Page not found") && body.contains(&id),
        "{body}"
    );
    assert!(body.contains("href=\"/\""));

    let res = app.get("/api/v1/no-such-thing").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["code"], "not_found");
    assert_eq!(p["status"], 404);
    assert!(p["title"].is_string() && p["detail"].is_string());
}

app_test!(
    health_and_readiness,
    home_page_names_the_clinic,
    unknown_paths_get_friendly_errors
);
