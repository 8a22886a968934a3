//! The home page.

use crate::error::PageError;
use crate::site::{html, layout::Layout};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// A service as listed on the home page.
struct Card {
    slug: String,
    name: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct Home {
    layout: Layout,
    tagline: String,
    services: Vec<Card>,
}

async fn home(State(app): State<AppState>) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let services = clinic
        .services
        .iter()
        .map(|s| Card {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            summary: s.summary.clone(),
        })
        .collect();
    let layout = Layout::new(&app, &clinic.info.name, "/");
    html(&Home {
        layout,
        tagline: clinic.info.tagline.clone(),
        services,
    })
}
