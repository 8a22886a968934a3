//! The public website: server-rendered pages that work without JavaScript.
//!
//! Every page route sits behind the CSRF layer ([`crate::csrf::protect`]) and has the
//! per-router [`cache::SiteCache`] as an `Extension`. Add a new page module's router to
//! `pages` in [`router`]. Shared pieces for page modules: [`layout::Layout`] (the frame),
//! [`format`] (prices, durations, hours), [`markdown`] (safe Markdown, JSON-LD), [`html`].

pub mod assets;
mod blog;
mod booking;
pub mod cache;
mod contact;
pub mod format;
mod home;
pub mod layout;
pub mod markdown;
pub mod not_set_up;
mod pages;
pub mod quiz;
mod seo;
mod treatments;

use crate::error::PageProblem;
use crate::state::AppState;
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Router};
use layout::Layout;
use std::sync::Arc;

/// The public site's routes (pages behind CSRF protection, plus the static assets).
pub fn router(state: &AppState) -> Router<AppState> {
    let pages = Router::new()
        .merge(home::router())
        .merge(treatments::router())
        .merge(blog::router())
        .merge(seo::router())
        .merge(contact::router())
        .merge(pages::router())
        .merge(quiz::router())
        .merge(booking::router())
        .layer(Extension(Arc::new(cache::SiteCache::default())));
    crate::csrf::protect(pages, state).merge(assets::router())
}

#[derive(Template)]
#[template(path = "site/error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    problem: &'a PageProblem,
    request_id: &'a str,
}

/// Renders a friendly error page (called by the error middleware, which knows the request id).
pub fn render_error_page(state: &AppState, problem: &PageProblem, request_id: &str) -> Response {
    let layout = Layout::new(state, &problem.title, "/").noindex();
    let page = ErrorPage {
        layout,
        problem,
        request_id,
    };
    let body = page.render().unwrap_or_else(|_| {
        format!(
            "<!doctype html><title>{0}</title><h1>{0}</h1>",
            problem.status
        )
    });
    let mut res = (problem.status, Html(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Renders a template into an HTML response.
pub fn html<T: Template>(t: &T) -> Result<Response, crate::error::PageError> {
    Ok(Html(t.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact embed frame compiles and renders with the shared layout.
    #[derive(Template)]
    #[template(
        source = "{% extends \"site/embed_base.html\" %}{% block content %}<h1>Embedded</h1>{% endblock %}",
        ext = "html"
    )]
    struct EmbedProbe {
        layout: Layout,
    }

    #[test]
    fn embed_frame_renders() {
        let layout = Layout {
            clinic_name: "Clinic".into(),
            clinic_phone: "+1 312 555 0100".into(),
            clinic_email: "a@example.com".into(),
            address: String::new(),
            hours: Vec::new(),
            title: "Book".into(),
            title_prefix: "",
            description: String::new(),
            canonical: "http://x/embed/book".into(),
            path: "/embed/book".into(),
            css: "/static/site.css",
            js: "/static/site.js",
            year: 2026,
            og_type: "website",
            published: None,
            json_ld: Vec::new(),
            prev: None,
            next: None,
            noindex: true,
        };
        let html = EmbedProbe { layout }.render().unwrap();
        assert!(html.contains("<h1>Embedded</h1>") && html.contains("tel:+13125550100"));
        assert!(!html.contains("style="));
    }
}
