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
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

pub use bookings::{Stored, answers_of, stored_answers};
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
        let raw = Bytes::from_request(req, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Body too large",
                "The request body is too large",
            )
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
