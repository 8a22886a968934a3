//! `/contact`: the clinic's details and a message form (Name, Email, Phone optional,
//! message). POST-redirect-GET to `/contact/sent`.
//!
//! Spam: a honeypot field (`website`, hidden from people and assistive technology) that only
//! robots fill; a filled one is answered like a success and nothing is stored. Floods are
//! stopped by the public POST rate limit ([`crate::rate_limit`]) and forgeries by the CSRF
//! layer ([`crate::csrf`]) before this handler runs.

use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::forms::{FormErrors, PageForm, invalid, see_other, tidy};
use crate::site::html;
use crate::site::layout::Layout;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use medspa_core::input::{Email, InvalidInput, PersonName, Phone};
use medspa_store::contact::NewContactMessage;
use serde::Deserialize;

/// Longest message accepted, in characters.
pub const MESSAGE_MAX: usize = 5000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contact", get(show).post(submit))
        .route("/contact/sent", get(sent))
}

/// The submitted fields, kept as typed for re-display.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// Honeypot: hidden from people, so only robots fill it.
    pub website: String,
}

impl ContactForm {
    /// Validates every field, reporting each problem against its field in form order.
    fn parse(&self) -> Result<NewContactMessage, InvalidInput> {
        let mut errors = InvalidInput::default();
        let name = PersonName::parse(&self.name, "name").map_err(|e| errors.extend(e));
        let email = Email::parse(&self.email, "email").map_err(|e| errors.extend(e));
        let phone = if self.phone.trim().is_empty() {
            Ok(None)
        } else {
            Phone::parse(&self.phone, "phone")
                .map(Some)
                .map_err(|e| errors.extend(e))
        };
        let message = self.message.trim();
        if message.is_empty() {
            errors.push("message", "Enter your message");
        } else if message.chars().count() > MESSAGE_MAX {
            errors.push(
                "message",
                format!("Message must be {MESSAGE_MAX} characters or fewer"),
            );
        }
        match (name, email, phone) {
            (Ok(name), Ok(email), Ok(phone)) if errors.is_empty() => Ok(NewContactMessage {
                name,
                email,
                phone,
                message: message.to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// What to show again: trimmed, capped, honeypot dropped.
    fn redisplay(&self) -> Self {
        Self {
            name: tidy(&self.name, 200),
            email: tidy(&self.email, 300),
            phone: tidy(&self.phone, 50),
            message: tidy(&self.message, MESSAGE_MAX + 100),
            website: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "site/contact.html")]
struct ContactPage {
    layout: Layout,
    csrf: String,
    form: ContactForm,
    errors: FormErrors,
}

async fn show(State(app): State<AppState>, csrf: CsrfToken) -> Result<Response, PageError> {
    let page = ContactPage {
        layout: layout(&app),
        csrf: csrf.value(),
        form: ContactForm::default(),
        errors: FormErrors::default(),
    };
    html(&page)
}

fn layout(app: &AppState) -> Layout {
    Layout::new(app, "Contact us", "/contact")
        .describe("Call, email or send us a message. We reply within one working day.")
}

async fn submit(
    State(app): State<AppState>,
    csrf: CsrfToken,
    PageForm(form): PageForm<ContactForm>,
) -> Result<Response, PageError> {
    if !form.website.trim().is_empty() {
        tracing::info!("contact form honeypot filled; message dropped");
        return Ok(see_other("/contact/sent"));
    }
    match form.parse() {
        Ok(message) => {
            let now = app.clock.now().as_millisecond();
            app.store.add_contact_message(&message, now).await?;
            app.mail_nudge();
            Ok(see_other("/contact/sent"))
        }
        Err(e) => {
            let errors = FormErrors::from(e);
            let page = ContactPage {
                layout: layout(&app).title_prefix(errors.title_prefix()),
                csrf: csrf.value(),
                form: form.redisplay(),
                errors,
            };
            invalid(&page)
        }
    }
}

#[derive(Template)]
#[template(path = "site/contact_sent.html")]
struct SentPage {
    layout: Layout,
}

async fn sent(State(app): State<AppState>) -> Result<Response, PageError> {
    let layout = Layout::new(&app, "Message sent", "/contact/sent").noindex();
    html(&SentPage { layout })
}
