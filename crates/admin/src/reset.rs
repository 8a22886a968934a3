//! Passwords from emailed links: `/admin/forgot` sends a reset link (30 minutes, once) through
//! the outbox and answers the same whether or not the address has an account;
//! `/admin/reset/{token}` and `/admin/invite/{token}` let the link's user choose a password
//! under the same rule as everywhere (12+ characters, not a common one). Using a link kills
//! it and every other pending link of that user, and ends their sessions.

use crate::session::Meta;
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::password::Password;
use medspa_store::StoreError;
use medspa_store::auth::{LinkMail, TokenPurpose};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/forgot", get(forgot_form).post(forgot))
        .route("/admin/reset/{token}", get(reset_form).post(reset))
        .route(
            "/admin/invite/{token}",
            get(invite_form).post(accept_invite),
        )
}

#[derive(Template)]
#[template(path = "admin/forgot.html")]
struct ForgotPage {
    layout: Layout,
    errors: FormErrors,
    email: String,
    sent: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailForm {
    email: String,
}

async fn forgot_form(State(app): State<AppState>, csrf: CsrfToken) -> Result<Response, PageError> {
    views::html(&ForgotPage {
        layout: Layout::new(
            &app,
            "Reset your password",
            "/admin/forgot",
            None,
            csrf.value(),
        ),
        errors: FormErrors::default(),
        email: String::new(),
        sent: false,
    })
}

async fn forgot(
    State(app): State<AppState>,
    csrf: CsrfToken,
    meta: Meta,
    PageForm(form): PageForm<EmailForm>,
) -> Result<Response, PageError> {
    let email = tidy(&form.email, 254);
    if email.is_empty() {
        let mut errors = FormErrors::default();
        errors.push("email", "Enter your email address");
        return views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ForgotPage {
                layout: Layout::new(
                    &app,
                    "Reset your password",
                    "/admin/forgot",
                    None,
                    csrf.value(),
                )
                .with_errors(true),
                errors,
                email,
                sent: false,
            },
        );
    }
    let clinic = app.clinic();
    let page_url = format!("{}/admin/reset", app.config.base_url);
    let subject = format!("Reset your {} back-office password", clinic.info.name);
    let body = "Someone, hopefully you, asked to reset the password of this back-office account.\n\nChoose a new password here; the link works once, within 30 minutes:\n\n{link}\n\nIf it wasn't you, ignore this email: your password stays as it is.".to_owned();
    let mail = LinkMail {
        subject: &subject,
        body: &body,
        page_url: &page_url,
    };
    let now = app.clock.now().as_millisecond();
    app.store
        .request_password_reset(&email, &mail, &meta.actor(), now)
        .await?;
    app.mail_nudge();
    views::html(&ForgotPage {
        layout: Layout::new(
            &app,
            "Check your email",
            "/admin/forgot",
            None,
            csrf.value(),
        ),
        errors: FormErrors::default(),
        email: String::new(),
        sent: true,
    })
}

#[derive(Template)]
#[template(path = "admin/set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    errors: FormErrors,
    heading: &'static str,
    intro: &'static str,
    email: String,
    action: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

struct Kind {
    purpose: TokenPurpose,
    base: &'static str,
    heading: &'static str,
    intro: &'static str,
}

const RESET: Kind = Kind {
    purpose: TokenPurpose::Reset,
    base: "/admin/reset",
    heading: "Choose a new password",
    intro: "Signing in with the new password ends every other session of your account.",
};
const INVITE: Kind = Kind {
    purpose: TokenPurpose::Invite,
    base: "/admin/invite",
    heading: "Welcome: choose your password",
    intro: "You will sign in with your email address and this password.",
};

fn dead_link(app: &AppState) -> Response {
    views::message(
        app,
        StatusCode::NOT_FOUND,
        "This link has expired or was already used",
        &[
            "Links to set a password work once: a reset link for 30 minutes, an invitation for 3 days.",
            "Ask for a new reset link, or ask an owner of the clinic to invite you again.",
        ],
        Some(("/admin/forgot", "Get a new reset link")),
        None,
    )
}

async fn show(
    app: &AppState,
    csrf: &CsrfToken,
    kind: &Kind,
    token: &str,
) -> Result<Response, PageError> {
    let now = app.clock.now().as_millisecond();
    let Some(user) = app.store.token_user(token, kind.purpose, now).await? else {
        return Ok(dead_link(app));
    };
    views::html(&SetPasswordPage {
        layout: Layout::new(app, kind.heading, kind.base, None, csrf.value()),
        errors: FormErrors::default(),
        heading: kind.heading,
        intro: kind.intro,
        email: user.email,
        action: format!("{}/{token}", kind.base),
    })
}

async fn submit(
    app: &AppState,
    csrf: &CsrfToken,
    meta: &Meta,
    kind: &Kind,
    token: &str,
    password: &str,
) -> Result<Response, PageError> {
    let now = app.clock.now().as_millisecond();
    let Some(user) = app.store.token_user(token, kind.purpose, now).await? else {
        return Ok(dead_link(app));
    };
    let password = match Password::parse(password, "password") {
        Ok(p) => p,
        Err(e) => {
            let mut errors = FormErrors::default();
            for f in &e.errors {
                errors.push(&f.field, &f.message);
            }
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetPasswordPage {
                    layout: Layout::new(app, kind.heading, kind.base, None, csrf.value())
                        .with_errors(true),
                    errors,
                    heading: kind.heading,
                    intro: kind.intro,
                    email: user.email,
                    action: format!("{}/{token}", kind.base),
                },
            );
        }
    };
    let hash = crate::login::hash(password.expose().to_owned()).await?;
    match app
        .store
        .set_password_with_token(token, kind.purpose, &hash, &meta.actor(), now)
        .await
    {
        Ok(_) => Ok(see_other("/admin/login?m=password_set")),
        Err(StoreError::NotFound) => Ok(dead_link(app)),
        Err(e) => Err(e.into()),
    }
}

/// Tokens are 43 base64url characters; anything else is a dead link without a lookup.
fn plausible(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn reset_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Ok(dead_link(&app));
    }
    show(&app, &csrf, &RESET, &token).await
}

async fn reset(
    State(app): State<AppState>,
    csrf: CsrfToken,
    meta: Meta,
    Path(token): Path<String>,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Ok(dead_link(&app));
    }
    submit(&app, &csrf, &meta, &RESET, &token, &form.password).await
}

async fn invite_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Ok(dead_link(&app));
    }
    show(&app, &csrf, &INVITE, &token).await
}

async fn accept_invite(
    State(app): State<AppState>,
    csrf: CsrfToken,
    meta: Meta,
    Path(token): Path<String>,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Ok(dead_link(&app));
    }
    submit(&app, &csrf, &meta, &INVITE, &token, &form.password).await
}
