//! The back office's stylesheet, embedded and served under a content-hashed name with a
//! year-long immutable cache (pages also load the public site's stylesheet for forms).

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use medspa_web::AppState;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../static/admin.css");

static CSS_URL: LazyLock<String> = LazyLock::new(|| {
    let hash = hex::encode(&Sha256::digest(CSS.as_bytes())[..6]);
    format!("/admin/static/admin.{hash}.css")
});

/// The stylesheet's URL.
pub fn css_url() -> &'static str {
    &CSS_URL
}

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/static/{file}", get(serve))
}

async fn serve(Path(file): Path<String>) -> Response {
    if format!("/admin/static/{file}") != *CSS_URL {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut res = CSS.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}
