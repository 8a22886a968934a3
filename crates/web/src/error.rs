//! Errors as responses. API errors are RFC 9457 `application/problem+json` with a machine
//! `code`; page errors are friendly HTML pages (plain words, a way home, the request id).
//!
//! A 5xx never names its cause in the body: the cause rides in a response extension to the
//! middleware that logs it next to the request id ([`crate::middleware`]).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use medspa_core::input::InvalidInput;
use medspa_store::StoreError;
use serde_json::{Map, Value, json};

/// The internal cause of a 5xx, for the logging middleware only.
#[derive(Clone, Debug)]
pub struct ErrorCause(pub String);

/// A problem to show as an HTML page, rendered by the middleware that knows the request id.
#[derive(Clone, Debug)]
pub struct PageProblem {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
}

/// An error from a JSON API handler.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: String,
    pub detail: String,
    /// Extra members of the problem object (e.g. `errors`, `alternatives`).
    pub extra: Map<String, Value>,
    cause: Option<String>,
}

impl ApiError {
    /// A problem with a status, code, title and detail.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            title: title.to_owned(),
            detail: detail.into(),
            extra: Map::new(),
            cause: None,
        }
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Not found",
            format!("{what} was not found"),
        )
    }

    /// 422 `validation_failed` for one field.
    pub fn field(field: &str, message: &str) -> Self {
        InvalidInput::field(field, message).into()
    }

    /// Adds a member to the problem object.
    #[must_use]
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    /// 500 with a logged (never shown) cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong",
            "The server could not complete the request. Please try again; if it keeps happening, contact the clinic.",
        );
        e.cause = Some(cause.to_string());
        e
    }

    /// 503 when the database is unreachable.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Temporarily unavailable",
            "The service is briefly unavailable. Please try again in a moment.",
        );
        e.cause = Some(cause.to_string());
        e
    }
}

impl From<InvalidInput> for ApiError {
    fn from(e: InvalidInput) -> Self {
        let detail = match e.errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Invalid request",
            detail,
        )
        .with("errors", json!(e.errors))
    }
}

impl ApiError {
    /// 409 `record_unreadable`: stored health data could not be decrypted (a key that does not
    /// match, or damaged data). Nothing was changed; the cause is logged, never shown.
    pub fn unreadable(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "record_unreadable",
            "Booking record cannot be read",
            "We could not open part of this booking's record, so nothing was changed. The clinic \
             has been told and will contact you; you can also call us.",
        );
        e.cause = Some(cause.to_string());
        e
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("The resource"),
            StoreError::Unseal => Self::unreadable(StoreError::Unseal),
            StoreError::InvalidText => Self::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "Bad request",
                "Text fields must not contain NUL bytes",
            ),
            e if e.is_unavailable() => Self::unavailable(e),
            e => Self::internal(e),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::JsonSyntaxError(_) => Self::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "Malformed JSON",
                "The request body is not valid JSON",
            ),
            JsonRejection::JsonDataError(e) => {
                let text = e.body_text();
                let field = serde_field(&text).unwrap_or_else(|| "body".to_owned());
                Self::field(&field, "is missing or has the wrong type")
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Body too large",
                "The request body is too large",
            ),
            _ => Self::new(
                StatusCode::BAD_REQUEST,
                "body_unreadable",
                "Body could not be read",
                "The request body did not arrive in full or in time",
            ),
        }
    }
}

/// The field a serde error names ("missing field `service`", "at line 1 column 9" paths).
fn serde_field(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    Some(text[start..end].to_owned())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert(
            "type".into(),
            json!(format!("https://medspa.dev/problems/{}", self.code)),
        );
        body.insert("title".into(), json!(self.title));
        body.insert("status".into(), json!(self.status.as_u16()));
        body.insert("detail".into(), json!(self.detail));
        body.insert("code".into(), json!(self.code));
        body.extend(self.extra);
        let mut res = (self.status, Json(Value::Object(body))).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(cause) = self.cause {
            res.extensions_mut().insert(ErrorCause(cause));
        }
        res
    }
}

/// An error from an HTML page handler.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: String,
    message: String,
    cause: Option<String>,
}

impl PageError {
    /// A page with a status, a title and a plain-words message.
    pub fn new(status: StatusCode, title: &str, message: &str) -> Self {
        Self {
            status,
            title: title.to_owned(),
            message: message.to_owned(),
            cause: None,
        }
    }

    /// 404.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Page not found",
            "We couldn't find that page. It may have moved, or the link may be mistyped.",
        )
    }

    /// 500 with a logged cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "We couldn't complete that just now. Please try again, or call the clinic.",
        );
        e.cause = Some(cause.to_string());
        e
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            StoreError::Unseal => {
                let mut page = Self::new(
                    StatusCode::CONFLICT,
                    "We couldn't open this booking's record",
                    "Part of this booking's record could not be read, so nothing was changed. \
                     The clinic has been told and will contact you; you can also call us.",
                );
                page.cause = Some(StoreError::Unseal.to_string());
                page
            }
            StoreError::InvalidText => Self::new(
                StatusCode::BAD_REQUEST,
                "Something in the form couldn't be read",
                "A field held a character we can't store. Please go back, retype it and try again.",
            ),
            e => Self::internal(e),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        res.extensions_mut().insert(PageProblem {
            status: self.status,
            title: self.title,
            message: self.message,
        });
        if let Some(cause) = self.cause {
            res.extensions_mut().insert(ErrorCause(cause));
        }
        res
    }
}

/// Fallback for unknown paths: a problem under `/api`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found("The endpoint").into_response()
    } else {
        PageError::not_found().into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_field_names() {
        assert_eq!(
            serde_field("missing field `service` at line 1").as_deref(),
            Some("service")
        );
        assert_eq!(serde_field("nothing"), None);
    }
}
