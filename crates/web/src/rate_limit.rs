//! Rate limiting of public POSTs per client IP (`MEDSPA_RATE_LIMIT_PER_MINUTE`, 0 = off).
//!
//! One token bucket per client IP: `per_minute` tokens, refilled continuously, so a burst of
//! `per_minute` requests passes and then about one request every `60 / per_minute` seconds.
//! A refused request gets 429 with `Retry-After` (whole seconds): `application/problem+json`
//! (`code: rate_limited`) under `/api/`, the friendly error page elsewhere.
//!
//! [`apply`] wraps the whole router once (in `crate::router`): it counts every POST, PUT,
//! PATCH and DELETE except the back office's signed-in actions (`/admin/*` other than
//! `/admin/login`), so new public forms and API routes are covered without doing anything.
//! [`RateLimiter`] is public for a route that wants a second, stricter budget of its own.
//!
//! The client IP is [`ClientIp`]: the TCP peer, or, only when the peer is one of the proxies
//! listed in `MEDSPA_TRUSTED_PROXIES` (none by default, so a forged header from anywhere is
//! ignored), the rightmost untrusted address of its `X-Forwarded-For`. IPv6 clients share a
//! bucket per /64. State lives in memory, per app instance.

use crate::error::{ApiError, PageError};
use crate::state::AppState;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Buckets kept before idle ones are pruned (at most every [`PRUNE_EVERY`]).
const PRUNE_ABOVE: usize = 10_000;
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Past this many active clients the table starts over rather than grow without bound.
const HARD_LIMIT: usize = 200_000;

/// Per-IP token buckets.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<Buckets>,
}

#[derive(Debug)]
struct Buckets {
    map: HashMap<IpAddr, Bucket>,
    pruned: Option<Instant>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per IP per minute (0 = unlimited).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(Buckets {
                map: HashMap::new(),
                pruned: None,
            }),
        }
    }

    /// Takes one token for `ip`; `Err(retry_after)` when the bucket is empty.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut guard = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let buckets = &mut *guard;
        if buckets.map.len() > PRUNE_ABOVE
            && buckets
                .pruned
                .is_none_or(|t| now.saturating_duration_since(t) >= PRUNE_EVERY)
        {
            // A bucket that would be full again holds no information.
            buckets.map.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_second
                    < capacity
            });
            if buckets.map.len() > HARD_LIMIT {
                buckets.map.clear();
            }
            buckets.pruned = Some(now);
        }
        let b = buckets.map.entry(key(ip)).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(b.updated).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_second).min(capacity);
        b.updated = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_second))
        }
    }
}

/// The bucket of an address: IPv4 addresses one by one, IPv6 by their /64 network (one
/// subscriber's block, which they can rotate through freely).
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The client's IP address (see the module docs for proxies). Never fails: without connection
/// info (a router driven in-process) it is `0.0.0.0`. Worked out once per request by
/// [`crate::middleware`] and kept in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The client IP for a request from `peer` with these headers: the peer itself, unless it
    /// is one of the `trusted` proxies; then the rightmost `X-Forwarded-For` address that is
    /// not a trusted proxy (each proxy appends the address it saw, so everything left of the
    /// first untrusted hop could have been written by the client). A malformed entry ends the
    /// walk at the last address known good.
    pub fn from_parts(
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
        trusted: &[ipnet::IpNet],
    ) -> Self {
        let Some(peer) = peer.map(|p| canonical(p.ip())) else {
            return Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        };
        let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip));
        if !is_trusted(peer) {
            return Self(peer);
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = canonical(ip);
            if !is_trusted(client) {
                break;
            }
        }
        Self(client)
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) as plain IPv4, so one rule covers both.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(ip) = parts.extensions.get::<ClientIp>() {
            return Ok(*ip);
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Self::from_parts(&parts.headers, peer, &[]))
    }
}

fn client_ip(req: &Request) -> ClientIp {
    req.extensions()
        .get::<ClientIp>()
        .copied()
        .unwrap_or_else(|| {
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0);
            ClientIp::from_parts(req.headers(), peer, &[])
        })
}

/// Whether a request counts against the public POST budget.
pub fn is_limited(method: &Method, path: &str) -> bool {
    let unsafe_method = matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    // The back office's anonymous forms (sign-in, first-run setup, password reset and
    // invitation links) are public POSTs; everything else under /admin needs a session.
    let anonymous_admin = path == "/admin/login"
        || path == "/admin/setup"
        || path == "/admin/forgot"
        || path.starts_with("/admin/reset/")
        || path.starts_with("/admin/invite/");
    let signed_in_admin = path.starts_with("/admin/") && !anonymous_admin;
    unsafe_method && !signed_in_admin
}

/// Wraps `routes` in the public POST limit from the configuration.
pub fn apply(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let limiter = Arc::new(RateLimiter::new(state.config.rate_limit_per_minute));
    routes.layer(from_fn_with_state(limiter, limit))
}

async fn limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    if is_limited(req.method(), req.uri().path())
        && let Err(wait) = limiter.check(client_ip(&req).0)
    {
        tracing::warn!("public POST rate limit reached");
        let path = req.uri().path().to_owned();
        // Read the refused request's body before answering, so the connection stays in step
        // and usable for the client's next request; a body too big or too slow to drain
        // closes the connection cleanly after the answer instead.
        let drained = tokio::time::timeout(
            DRAIN_TIMEOUT,
            axum::body::to_bytes(req.into_body(), DRAIN_LIMIT),
        )
        .await
        .is_ok_and(|r| r.is_ok());
        let mut res = too_many_requests(&path, wait);
        if !drained {
            res.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        return res;
    }
    next.run(req).await
}

/// How much of a refused request's body is read to keep its connection usable.
const DRAIN_LIMIT: usize = 64 * 1024;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The 429 answer: problem+json under `/api/`, the error page elsewhere, with `Retry-After`.
pub fn too_many_requests(path: &str, retry_after: Duration) -> Response {
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let secs = secs.max(1);
    let mut res = if path.starts_with("/api/") {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
            format!("Too many requests from your address. Try again in {secs} seconds."),
        )
        .into_response()
    } else {
        PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            &format!(
                "We received a lot of requests from your connection in a short time. Please wait \
                 {secs} seconds, then go back and try again, or call us."
            ),
        )
        .into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refills_over_time() {
        let l = RateLimiter::new(3);
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let other: IpAddr = "203.0.113.10".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at(ip, t0).is_ok());
        }
        let wait = l.check_at(ip, t0).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(l.check_at(other, t0).is_ok(), "buckets are per IP");
        assert!(l.check_at(ip, t0 + Duration::from_secs(20)).is_ok());
        assert!(RateLimiter::new(0).check_at(ip, t0).is_ok());
    }

    #[test]
    fn ipv6_shares_a_bucket_per_64() {
        let l = RateLimiter::new(1);
        let t0 = Instant::now();
        assert!(l.check_at("2001:db8:1:2::1".parse().unwrap(), t0).is_ok());
        assert!(
            l.check_at("2001:db8:1:2::ffff".parse().unwrap(), t0)
                .is_err()
        );
        assert!(l.check_at("2001:db8:1:3::1".parse().unwrap(), t0).is_ok());
    }

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        let h = xff("198.51.100.1, 203.0.113.7");
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(ClientIp::from_parts(&h, Some(local), &[]).0, local.ip());
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_gives_the_rightmost_untrusted_hop() {
        let trusted: Vec<ipnet::IpNet> = vec![
            "127.0.0.0/8".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let public: SocketAddr = "198.51.100.50:5000".parse().unwrap();
        // The client forged the first entry; the proxy appended the real address.
        let h = xff("192.0.2.66, 203.0.113.7");
        assert_eq!(
            ClientIp::from_parts(&h, Some(proxy), &trusted).0,
            ip("203.0.113.7")
        );
        // A chain of trusted proxies is skipped from the right.
        let h = xff("192.0.2.66, 203.0.113.7, 10.1.2.3");
        assert_eq!(
            ClientIp::from_parts(&h, Some(proxy), &trusted).0,
            ip("203.0.113.7")
        );
        // Only trusted hops: the leftmost one.
        let h = xff("10.9.9.9, 10.1.2.3");
        assert_eq!(
            ClientIp::from_parts(&h, Some(proxy), &trusted).0,
            ip("10.9.9.9")
        );
        // Garbage stops the walk at the last good hop.
        let h = xff("203.0.113.7, not-an-ip, 10.1.2.3");
        assert_eq!(
            ClientIp::from_parts(&h, Some(proxy), &trusted).0,
            ip("10.1.2.3")
        );
        // No header: the proxy itself.
        assert_eq!(
            ClientIp::from_parts(&HeaderMap::new(), Some(proxy), &trusted).0,
            proxy.ip()
        );
        // An untrusted peer's header is never read.
        assert_eq!(
            ClientIp::from_parts(&xff("203.0.113.7"), Some(public), &trusted).0,
            public.ip()
        );
        // IPv4-mapped peers match IPv4 rules.
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(
            ClientIp::from_parts(&xff("203.0.113.7"), Some(mapped), &trusted).0,
            ip("203.0.113.7")
        );
    }

    #[test]
    fn which_requests_count() {
        assert!(is_limited(&Method::POST, "/contact"));
        assert!(is_limited(&Method::POST, "/api/v1/bookings"));
        assert!(is_limited(&Method::POST, "/admin/login"));
        assert!(!is_limited(&Method::POST, "/admin/users"));
        for anonymous in [
            "/admin/setup",
            "/admin/forgot",
            "/admin/reset/x",
            "/admin/invite/x",
        ] {
            assert!(is_limited(&Method::POST, anonymous), "{anonymous}");
        }
        assert!(!is_limited(&Method::POST, "/admin/users/invite"));
        assert!(!is_limited(&Method::GET, "/contact"));
    }
}
