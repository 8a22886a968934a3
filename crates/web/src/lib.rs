//! HTTP for medspa: the public site (askama templates), the JSON API and the back office,
//! on axum. Handlers are thin: extract -> parse into core types -> one store or core call ->
//! view. [`build`] is the one path from configuration to a running router, used by the binary
//! and by the tests alike.

pub mod api;
pub mod booking;
pub mod config;
pub mod csrf;
pub mod error;
pub mod forms;
mod health;
pub mod holds;
pub mod metrics;
mod middleware;
pub mod rate_limit;
pub mod server;
pub mod site;
pub mod state;
pub mod views;

pub use config::AppConfig;
pub use error::{ApiError, PageError};
pub use state::AppState;

use axum::Router;
use std::future::Future;
use tokio::net::TcpListener;

/// The whole application router with every middleware layer.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The whole application with `extra` routes (the back office, mounted by the binary) merged
/// in behind the same layers: request ids, security headers, error pages, rate limit, and the
/// first-run gate ([`site::not_set_up`]).
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let routes = Router::new()
        .merge(health::router())
        .merge(api::router())
        .merge(site::router(&state))
        .merge(extra)
        .fallback(error::not_found);
    let routes = site::not_set_up::gate(routes, &state);
    let routes = rate_limit::apply(routes, &state);
    let routes = if state.metrics().is_some() {
        routes
            .merge(metrics::router())
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                metrics::record,
            ))
    } else {
        routes
    };
    middleware::wrap(routes, &state).with_state(state)
}

/// Serves `router` on `listener` with the default [`server::Limits`] until `shutdown`
/// resolves, then stops accepting connections and lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve_with(listener, router, server::Limits::default(), shutdown).await
}
