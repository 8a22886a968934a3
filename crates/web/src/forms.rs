//! Shared pieces for HTML forms that work without JavaScript and are accessible:
//!
//! - [`PageForm`]: like `axum::Form`, but a body that does not parse is a friendly 400 page.
//!   Declare form fields as `String` with `#[serde(default)]` so a missing field becomes a
//!   validation message, not a parse error; the CSRF layer has already checked `csrf_token`.
//! - [`FormErrors`]: field errors for templates. Each input's `id` is its field name, so the
//!   error summary links (`#email`) land on the field. `templates/site/forms.html` has askama
//!   macros that render labelled inputs with `aria-invalid`, `aria-describedby`, the message
//!   next to the field and the summary at the top (`{% import "site/forms.html" as forms %}`):
//!   `error_summary`, `csrf_field`, `text_field` (any input type: text, email, tel, date),
//!   `textarea`, `checkbox` (consent) and `yes_no` (a fieldset of two radios).
//! - [`invalid`]: sends a re-rendered form with status 422 (keeping what the user typed is the
//!   template's job: pass the submitted strings back in).
//! - [`see_other`]: POST-redirect-GET after a successful submit (303).
//!
//! A typical handler pair:
//! ```ignore
//! async fn show(csrf: CsrfToken, ..) -> Result<Response, PageError> {
//!     html(&ContactPage { csrf: csrf.value(), form: ContactForm::default(), errors: FormErrors::default(), .. })
//! }
//! async fn submit(csrf: CsrfToken, PageForm(form): PageForm<ContactForm>) -> Result<Response, PageError> {
//!     match form.parse() {
//!         Ok(valid) => { store(valid).await?; Ok(see_other("/contact/sent")) }
//!         Err(e) => invalid(&ContactPage { csrf: csrf.value(), form, errors: e.into(), .. }),
//!     }
//! }
//! ```

use crate::error::PageError;
use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use medspa_core::input::{FieldError, InvalidInput};
use serde::de::DeserializeOwned;

/// A urlencoded form body; a body that does not parse is a 400 page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageForm<T>(pub T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Self(v)),
            Err(_) => Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "We couldn't read that form",
                "Something went wrong sending the form. Please go back, reload the page and try \
                 again.",
            )),
        }
    }
}

/// Field errors of one submitted form, in the order the fields appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors {
    errors: Vec<FieldError>,
}

impl From<InvalidInput> for FormErrors {
    fn from(e: InvalidInput) -> Self {
        Self { errors: e.errors }
    }
}

impl FormErrors {
    /// Adds an error for a field.
    pub fn push(&mut self, field: &str, message: &str) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        });
    }

    /// No errors.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many fields are invalid.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// The first message for `field`.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `"true"` when `field` is invalid, for `aria-invalid`.
    pub fn invalid(&self, field: &str) -> &'static str {
        if self.message(field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    /// The ids for `aria-describedby`: the hint (when there is one) and the error message
    /// (when the field is invalid); empty when neither.
    pub fn describedby(&self, field: &str, has_hint: bool) -> String {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{field}-hint"));
        }
        if self.message(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }

    /// Every error, for the summary at the top of the form.
    pub fn all(&self) -> &[FieldError] {
        &self.errors
    }

    /// The page title prefix screen readers hear first: `"Error: "` when invalid.
    pub fn title_prefix(&self) -> &'static str {
        if self.is_empty() { "" } else { "Error: " }
    }
}

/// Renders a form page that failed validation: status 422, never cached.
pub fn invalid<T: Template>(page: &T) -> Result<Response, PageError> {
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `303 See Other` to `path`: the GET after a successful POST.
pub fn see_other(path: &str) -> Response {
    axum::response::Redirect::to(path).into_response()
}

/// Trims a submitted text field and caps its length (in characters) for re-display, so a
/// huge paste is not echoed back whole.
pub fn tidy(value: &str, max_chars: usize) -> String {
    value.trim().chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every macro of `templates/site/forms.html`, rendered with an error on each field.
    #[derive(Template)]
    #[template(
        source = r#"{% import "site/forms.html" as forms %}
{% call forms::error_summary(errors) %}{% call forms::csrf_field(csrf) %}
{% call forms::text_field(errors, "email", "Email", email, "email", "email", "A hint.", true) %}
{% call forms::textarea(errors, "message", "Message", message, "", false) %}
{% call forms::checkbox(errors, "consent", "I agree to the policy", consent, "") %}
{% call forms::yes_no(errors, "pregnant", "Are you pregnant?", pregnant, "") %}"#,
        ext = "html"
    )]
    struct Probe {
        errors: FormErrors,
        csrf: String,
        email: String,
        message: String,
        consent: bool,
        pregnant: String,
    }

    #[test]
    fn macros_render_fields_with_their_errors() {
        let mut errors = FormErrors::default();
        for f in ["email", "message", "consent", "pregnant"] {
            errors.push(f, "Fix this");
        }
        let html = Probe {
            errors,
            csrf: "tok".into(),
            email: "a<b".into(),
            message: String::new(),
            consent: true,
            pregnant: "no".into(),
        }
        .render()
        .unwrap();
        assert!(html.contains("There are 4 problems"));
        assert!(html.contains(r#"<input type="hidden" name="csrf_token" value="tok">"#));
        assert!(
            html.contains(r#"value="a&#60;b""#) || html.contains(r#"value="a&lt;b""#),
            "{html}"
        );
        assert!(html.contains(r#"aria-describedby="email-hint email-error""#));
        assert!(html.contains(
            r#"<label for="message">Message <span class="optional">(optional)</span></label>"#
        ));
        assert!(html.contains(r#"type="checkbox" value="true" checked aria-invalid="true""#));
        assert!(html.contains("<legend>Are you pregnant?</legend>"));
        assert!(
            html.contains(r#"id="pregnant-no" name="pregnant" type="radio" value="no" checked"#)
        );
        assert!(html.contains(r##"<a href="#pregnant">Fix this</a>"##));
        assert!(!html.contains("style="));
    }

    #[test]
    fn describes_fields() {
        let mut e = FormErrors::default();
        assert_eq!(e.describedby("email", false), "");
        assert_eq!(e.invalid("email"), "false");
        e.push("email", "Enter your email address");
        assert_eq!(e.describedby("email", true), "email-hint email-error");
        assert_eq!(e.invalid("email"), "true");
        assert_eq!(e.message("email"), Some("Enter your email address"));
        assert_eq!(e.title_prefix(), "Error: ");
        assert_eq!(tidy("  abc  ", 2), "ab");
    }
}
