//! The public website: server-rendered pages that work without JavaScript.

mod assets;
mod home;
pub mod layout;

use crate::error::PageProblem;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().merge(home::router()).merge(assets::router())
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
    let layout = Layout::new(state, &problem.title, "/");
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
