//! Static assets embedded in the binary, served under content-hashed names with a year-long
//! immutable cache, so a new release never shows a stale stylesheet.

use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fnv::hash8;
use std::sync::LazyLock;

const CSS: &str = include_str!("../../static/site.css");
const JS: &str = include_str!("../../static/site.js");
/// The clinic's mark (the header's brand shape) as the browser tab icon.
const FAVICON: &str = include_str!("../../static/favicon.svg");

struct Asset {
    url: String,
    body: &'static str,
    content_type: &'static str,
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        Asset {
            url: format!("/static/site.{}.css", hash8(CSS)),
            body: CSS,
            content_type: "text/css; charset=utf-8",
        },
        Asset {
            url: format!("/static/site.{}.js", hash8(JS)),
            body: JS,
            content_type: "text/javascript; charset=utf-8",
        },
    ]
});

/// The stylesheet's URL.
pub fn css_url() -> &'static str {
    &ASSETS[0].url
}

/// The script's URL (progressive enhancement only).
pub fn js_url() -> &'static str {
    &ASSETS[1].url
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(serve))
        .route("/favicon.svg", get(favicon))
        // Browsers ask for /favicon.ico on their own; every current one accepts the SVG.
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, HeaderValue::from_static("/favicon.svg"))],
                )
            }),
        )
}

async fn favicon() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        FAVICON,
    )
        .into_response()
}

async fn serve(Path(file): Path<String>) -> Response {
    let wanted = format!("/static/{file}");
    match ASSETS.iter().find(|a| a.url == wanted) {
        Some(a) => {
            let mut res = a.body.into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.content_type),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A tiny content hash for cache-busting names (FNV-1a, 64-bit, as 8 hex digits).
mod fnv {
    pub fn hash8(s: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{:08x}", h >> 32)
    }
}
