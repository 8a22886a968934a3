//! Cross-cutting layers: request ids, tracing without personal data, security headers,
//! one shape for every error (problem+json under `/api/`, a page elsewhere) and logging of 5xx
//! causes, the client address and audit context, timeouts, body limits, panics.

use crate::error::{ApiError, ErrorCause, PageError, PageProblem};
use crate::rate_limit::ClientIp;
use crate::site::render_error_page;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use medspa_store::audit::RequestContext;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the routes in every layer, outermost last.
pub fn wrap(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.config.request_timeout, time_limit))
        .layer(RequestBodyTimeoutLayer::new(state.config.body_timeout))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .layer(from_fn_with_state(state.clone(), finish_errors))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(from_fn_with_state(state.clone(), request_context))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // The route pattern, never the raw URI: manage tokens ride in query strings.
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|r| r.header_value().to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("http", method = %req.method(), route, request_id = id)
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_millis(),
                        "response"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone()))
        .layer(SetRequestIdLayer::new(
            X_REQUEST_ID.clone(),
            MakeRequestUuid,
        ))
}

/// Works out the client address once (the trusted-proxy rule in [`ClientIp::from_parts`]),
/// keeps it in the request for the rate limiter and handlers, and runs the request inside a
/// [`RequestContext`] so audit entries record where a change came from.
async fn request_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let ip = ClientIp::from_parts(req.headers(), peer, &state.config.trusted_proxies);
    req.extensions_mut().insert(ip);
    let cx = RequestContext {
        ip: peer.map(|_| ip.0.to_string()),
        request_id: req
            .headers()
            .get(&X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    cx.scope(next.run(req)).await
}

/// Answers `503 timeout` when a request runs longer than the configured limit, and drops its
/// work (the handler's future) so the worker is free again.
async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let Ok(res) = tokio::time::timeout(limit, next.run(req)).await else {
        tracing::warn!("request timed out");
        return if api {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "Request took too long",
                "The server could not answer in time. Please try again in a moment.",
            )
            .into_response()
        } else {
            PageError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "This is taking too long",
                "We couldn't finish that in time. Please try again in a moment, or call us.",
            )
            .into_response()
        };
    };
    res
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    // `finish_errors` turns this into a page outside `/api/`.
    ApiError::internal("panic").into_response()
}

/// The longest request target (path and query) served; longer ones get `414`.
const MAX_URI_LEN: usize = 8 * 1024;

/// Logs 5xx causes with the request id, and renders [`PageProblem`]s as HTML pages.
///
/// Every error leaves in one shape: under `/api/` an `application/problem+json` body with a
/// `code` (also for answers made by layers and the router itself: 405, 413, 414, timeouts,
/// panics), elsewhere the HTML error page.
async fn finish_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let api = req.uri().path().starts_with("/api/");
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    let mut res = if uri_len > MAX_URI_LEN {
        StatusCode::URI_TOO_LONG.into_response()
    } else {
        next.run(req).await
    };
    if let Some(ErrorCause(cause)) = res.extensions_mut().remove::<ErrorCause>() {
        tracing::error!(request_id = %request_id, cause = %cause, "request failed");
    }
    let status = res.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // The rest of the body stays unread: say so, so the client does not reuse the
        // connection for its next request.
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if api && (status.is_client_error() || status.is_server_error()) && !is_problem {
        res.extensions_mut().remove::<PageProblem>();
        return keep_headers(&res, problem_for(status).into_response());
    }
    if !api
        && (status.is_client_error() || status.is_server_error())
        && (is_problem || res.headers().get(header::CONTENT_TYPE).is_none())
        && res.extensions().get::<PageProblem>().is_none()
    {
        res.extensions_mut().insert(page_problem_for(status));
    }
    if let Some(problem) = res.extensions_mut().remove::<PageProblem>() {
        let headers = std::mem::take(res.headers_mut());
        let mut page = render_error_page(&state, &problem, &request_id);
        for (k, v) in &headers {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                page.headers_mut().insert(k.clone(), v.clone());
            }
        }
        return page;
    }
    res
}

/// Copies the headers an error answer must keep (`Allow`, `Retry-After`, `Connection`).
fn keep_headers(from: &Response, mut to: Response) -> Response {
    for name in [header::ALLOW, header::RETRY_AFTER, header::CONNECTION] {
        if let Some(v) = from.headers().get(&name) {
            to.headers_mut().insert(name, v.clone());
        }
    }
    to
}

/// The problem for an error status that reached the edge without one.
fn problem_for(status: StatusCode) -> ApiError {
    let (code, title, detail) = match status.as_u16() {
        400 => (
            "bad_request",
            "Bad request",
            "The request could not be read.",
        ),
        404 => ("not_found", "Not found", "The endpoint was not found."),
        405 => (
            "method_not_allowed",
            "Method not allowed",
            "This endpoint does not accept that method; the Allow header lists those it does.",
        ),
        408 => (
            "request_timeout",
            "Request timeout",
            "The request did not arrive in time.",
        ),
        413 => (
            "body_too_large",
            "Body too large",
            "The request body is too large.",
        ),
        414 => (
            "uri_too_long",
            "URI too long",
            "The request URI is too long.",
        ),
        415 => (
            "unsupported_media_type",
            "Unsupported media type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        429 => (
            "rate_limited",
            "Too many requests",
            "Too many requests; try again later.",
        ),
        503 => (
            "unavailable",
            "Temporarily unavailable",
            "The service is briefly unavailable. Please try again in a moment.",
        ),
        s if s >= 500 => (
            "internal_error",
            "Something went wrong",
            "The server could not complete the request. Please try again.",
        ),
        _ => ("bad_request", "Bad request", "The request was refused."),
    };
    ApiError::new(status, code, title, detail)
}

/// The page for an error status that reached the edge without one.
fn page_problem_for(status: StatusCode) -> PageProblem {
    let (title, message) = match status.as_u16() {
        404 => (
            "Page not found",
            "We couldn't find that page. It may have moved, or the link may be mistyped.",
        ),
        405 => (
            "That didn't work",
            "This page can't be used that way. Go back and use the form or link on the page.",
        ),
        413 => (
            "That was too much to send",
            "What you sent is larger than we accept. Please shorten it and try again.",
        ),
        414 => (
            "That link is too long",
            "The address is longer than we accept. Please check the link and try again.",
        ),
        s if s >= 500 => (
            "Something went wrong",
            "We couldn't complete that just now. Please try again, or call the clinic.",
        ),
        _ => (
            "That didn't work",
            "We couldn't read that request. Please go back and try again.",
        ),
    };
    PageProblem {
        status,
        title: title.to_owned(),
        message: message.to_owned(),
    }
}

/// Content-Security-Policy for every page (no inline script, no framing).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
    frame-ancestors 'none'";

/// Security headers on every response. `/embed/book` may be framed by the configured origins.
async fn security_headers(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let embeddable = req.uri().path().starts_with("/embed/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if embeddable && !state.config.embed_origins.is_empty() {
        CSP.replace(
            "frame-ancestors 'none'",
            &format!("frame-ancestors {}", state.config.embed_origins.join(" ")),
        )
    } else {
        CSP.to_owned()
    };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if !embeddable || state.config.embed_origins.is_empty() {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tower::ServiceExt;

    /// Sets its flag when dropped: proves the timed-out handler's work was abandoned.
    struct Dropped(Arc<AtomicBool>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test]
    async fn a_request_past_the_limit_gets_a_503_problem_and_its_work_is_dropped() {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = dropped.clone();
        let app = Router::new()
            .route(
                "/api/v1/slow",
                axum::routing::get(move || {
                    let guard = Dropped(flag.clone());
                    async move {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        drop(guard);
                        "late"
                    }
                }),
            )
            .route("/api/v1/fast", axum::routing::get(|| async { "ok" }))
            .layer(from_fn_with_state(Duration::from_millis(50), time_limit));
        let res = app
            .clone()
            .oneshot(Request::get("/api/v1/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "timeout");
        assert!(
            dropped.load(Ordering::SeqCst),
            "the handler's future was dropped"
        );
        let res = app
            .oneshot(Request::get("/api/v1/fast").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}
