//! `/sitemap.xml` (every public page, treatment and post) and `/robots.txt`.

use crate::error::PageError;
use crate::site::blog::xml_escape;
use crate::site::layout::today;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write as _;

/// Public pages that are not generated from content. Add a new public page here.
pub const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/treatments",
    "/blog",
    "/quiz",
    "/book",
    "/book/consultation",
    "/contact",
    "/accessibility",
    "/health-and-safety",
];

/// Most posts listed in the sitemap (the protocol's limit is 50,000 URLs per file).
const MAX_POSTS: u32 = 40_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
}

async fn sitemap(State(app): State<AppState>) -> Result<Response, PageError> {
    let base = &app.config.base_url;
    let clinic = app.clinic();
    let posts = app.store.published_posts(today(&app), 0, MAX_POSTS).await?;
    let mut xml = String::with_capacity(4096 + posts.len() * 128);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, lastmod: Option<String>| {
        let _ = write!(
            xml,
            "<url><loc>{}</loc>",
            xml_escape(&format!("{base}{path}"))
        );
        if let Some(d) = lastmod {
            let _ = write!(xml, "<lastmod>{d}</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    for path in PUBLIC_PAGES {
        url(path, None);
    }
    for s in &clinic.services {
        url(&format!("/treatments/{}", s.slug), None);
    }
    for p in &posts {
        let modified = jiff::Timestamp::from_millisecond(p.updated_at_ms)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .ok()
            .filter(|m| *m > p.published_on.to_string())
            .unwrap_or_else(|| p.published_on.to_string());
        url(&format!("/blog/{}", p.slug), Some(modified));
    }
    xml.push_str("</urlset>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(res)
}

async fn robots(State(app): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /api/\nDisallow: /bookings/\n\
         Disallow: /embed/\n\nSitemap: {}/sitemap.xml\n",
        app.config.base_url
    );
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
