//! The session cookie and what a handler learns about who is asking.
//!
//! The cookie (`medspa_session`; `__Host-medspa_session` with `Secure` when the base URL is
//! https) holds a random 256-bit id; the database keeps its SHA-256 with the idle and absolute
//! expiry (`store::auth`). It is `HttpOnly` and `SameSite=Lax`, with no `Max-Age`: it ends with
//! the browser, and the server ends it sooner (30 minutes idle, 12 hours absolute).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use medspa_store::User;
use medspa_store::audit::Actor;
use medspa_web::error::PageError;
use medspa_web::rate_limit::ClientIp;

const COOKIE: &str = "medspa_session";
const COOKIE_HTTPS: &str = "__Host-medspa_session";

/// The signed-in user, put in the request by the guard.
#[derive(Clone, Debug)]
pub struct SignedIn(pub User);

/// The signed-in user of a staff route (the guard has checked the role already).
#[derive(Clone, Debug)]
pub struct CurrentUser(pub User);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        parts
            .extensions
            .get::<SignedIn>()
            .map(|s| Self(s.0.clone()))
            .ok_or_else(|| PageError::internal("CurrentUser on a route open to anyone"))
    }
}

/// The signed-in user on a route open to anyone, if there is one.
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<User>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts.extensions.get::<SignedIn>().map(|s| s.0.clone()),
        ))
    }
}

/// Where a request comes from, for the audit log: client IP and request id (the signed-in
/// user, when there is one, is added by [`Meta::actor`]).
#[derive(Clone, Debug)]
pub struct Meta {
    pub ip: String,
    pub request_id: Option<String>,
    user: Option<medspa_core::UserId>,
}

impl Meta {
    /// The same request, acting as `user` (just signed in).
    #[must_use]
    pub fn as_user(&self, user: medspa_core::UserId) -> Self {
        Self {
            user: Some(user),
            ..self.clone()
        }
    }

    /// The audit actor for this request.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user,
            ip: Some(self.ip.clone()),
            request_id: self.request_id.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Self {
            ip: ip.to_string(),
            request_id,
            user: parts.extensions.get::<SignedIn>().map(|s| s.0.id),
        })
    }
}

fn name(https: bool) -> &'static str {
    if https { COOKIE_HTTPS } else { COOKIE }
}

/// The raw session id from the request's cookies.
pub fn read_cookie(headers: &HeaderMap, https: bool) -> Option<String> {
    let name = name(https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(raw: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={raw}; Path=/; HttpOnly; SameSite=Lax{secure}",
        name(https)
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}",
        name(https)
    )
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_round_trip_and_carry_their_flags() {
        let c = set_cookie("abc", false);
        assert_eq!(c, "medspa_session=abc; Path=/; HttpOnly; SameSite=Lax");
        let https = set_cookie("abc", true);
        assert!(https.starts_with("__Host-medspa_session=abc;") && https.ends_with("; Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "x=1; medspa_session=abc; medspa_csrf=z".parse().unwrap(),
        );
        assert_eq!(read_cookie(&h, false).as_deref(), Some("abc"));
        assert_eq!(read_cookie(&h, true), None, "the https name differs");
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
