//! First run: `/admin/setup` asks for the setup token `medspa serve` printed, the clinic, its
//! first location's opening hours and the first owner; creates them in one transaction (the
//! token dies with it), signs the owner in and lands on `/admin` with the checklist. Once a
//! clinic exists the page is a 404.

use crate::AdminOptions;
use crate::login;
use crate::session::Meta;
use crate::views::{self, Layout};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use medspa_core::setup::{CURRENCIES, SetupInput, time_zone_names};
use medspa_store::StoreError;
use medspa_store::setup::{BAD_SETUP_TOKEN, CLINIC_EXISTS};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, tidy};
use serde::Deserialize;
use std::sync::{Arc, LazyLock};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/setup", get(show).post(submit))
}

/// The weekday rows of the hours fieldsets: field names and legend.
const DAYS: [(&str, &str, &str, &str); 7] = [
    ("mon", "mon_open", "mon_close", "Monday"),
    ("tue", "tue_open", "tue_close", "Tuesday"),
    ("wed", "wed_open", "wed_close", "Wednesday"),
    ("thu", "thu_open", "thu_close", "Thursday"),
    ("fri", "fri_open", "fri_close", "Friday"),
    ("sat", "sat_open", "sat_close", "Saturday"),
    ("sun", "sun_open", "sun_close", "Sunday"),
];

static ZONES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let mut v = vec![(String::new(), "Choose a time zone".to_owned())];
    v.extend(time_zone_names().into_iter().map(|z| (z.clone(), z)));
    v
});

#[derive(Deserialize, Default)]
#[serde(default)]
struct SetupForm {
    token: String,
    #[serde(flatten)]
    input: SetupInput,
}

struct Day {
    label: &'static str,
    open_name: &'static str,
    close_name: &'static str,
    open: String,
    close: String,
}

#[derive(Template)]
#[template(path = "admin/setup.html")]
struct SetupPage {
    layout: Layout,
    errors: FormErrors,
    form: SetupForm,
    zones: &'static [(String, String)],
    currencies: Vec<(String, String)>,
    days: Vec<Day>,
}

fn setup_page(app: &AppState, csrf: &CsrfToken, form: SetupForm, errors: FormErrors) -> SetupPage {
    let days = DAYS
        .iter()
        .map(|(prefix, open_name, close_name, label)| {
            let (open, close) = form.input.hours(prefix);
            Day {
                label,
                open_name,
                close_name,
                open: tidy(open, 5),
                close: tidy(close, 5),
            }
        })
        .collect();
    SetupPage {
        layout: Layout::new(
            app,
            "Set up your clinic",
            "/admin/setup",
            None,
            csrf.value(),
        )
        .with_errors(!errors.is_empty()),
        errors,
        form,
        zones: &ZONES,
        currencies: CURRENCIES
            .iter()
            .map(|(c, name)| ((*c).to_owned(), format!("{c} ({name})")))
            .collect(),
        days,
    }
}

async fn show(State(app): State<AppState>, csrf: CsrfToken) -> Result<Response, PageError> {
    if app.clinic().is_configured() {
        return Err(PageError::not_found());
    }
    let form = SetupForm {
        token: String::new(),
        input: SetupInput::with_defaults(),
    };
    views::html(&setup_page(&app, &csrf, form, FormErrors::default()))
}

async fn submit(
    State(app): State<AppState>,
    Extension(options): Extension<Arc<AdminOptions>>,
    csrf: CsrfToken,
    meta: Meta,
    PageForm(mut form): PageForm<SetupForm>,
) -> Result<Response, PageError> {
    if app.clinic().is_configured() {
        return Err(PageError::not_found());
    }
    form.token = tidy(&form.token, 100);
    let mut errors = FormErrors::default();
    let token_ok = !form.token.is_empty() && app.store.setup_token_matches(&form.token).await?;
    if form.token.is_empty() {
        errors.push("token", "Enter the setup token");
    } else if !token_ok {
        errors.push(token_field_error().0, token_field_error().1);
    }
    let parsed = form.input.parse();
    if let Err(e) = &parsed {
        for f in &e.errors {
            errors.push(&f.field, &f.message);
        }
    }
    let setup = match parsed {
        Ok(s) if errors.is_empty() => s,
        _ => return invalid(&app, &csrf, form, errors),
    };
    let password_hash = login::hash(setup.password.expose().to_owned()).await?;
    let now = app.clock.now().as_millisecond();
    let created = app
        .store
        .create_clinic(
            &setup,
            Some(&form.token),
            &password_hash,
            &meta.actor(),
            now,
        )
        .await;
    let (_, owner) = match created {
        Ok(ids) => ids,
        Err(StoreError::Rejected(why)) if why == CLINIC_EXISTS => {
            return Err(PageError::not_found());
        }
        Err(StoreError::Rejected(why)) if why == BAD_SETUP_TOKEN => {
            let mut errors = FormErrors::default();
            errors.push(token_field_error().0, token_field_error().1);
            return invalid(&app, &csrf, form, errors);
        }
        Err(StoreError::Conflict("users_email_norm_key")) => {
            let mut errors = FormErrors::default();
            errors.push(
                "email",
                "That email address already has an account; use another one",
            );
            return invalid(&app, &csrf, form, errors);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(path) = &options.setup_token_file
        && let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, "could not delete the used setup-token file");
    }
    let clinic = app
        .store
        .load_clinic()
        .await?
        .ok_or_else(|| PageError::internal("clinic missing right after setup"))?;
    app.set_clinic(clinic);
    tracing::info!("first-run setup created the clinic");
    let user = app
        .store
        .user(owner)
        .await?
        .ok_or_else(|| PageError::internal("owner missing right after setup"))?;
    login::start_session(&app, &user, &meta.as_user(owner), "/admin?m=welcome").await
}

fn token_field_error() -> (&'static str, &'static str) {
    (
        "token",
        "That setup token is not right: use the one medspa serve printed, or the one in the setup-token file",
    )
}

fn invalid(
    app: &AppState,
    csrf: &CsrfToken,
    mut form: SetupForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    form.input.password.clear();
    views::page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &setup_page(app, csrf, form, errors),
    )
}
