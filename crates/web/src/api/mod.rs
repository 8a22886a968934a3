//! The JSON API under `/api/v1` (DESIGN.md "HTTP contract"), its OpenAPI document and docs.
//! Every error is `application/problem+json` with a machine `code` ([`ApiError`]).

mod availability;
mod bookings;
mod catalog;
mod eligibility;
mod openapi;
mod quiz;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

pub use bookings::answers_of;
pub use openapi::ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(catalog::router())
        .merge(availability::router())
        .merge(eligibility::router())
        .merge(bookings::router())
        .merge(quiz::router())
        .merge(openapi::router())
}

/// A JSON body whose rejection is a problem: wrong content type 415, bad syntax 400, a field
/// of the wrong type 422 `validation_failed` naming the field (never echoing its value).
/// Keeps the raw bytes for idempotency hashing.
pub struct ApiJson<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let mime = ct
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json",
            ));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "Body too large",
                    "The request body is too large",
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "body_unreadable",
                    "Body could not be read",
                    "The request body did not arrive in full or in time",
                )
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&raw);
        let malformed = || {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "Malformed JSON",
                "The request body is not valid JSON",
            )
        };
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => {
                de.end().map_err(|_| malformed())?;
                Ok(Self { value, raw })
            }
            Err(e) => {
                let inner = e.inner();
                if inner.is_syntax() || inner.is_eof() {
                    return Err(malformed());
                }
                let path = e.path().to_string();
                let field = if path == "." || path.is_empty() {
                    "body".to_owned()
                } else {
                    path
                };
                Err(ApiError::field(&field, "has the wrong type"))
            }
        }
    }
}

/// Query parameters whose rejection is a problem: 400 `bad_query` for a parameter given twice
/// or a malformed (percent-encoding) query string, naming the problem but not the value.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        for (key, _) in form_urlencoded::parse(query.as_bytes()) {
            if !seen.insert(key.clone()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_query",
                    "Bad query string",
                    format!("The parameter `{}` is given more than once", clip(&key)),
                ));
            }
        }
        if !percent_encoding_ok(query) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                "Bad query string",
                "The query string has a malformed percent-encoding or is not UTF-8",
            ));
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_query",
                    "Bad query string",
                    "The query string could not be read",
                )
            })
    }
}

/// A parameter name, shortened for a message (names are ours; values are never echoed).
fn clip(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// Every `%` starts two hex digits, and the decoded query is UTF-8.
fn percent_encoding_ok(query: &str) -> bool {
    let b = query.as_bytes();
    let mut i = 0;
    let mut decoded = Vec::with_capacity(b.len());
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| char::from(c).to_digit(16);
                let (Some(hi), Some(lo)) = (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                ) else {
                    return false;
                };
                decoded.push(u8::try_from(hi * 16 + lo).unwrap_or_default());
                i += 3;
            }
            c => {
                decoded.push(c);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::percent_encoding_ok;

    #[test]
    fn percent_encoding() {
        assert!(percent_encoding_ok("service=halo&from=2026-12-01"));
        assert!(percent_encoding_ok("q=caf%C3%A9"));
        assert!(!percent_encoding_ok("q=%"));
        assert!(!percent_encoding_ok("q=%zz"));
        assert!(!percent_encoding_ok("q=%C3"));
        assert!(!percent_encoding_ok("q=%FF"));
    }
}
