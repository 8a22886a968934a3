//! CSRF protection for HTML forms: a signed double-submit cookie plus an `Origin` check.
//!
//! How it works:
//! - A random 16-byte nonce lives in an HttpOnly, `SameSite=Lax` cookie (`medspa_csrf`;
//!   `__Host-medspa_csrf` with `Secure` over HTTPS).
//! - A form carries `<input type="hidden" name="csrf_token" value="{{ csrf }}">`, where the token
//!   is `nonce ‖ issued-at ‖ HMAC-SHA256(key, nonce ‖ issued-at)` (base64url) and the key is
//!   `config.secret.derive("csrf")`. Tokens are valid for [`MAX_AGE`].
//! - On every POST/PUT/PATCH/DELETE behind [`protect`], a present `Origin` must be this site
//!   (the configured base URL or the request's `Host`), and the token (form field `csrf_token`
//!   of a urlencoded body, or the `X-CSRF-Token` header) must verify and name the cookie's
//!   nonce. Anything else is a 403 page; the handler never runs, so nothing is stored.
//! - Inside a cross-site iframe (`/embed/*`) browsers may withhold the cookie; there a token
//!   without a matching cookie is accepted only when the request carries this site's `Origin`,
//!   which a foreign page cannot forge.
//!
//! Using it in a handler (the route must sit behind [`protect`], as the whole public site does):
//! ```ignore
//! async fn form(csrf: CsrfToken) -> Result<Response, PageError> {
//!     html(&MyForm { csrf: csrf.value(), .. })
//! }
//! ```
//! The POST handler needs nothing: the layer has already checked the token (and a form struct
//! may simply not declare `csrf_token`; serde ignores unknown fields). Pages that ask for a
//! token are sent with `Cache-Control: no-store`, and the cookie is set on the first one.

use crate::config::AppConfig;
use crate::error::PageError;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use medspa_store::clock::Clock;
use rand::RngCore;
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use subtle::ConstantTimeEq;

/// The hidden form field's name.
pub const FIELD: &str = "csrf_token";
/// The header a script may send instead of the form field.
pub const HEADER: &str = "x-csrf-token";
/// How long a token stays valid.
pub const MAX_AGE: Duration = Duration::from_hours(24);

const NONCE_LEN: usize = 16;
const MAC_LEN: usize = 32;
const TOKEN_LEN: usize = NONCE_LEN + 8 + MAC_LEN;
const COOKIE: &str = "medspa_csrf";
const COOKIE_HTTPS: &str = "__Host-medspa_csrf";
/// Largest urlencoded body the layer reads to find the token.
const BODY_LIMIT: usize = 1024 * 1024;

/// The token for forms on this page. Extract it in any handler behind [`protect`].
#[derive(Clone)]
pub struct CsrfToken {
    inner: Arc<Inner>,
}

struct Inner {
    config: Arc<AppConfig>,
    clock: Arc<dyn Clock>,
    cookie_nonce: Option<[u8; NONCE_LEN]>,
    fresh_nonce: OnceLock<[u8; NONCE_LEN]>,
    token: OnceLock<String>,
}

impl CsrfToken {
    /// The value for the hidden `csrf_token` field (marks the response as needing the cookie).
    pub fn value(&self) -> String {
        self.inner
            .token
            .get_or_init(|| {
                let nonce = self.nonce();
                let key = self.inner.config.secret.derive("csrf");
                mint(&key, &nonce, now_secs(&*self.inner.clock))
            })
            .clone()
    }

    fn nonce(&self) -> [u8; NONCE_LEN] {
        self.inner.cookie_nonce.unwrap_or_else(|| {
            *self.inner.fresh_nonce.get_or_init(|| {
                let mut n = [0u8; NONCE_LEN];
                rand::rngs::OsRng.fill_bytes(&mut n);
                n
            })
        })
    }

    fn used(&self) -> bool {
        self.inner.token.get().is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        parts.extensions.get::<Self>().cloned().ok_or_else(|| {
            PageError::internal("CsrfToken extracted on a route without csrf::protect")
        })
    }
}

/// Puts `routes` behind the CSRF check and offers a [`CsrfToken`] to their handlers:
/// `csrf::protect(router, &state)`. The public site is wrapped once in `site::router`; the
/// back office wraps its own router the same way.
pub fn protect(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes.layer(from_fn_with_state(state.clone(), layer))
}

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfToken(***)")
    }
}

fn now_secs(clock: &dyn Clock) -> u64 {
    u64::try_from(clock.now().as_second()).unwrap_or(0)
}

async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = state.config.is_https();
    let cookie_nonce = read_cookie(req.headers(), https);
    let path = req.uri().path().to_owned();

    let req = if is_unsafe(req.method()) {
        let key = state.config.secret.derive("csrf");
        match verify(&state, req, &key, now_secs(&*state.clock), cookie_nonce).await {
            Ok(req) => req,
            Err(why) => {
                tracing::warn!(reason = why, "CSRF check refused a request");
                return refused();
            }
        }
    } else {
        req
    };

    let token = CsrfToken {
        inner: Arc::new(Inner {
            config: state.config.clone(),
            clock: state.clock.clone(),
            cookie_nonce,
            fresh_nonce: OnceLock::new(),
            token: OnceLock::new(),
        }),
    };
    let mut req = req;
    req.extensions_mut().insert(token.clone());
    let mut res = next.run(req).await;
    if token.used() {
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(nonce) = token.inner.fresh_nonce.get()
            && let Ok(v) = HeaderValue::from_str(&set_cookie(nonce, https, &path))
        {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

fn is_unsafe(m: &Method) -> bool {
    matches!(
        *m,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Checks Origin and token; returns the request (body restored) when both pass.
async fn verify(
    state: &AppState,
    req: Request,
    key: &[u8; 32],
    now_secs: u64,
    cookie_nonce: Option<[u8; NONCE_LEN]>,
) -> Result<Request, &'static str> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("null").to_owned());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let same_origin = match &origin {
        Some(o) => {
            if !is_same_origin(o, &state.config.base_url, host.as_deref()) {
                return Err("foreign origin");
            }
            true
        }
        None => false,
    };
    let embed = req.uri().path().starts_with("/embed/");

    let header_token = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (req, token) = if let Some(t) = header_token {
        (req, Some(t))
    } else {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err("no token");
        }
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| "unreadable body")?;
        let token = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned());
        (Request::from_parts(parts, Body::from(bytes)), token)
    };
    let token = token.ok_or("no token")?;
    let (nonce, issued) = check_token(key, &token).ok_or("bad token")?;
    if issued > now_secs + 300 || now_secs.saturating_sub(issued) > MAX_AGE.as_secs() {
        return Err("expired token");
    }
    match cookie_nonce {
        Some(c) if bool::from(c.ct_eq(&nonce)) => Ok(req),
        Some(_) => Err("token for another cookie"),
        None if embed && same_origin => Ok(req),
        None => Err("no cookie"),
    }
}

fn refused() -> Response {
    PageError::new(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "For your security we couldn't accept that form. Please go back, reload the page and \
         send it again. If it keeps happening, check that cookies are allowed for this site, \
         or call us.",
    )
    .into_response()
}

/// A token for `nonce` issued at `now_secs`.
fn mint(key: &[u8; 32], nonce: &[u8; NONCE_LEN], now_secs: u64) -> String {
    let mut raw = Vec::with_capacity(TOKEN_LEN);
    raw.extend_from_slice(nonce);
    raw.extend_from_slice(&now_secs.to_be_bytes());
    let mac = mac(key, &raw);
    raw.extend_from_slice(&mac);
    B64.encode(raw)
}

fn mac(key: &[u8; 32], data: &[u8]) -> [u8; MAC_LEN] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(b"medspa/csrf/v1");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The nonce and issue time of a token whose MAC verifies.
fn check_token(key: &[u8; 32], token: &str) -> Option<([u8; NONCE_LEN], u64)> {
    let raw = B64.decode(token.trim()).ok()?;
    if raw.len() != TOKEN_LEN {
        return None;
    }
    let (data, tag) = raw.split_at(NONCE_LEN + 8);
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    m.update(b"medspa/csrf/v1");
    m.update(data);
    m.verify_slice(tag).ok()?;
    let nonce: [u8; NONCE_LEN] = data[..NONCE_LEN].try_into().ok()?;
    let issued = u64::from_be_bytes(data[NONCE_LEN..].try_into().ok()?);
    Some((nonce, issued))
}

fn read_cookie(headers: &HeaderMap, https: bool) -> Option<[u8; NONCE_LEN]> {
    let name = if https { COOKIE_HTTPS } else { COOKIE };
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| B64.decode(v).ok())
        .and_then(|b| b.try_into().ok())
}

fn set_cookie(nonce: &[u8; NONCE_LEN], https: bool, path: &str) -> String {
    let value = B64.encode(nonce);
    if !https {
        return format!("{COOKIE}={value}; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax");
    }
    // Framed by another site, a Lax cookie would never come back: a partitioned
    // `SameSite=None` one may (and the Origin rule above covers browsers that drop it).
    let same_site = if path.starts_with("/embed/") {
        "None; Partitioned"
    } else {
        "Lax"
    };
    format!(
        "{COOKIE_HTTPS}={value}; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite={same_site}"
    )
}

/// Whether `origin` (an `Origin` header) is this site: the configured base URL's origin, or
/// the origin the browser used to reach us (`Host`). `null` never is.
pub fn is_same_origin(origin: &str, base_url: &str, host: Option<&str>) -> bool {
    let origin = origin.trim().trim_end_matches('/');
    if origin.eq_ignore_ascii_case("null") || origin.is_empty() {
        return false;
    }
    let base_origin = base_url.find("://").map_or(base_url, |i| {
        let rest = &base_url[i + 3..];
        let end = rest.find('/').map_or(base_url.len(), |e| i + 3 + e);
        &base_url[..end]
    });
    if origin.eq_ignore_ascii_case(base_origin) {
        return true;
    }
    let authority = origin.split_once("://").map(|(_, a)| a);
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_name_their_nonce() {
        let key = [7u8; 32];
        let nonce = [1u8; NONCE_LEN];
        let t = mint(&key, &nonce, 1_000);
        assert_eq!(check_token(&key, &t), Some((nonce, 1_000)));
        assert_eq!(check_token(&[8u8; 32], &t), None, "another key");
        let mut raw = B64.decode(&t).unwrap();
        raw[0] ^= 1;
        assert_eq!(check_token(&key, &B64.encode(raw)), None, "tampered");
        assert_eq!(check_token(&key, "garbage"), None);
    }

    #[test]
    fn origins() {
        let base = "https://clinic.example";
        assert!(is_same_origin("https://clinic.example", base, None));
        assert!(is_same_origin(
            "http://127.0.0.1:8080",
            base,
            Some("127.0.0.1:8080")
        ));
        assert!(!is_same_origin(
            "https://evil.example",
            base,
            Some("clinic.example")
        ));
        assert!(!is_same_origin("null", base, Some("clinic.example")));
        assert!(is_same_origin(
            "http://127.0.0.1:9",
            "http://127.0.0.1:9/",
            None
        ));
    }

    #[test]
    fn cookie_round_trip() {
        let nonce = [9u8; NONCE_LEN];
        let c = set_cookie(&nonce, false, "/contact");
        let pair = c.split(';').next().unwrap();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, format!("a=b; {pair}").parse().unwrap());
        assert_eq!(read_cookie(&h, false), Some(nonce));
        assert!(set_cookie(&nonce, true, "/embed/book").contains("SameSite=None; Partitioned"));
    }
}
