//! `/admin/settings` (owners): the clinic's name, tagline, contacts and currency, and its first
//! location's name, address, time zone and opening hours. Saving is one store call; a change
//! that would strand booked visits (hours that no longer cover them, a new zone under them) is
//! refused with the list, and nothing changes. The clinic snapshot reloads at once.

use crate::session::{CurrentUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::setup::{CURRENCIES, SettingsInput, WEEKDAYS, time_zone_names};
use medspa_store::User;
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;
use std::sync::LazyLock;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/settings", get(show).post(save))
}

static ZONES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    time_zone_names()
        .into_iter()
        .map(|z| (z.clone(), z))
        .collect()
});

const DAYS: [(&str, &str, &str, &str); 7] = [
    ("mon", "mon_open", "mon_close", "Monday"),
    ("tue", "tue_open", "tue_close", "Tuesday"),
    ("wed", "wed_open", "wed_close", "Wednesday"),
    ("thu", "thu_open", "thu_close", "Thursday"),
    ("fri", "fri_open", "fri_close", "Friday"),
    ("sat", "sat_open", "sat_close", "Saturday"),
    ("sun", "sun_open", "sun_close", "Sunday"),
];

struct Day {
    label: &'static str,
    open_name: &'static str,
    close_name: &'static str,
    open: String,
    close: String,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    flash: Option<&'static str>,
    errors: FormErrors,
    form: SettingsInput,
    zones: &'static [(String, String)],
    currencies: Vec<(String, String)>,
    days: Vec<Day>,
    stranded: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    m: String,
}

fn page(
    app: &AppState,
    csrf: &CsrfToken,
    me: &User,
    form: SettingsInput,
    errors: FormErrors,
    stranded: Vec<(String, String)>,
) -> SettingsPage {
    let days = DAYS
        .iter()
        .map(|(prefix, open_name, close_name, label)| {
            let (open, close) = form.hours(prefix);
            Day {
                label,
                open_name,
                close_name,
                open: tidy(open, 5),
                close: tidy(close, 5),
            }
        })
        .collect();
    SettingsPage {
        layout: Layout::new(
            app,
            "Clinic settings",
            "/admin/settings",
            Some(me),
            csrf.value(),
        )
        .with_errors(!errors.is_empty() || !stranded.is_empty()),
        flash: None,
        errors,
        form,
        zones: &ZONES,
        currencies: CURRENCIES
            .iter()
            .map(|(c, name)| ((*c).to_owned(), format!("{c} ({name})")))
            .collect(),
        days,
        stranded,
    }
}

async fn show(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let Some(location) = clinic.default_location() else {
        return Ok(see_other("/admin/setup"));
    };
    let mut form = SettingsInput {
        clinic_name: clinic.info.name.clone(),
        tagline: clinic.info.tagline.clone(),
        clinic_phone: clinic.info.phone.clone(),
        clinic_email: clinic.info.email.clone(),
        currency: app
            .store
            .setting("clinic.currency")
            .await?
            .unwrap_or_else(|| CURRENCIES[0].0.to_owned()),
        location_name: location.name.clone(),
        street: location.address.street.clone(),
        city: location.address.city.clone(),
        region: location.address.region.clone(),
        postal_code: location.address.postal_code.clone(),
        country: location.address.country.clone(),
        timezone: location.zone.name().to_owned(),
        ..SettingsInput::default()
    };
    for (wd, prefix, _) in WEEKDAYS {
        // The form edits one range a day (the first).
        if let Some(r) = location.hours.for_weekday(wd).first() {
            let (o, c) = form.hours_mut(prefix);
            *o = r.start.strftime("%H:%M").to_string();
            *c = r.end.strftime("%H:%M").to_string();
        }
    }
    let mut p = page(&app, &csrf, &me, form, FormErrors::default(), Vec::new());
    p.flash = (q.m == "saved").then_some("Settings saved. The website and booking use them now.");
    views::html(&p)
}

async fn save(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    PageForm(form): PageForm<SettingsInput>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let Some(location) = clinic.default_location() else {
        return Ok(see_other("/admin/setup"));
    };
    let settings = match form.parse() {
        Ok(s) => s,
        Err(e) => {
            let mut errors = FormErrors::default();
            for f in &e.errors {
                errors.push(&f.field, &f.message);
            }
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&app, &csrf, &me, form, errors, Vec::new()),
            );
        }
    };
    let now = app.clock.now().as_millisecond();
    match app
        .store
        .update_clinic_settings(location.id, &settings, &meta.actor(), now)
        .await?
    {
        Ok(()) => {
            if let Some(c) = app.store.load_clinic().await? {
                app.set_clinic(c);
            }
            Ok(see_other("/admin/settings?m=saved"))
        }
        Err(still) => {
            let tz = location.zone.tz().clone();
            let stranded = still
                .0
                .iter()
                .map(|b| {
                    let when = jiff::Timestamp::from_millisecond(b.starts_at_ms)
                        .map(|t| {
                            t.to_zoned(tz.clone())
                                .strftime("%a %b %-d %Y, %-I:%M %p")
                                .to_string()
                        })
                        .unwrap_or_default();
                    (b.reference.clone(), when)
                })
                .collect();
            views::page(
                StatusCode::CONFLICT,
                &page(&app, &csrf, &me, form, FormErrors::default(), stranded),
            )
        }
    }
}
