//! The back office under `/admin`: first-run setup, sign-in and sessions, the clinic's day,
//! users. Server-rendered (askama), works without JavaScript, built on the web crate's
//! plumbing: its CSRF and Origin check ([`medspa_web::csrf::protect`]), forms, error pages,
//! rate limit, security headers and the public site's stylesheet. The binary mounts
//! [`router`] with [`medspa_web::router_with`]; the web crate never depends on this one.
//!
//! Who may use which route is one table ([`routes::ROUTES`]) checked by one guard before any
//! handler runs, against the permission table in `medspa_core::access`. Handlers never check
//! roles themselves.

mod assets;
mod login;
mod reset;
mod resources;
pub mod routes;
mod services;
pub mod session;
mod settings;
mod setup;
mod staff;
mod today;
mod users;
mod views;

use axum::middleware::from_fn_with_state;
use axum::{Extension, Router};
use medspa_web::AppState;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings of the back office that the web layer does not have.
#[derive(Clone, Debug, Default)]
pub struct AdminOptions {
    /// The `setup-token` file `medspa serve` wrote on first run, deleted once setup used it.
    pub setup_token_file: Option<PathBuf>,
}

/// The back office's routes, behind the permission guard and the CSRF layer, plus its
/// stylesheet.
pub fn router(state: &AppState, options: AdminOptions) -> Router<AppState> {
    let pages = Router::new()
        .merge(setup::router())
        .merge(login::router())
        .merge(reset::router())
        .merge(today::router())
        .merge(users::router())
        .merge(resources::router())
        .merge(settings::router())
        .merge(staff::router())
        .merge(services::router())
        .route_layer(from_fn_with_state(state.clone(), routes::guard))
        .layer(Extension(Arc::new(options)));
    medspa_web::csrf::protect(pages, state).merge(assets::router())
}
