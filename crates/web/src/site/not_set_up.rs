//! Before first-run setup there is no clinic to show: every public page answers 503 with a
//! friendly "this clinic is not set up yet" page (the API with a `not_set_up` problem), while
//! `/healthz`, `/readyz`, the back office (where `/admin/setup` lives) and static assets work.
//! Once setup stores the clinic in [`AppState`], the gate lets everything through.

use crate::error::ApiError;
use crate::site::assets;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "site/not_set_up.html")]
struct NotSetUp {
    css: &'static str,
}

/// Puts `routes` behind the first-run gate.
pub fn gate(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes.layer(from_fn_with_state(state.clone(), check))
}

fn open_before_setup(path: &str) -> bool {
    path == "/healthz"
        || path == "/readyz"
        || path == "/admin"
        || path.starts_with("/admin/")
        || path.starts_with("/static/")
}

async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if open_before_setup(path) || state.clinic().is_configured() {
        return next.run(req).await;
    }
    let mut res = if path.starts_with("/api/") {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_set_up",
            "Not set up yet",
            "This clinic has not been set up yet. Its owner finishes setup at /admin/setup.",
        )
        .into_response()
    } else {
        let body = NotSetUp {
            css: assets::css_url(),
        }
        .render()
        .unwrap_or_else(|_| "<!doctype html><title>Not set up yet</title>".to_owned());
        (StatusCode::SERVICE_UNAVAILABLE, Html(body)).into_response()
    };
    let h = res.headers_mut();
    h.insert(header::RETRY_AFTER, HeaderValue::from_static("300"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
