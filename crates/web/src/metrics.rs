//! An optional Prometheus endpoint, `GET /metrics` (off unless `MEDSPA_METRICS=true`):
//! requests by status class and route kind, a latency histogram, requests in flight, and at
//! scrape time whether the database answers and the outbox's counts. Operational figures
//! only: no personal data, no per-client labels. Block `/metrics` at the reverse proxy or let
//! only the monitoring network reach it.

use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
/// `1xx`..`5xx`.
const CLASSES: usize = 5;
/// Route kinds kept apart: the API, everything else.
const KINDS: [&str; 2] = ["api", "site"];

/// Counters shared by every request of one instance.
pub struct Metrics {
    requests: [[AtomicU64; CLASSES]; 2],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    in_flight: AtomicI64,
    started: Instant,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Default::default(),
            buckets: Default::default(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            started: Instant::now(),
        }
    }
}

impl Metrics {
    fn observe(&self, kind: usize, status: u16, seconds: f64, micros: u64) {
        let class = usize::from(status / 100).clamp(1, CLASSES) - 1;
        self.requests[kind][class].fetch_add(1, Ordering::Relaxed);
        for (i, upper) in BUCKETS.iter().enumerate() {
            if seconds <= *upper {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// The `/metrics` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

/// Records every request (added only when metrics are on).
pub async fn record(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let Some(m) = app.metrics() else {
        return next.run(req).await;
    };
    let kind = usize::from(!req.uri().path().starts_with("/api/"));
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let res = next.run(req).await;
    let elapsed = started.elapsed();
    m.in_flight.fetch_sub(1, Ordering::Relaxed);
    m.observe(
        kind,
        res.status().as_u16(),
        elapsed.as_secs_f64(),
        u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
    );
    res
}

async fn render(State(app): State<AppState>) -> Response {
    let Some(m) = app.metrics() else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "# HELP medspa_http_requests_total HTTP requests answered, by route kind and status class.\n\
         # TYPE medspa_http_requests_total counter"
    );
    for (k, kind) in KINDS.iter().enumerate() {
        for (c, count) in m.requests[k].iter().enumerate() {
            let _ = writeln!(
                out,
                "medspa_http_requests_total{{kind=\"{kind}\",class=\"{}xx\"}} {}",
                c + 1,
                count.load(Ordering::Relaxed)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP medspa_http_request_duration_seconds Time to answer a request.\n\
         # TYPE medspa_http_request_duration_seconds histogram"
    );
    for (i, upper) in BUCKETS.iter().enumerate() {
        let _ = writeln!(
            out,
            "medspa_http_request_duration_seconds_bucket{{le=\"{upper}\"}} {}",
            m.buckets[i].load(Ordering::Relaxed)
        );
    }
    let count = m.count.load(Ordering::Relaxed);
    #[expect(
        clippy::cast_precision_loss,
        reason = "a sum of microseconds in seconds; precision far beyond what monitoring needs"
    )]
    let sum = m.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
    let _ = writeln!(
        out,
        "medspa_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
         medspa_http_request_duration_seconds_sum {sum}\n\
         medspa_http_request_duration_seconds_count {count}\n\
         # HELP medspa_http_requests_in_flight Requests being answered now.\n\
         # TYPE medspa_http_requests_in_flight gauge\n\
         medspa_http_requests_in_flight {}\n\
         # HELP medspa_uptime_seconds Seconds since this instance started serving.\n\
         # TYPE medspa_uptime_seconds gauge\n\
         medspa_uptime_seconds {}",
        m.in_flight.load(Ordering::Relaxed),
        m.started.elapsed().as_secs()
    );
    let db_up = u8::from(app.store.ping().await.is_ok());
    let _ = writeln!(
        out,
        "# HELP medspa_database_up Whether the database answered this scrape.\n\
         # TYPE medspa_database_up gauge\n\
         medspa_database_up {db_up}"
    );
    let now_ms = app.clock.now().as_millisecond();
    if let Ok(s) = app.store.outbox_summary(now_ms).await {
        let _ = writeln!(
            out,
            "# HELP medspa_outbox_messages Emails in the outbox, by status (due: pending and due now).\n\
             # TYPE medspa_outbox_messages gauge\n\
             medspa_outbox_messages{{status=\"pending\"}} {}\n\
             medspa_outbox_messages{{status=\"due\"}} {}\n\
             medspa_outbox_messages{{status=\"sent\"}} {}\n\
             medspa_outbox_messages{{status=\"dead\"}} {}\n\
             medspa_outbox_messages{{status=\"cancelled\"}} {}",
            s.pending, s.due, s.sent, s.dead, s.cancelled
        );
    }
    let mut res = out.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
