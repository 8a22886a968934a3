//! Signing in and out: `/admin/login` (Email, Password, Sign in), `POST /admin/logout`, and
//! the account page's "Sign out everywhere".
//!
//! The lockout: 5 failed attempts for one account within 15 minutes lock it for 15 minutes
//! (429, even with the right password, from any IP). Attempts the CSRF or Origin check refuses
//! never reach this handler, so they do not count. Unknown addresses count and answer like
//! known ones, so the form does not reveal who has an account.

use crate::session::{self, CurrentUser, MaybeUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use medspa_store::{User, hash_password, verify_password};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;
use std::sync::LazyLock;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(show).post(submit))
        .route("/admin/logout", post(logout))
        .route("/admin/account", get(account))
        .route(
            "/admin/account/sign-out-everywhere",
            post(sign_out_everywhere),
        )
}

/// Checked against when the email has no usable account, so both paths cost one Argon2 run.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("medspa: no such account, nothing to find here"));

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    layout: Layout,
    errors: FormErrors,
    email: String,
    flash: Option<&'static str>,
    warning: Option<String>,
    configured: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Flash {
    m: String,
}

/// Fixed messages for `?m=` after a redirect (never text from the URL itself).
fn flash(key: &str) -> Option<&'static str> {
    Some(match key {
        "signed_out" => "You have signed out.",
        "everywhere" => "You have signed out everywhere: every session of your account has ended.",
        "password_set" => "Your password is set. Sign in with it now.",
        "expired" => "Your session ended. Please sign in again.",
        _ => return None,
    })
}

fn login_page(
    app: &AppState,
    csrf: &CsrfToken,
    email: String,
    errors: FormErrors,
    flash: Option<&'static str>,
    warning: Option<String>,
) -> LoginPage {
    let layout = Layout::new(app, "Sign in", "/admin/login", None, csrf.value())
        .with_errors(!errors.is_empty());
    LoginPage {
        layout,
        errors,
        email,
        flash,
        warning,
        configured: app.clinic().is_configured(),
    }
}

async fn show(
    State(app): State<AppState>,
    csrf: CsrfToken,
    MaybeUser(user): MaybeUser,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    if user.is_some() {
        return Ok(see_other("/admin"));
    }
    views::html(&login_page(
        &app,
        &csrf,
        String::new(),
        FormErrors::default(),
        flash(&q.m),
        None,
    ))
}

/// Runs Argon2 off the async threads.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Hashes a password off the async threads.
pub async fn hash(password: String) -> Result<String, PageError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(PageError::internal)
}

async fn submit(
    State(app): State<AppState>,
    csrf: CsrfToken,
    meta: Meta,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let email = tidy(&form.email, 254);
    let mut errors = FormErrors::default();
    if email.is_empty() {
        errors.push("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.push("password", "Enter your password");
    }
    if !errors.is_empty() {
        return views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page(&app, &csrf, email, errors, None, None),
        );
    }
    let now = app.clock.now().as_millisecond();
    if let Some(until) = app.store.login_locked_until(&email, now).await? {
        let minutes = (until - now + 59_999) / 60_000;
        let page = login_page(
            &app,
            &csrf,
            email,
            FormErrors::default(),
            None,
            Some(format!(
                "Too many failed attempts to sign in to this account. For your security, sign-in is paused for {minutes} more minutes. You can also reset your password."
            )),
        );
        let mut res = views::page(StatusCode::TOO_MANY_REQUESTS, &page)?;
        if let Ok(v) = HeaderValue::from_str(&((until - now + 999) / 1000).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(res);
    }
    let user = app.store.user_by_email(&email).await?;
    let usable = user.as_ref().filter(|u| u.active && !u.invited());
    let stored = usable.map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let ok = verify(form.password, stored).await && usable.is_some();
    let Some(user) = usable.filter(|_| ok) else {
        app.store.record_login_failure(&email, now).await?;
        let mut errors = FormErrors::default();
        errors.push(
            "email",
            "The email or password is not right. Check both and try again.",
        );
        return views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page(&app, &csrf, email, errors, None, None),
        );
    };
    app.store.clear_login_failures(&email).await?;
    start_session(&app, user, &meta, "/admin").await
}

/// Signs `user` in (a new session, audited) and redirects to `to`.
pub async fn start_session(
    app: &AppState,
    user: &User,
    meta: &Meta,
    to: &str,
) -> Result<Response, PageError> {
    let now = app.clock.now().as_millisecond();
    let raw = app
        .store
        .create_session(user.id, Some(&meta.ip), now)
        .await?;
    let entry = meta.actor().as_user(user.id).entry(
        "user.sign_in",
        "user",
        &user.id.to_string(),
        &serde_json::json!({}),
    );
    app.store.audit(&entry, now).await?;
    Ok(session::with_cookie(
        see_other(to),
        &session::set_cookie(&raw, app.config.is_https()),
    ))
}

async fn logout(State(app): State<AppState>, req: axum::http::HeaderMap) -> Response {
    let https = app.config.is_https();
    if let Some(raw) = session::read_cookie(&req, https)
        && let Err(e) = app.store.end_session(&raw).await
    {
        return PageError::from(e).into_response();
    }
    session::with_cookie(
        see_other("/admin/login?m=signed_out"),
        &session::clear_cookie(https),
    )
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    role: &'static str,
}

async fn account(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(user): CurrentUser,
) -> Result<Response, PageError> {
    let layout = Layout::new(
        &app,
        "Your account",
        "/admin/account",
        Some(&user),
        csrf.value(),
    );
    views::html(&AccountPage {
        layout,
        name: user.name.clone(),
        email: user.email.clone(),
        role: user.role.label(),
    })
}

async fn sign_out_everywhere(
    State(app): State<AppState>,
    CurrentUser(user): CurrentUser,
    meta: Meta,
) -> Result<Response, PageError> {
    let now = app.clock.now().as_millisecond();
    app.store
        .end_all_sessions(user.id, &meta.actor(), now)
        .await?;
    Ok(session::with_cookie(
        see_other("/admin/login?m=everywhere"),
        &session::clear_cookie(app.config.is_https()),
    ))
}
