//! `/admin/staff` (owners): the people clients book. List, add, edit (name, title, bio,
//! location, the services they are qualified for, weekly working hours) and archive (shared
//! with rooms and devices, refused while they hold a future appointment). New hours that no
//! longer cover one of their booked visits are refused with the list. Every change reloads
//! the clinic snapshot, so availability follows at once.

use crate::resources;
use crate::session::{CurrentUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::input::InvalidInput;
use medspa_core::setup::{WEEKDAYS, parse_hours};
use medspa_core::{LocationId, ServiceId};
use medspa_store::User;
use medspa_store::staff::{StaffInput, StaffRecord};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/staff", get(list))
        .route("/admin/staff/new", get(new_form).post(create))
        .route("/admin/staff/{id}", get(edit_form).post(update))
        .merge(resources::staff_archive_router())
}

const DAYS: [(&str, &str, &str, &str); 7] = [
    ("mon", "mon_open", "mon_close", "Monday"),
    ("tue", "tue_open", "tue_close", "Tuesday"),
    ("wed", "wed_open", "wed_close", "Wednesday"),
    ("thu", "thu_open", "thu_close", "Thursday"),
    ("fri", "fri_open", "fri_close", "Friday"),
    ("sat", "sat_open", "sat_close", "Saturday"),
    ("sun", "sun_open", "sun_close", "Sunday"),
];

/// The form as typed. Qualifications arrive as `service-<uuid>=yes` checkboxes.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Form {
    staff_name: String,
    job_title: String,
    bio: String,
    location: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

impl Form {
    fn field(&self, key: &str) -> &str {
        self.rest.get(key).map_or("", String::as_str)
    }
    fn hours(&self, prefix: &str) -> (&str, &str) {
        (
            self.field(&format!("{prefix}_open")),
            self.field(&format!("{prefix}_close")),
        )
    }
    fn checked(&self, service: Uuid) -> bool {
        self.rest.contains_key(&format!("service-{service}"))
    }
}

struct Day {
    label: &'static str,
    open_name: &'static str,
    close_name: &'static str,
    open: String,
    close: String,
}

struct ServiceBox {
    field: String,
    name: String,
    checked: bool,
}

struct Row {
    id: Uuid,
    name: String,
    title: String,
    services: usize,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct ListPage {
    layout: Layout,
    flash: Option<&'static str>,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "admin/staff_form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    id: Option<Uuid>,
    active: bool,
    staff_name: String,
    job_title: String,
    bio: String,
    location: String,
    locations: Vec<(String, String)>,
    services: Vec<ServiceBox>,
    days: Vec<Day>,
    stranded: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    m: String,
}

async fn list(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let rows = app
        .store
        .staff_records()
        .await?
        .into_iter()
        .map(|r| Row {
            id: r.id,
            name: r.name,
            title: r.title,
            services: r.services.len(),
            active: r.active,
        })
        .collect();
    let flash = match q.m.as_str() {
        "added" => Some("Added."),
        "saved" => Some("Saved."),
        "archived" => Some("Archived: no longer offered for new bookings."),
        _ => None,
    };
    views::html(&ListPage {
        layout: Layout::new(&app, "Staff", "/admin/staff", Some(&me), csrf.value()),
        flash,
        rows,
    })
}

struct Editing {
    id: Option<Uuid>,
    active: bool,
    form: Form,
    errors: FormErrors,
    stranded: Vec<(String, String)>,
}

fn form_page(app: &AppState, csrf: &CsrfToken, me: &User, e: Editing) -> FormPage {
    let clinic = app.clinic();
    let title = if e.id.is_some() {
        "Edit staff member"
    } else {
        "Add a staff member"
    };
    FormPage {
        layout: Layout::new(app, title, "/admin/staff", Some(me), csrf.value())
            .with_errors(!e.errors.is_empty() || !e.stranded.is_empty()),
        days: DAYS
            .iter()
            .map(|(prefix, open_name, close_name, label)| {
                let (open, close) = e.form.hours(prefix);
                Day {
                    label,
                    open_name,
                    close_name,
                    open: tidy(open, 5),
                    close: tidy(close, 5),
                }
            })
            .collect(),
        services: clinic
            .services
            .iter()
            .map(|s| ServiceBox {
                field: format!("service-{}", s.id),
                name: s.name.clone(),
                checked: e.form.checked(s.id.get()),
            })
            .collect(),
        locations: clinic
            .locations
            .iter()
            .map(|l| (l.id.to_string(), l.name.clone()))
            .collect(),
        errors: e.errors,
        id: e.id,
        active: e.active,
        staff_name: tidy(&e.form.staff_name, 120),
        job_title: tidy(&e.form.job_title, 120),
        bio: tidy(&e.form.bio, 2000),
        location: tidy(&e.form.location, 40),
        stranded: e.stranded,
    }
}

fn to_form(r: &StaffRecord) -> Form {
    let mut rest = HashMap::new();
    for (wd, prefix, _) in WEEKDAYS {
        if let Some(range) = r.hours.for_weekday(wd).first() {
            rest.insert(
                format!("{prefix}_open"),
                range.start.strftime("%H:%M").to_string(),
            );
            rest.insert(
                format!("{prefix}_close"),
                range.end.strftime("%H:%M").to_string(),
            );
        }
    }
    for s in &r.services {
        rest.insert(format!("service-{s}"), "yes".to_owned());
    }
    Form {
        staff_name: r.name.clone(),
        job_title: r.title.clone(),
        bio: r.bio.clone(),
        location: r.location_id.to_string(),
        rest,
    }
}

async fn new_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let mut form = Form {
        location: clinic
            .default_location()
            .map(|l| l.id.to_string())
            .unwrap_or_default(),
        ..Form::default()
    };
    // Start from the location's opening hours.
    if let Some(l) = clinic.default_location() {
        for (wd, prefix, _) in WEEKDAYS {
            if let Some(r) = l.hours.for_weekday(wd).first() {
                form.rest.insert(
                    format!("{prefix}_open"),
                    r.start.strftime("%H:%M").to_string(),
                );
                form.rest.insert(
                    format!("{prefix}_close"),
                    r.end.strftime("%H:%M").to_string(),
                );
            }
        }
    }
    let e = Editing {
        id: None,
        active: true,
        form,
        errors: FormErrors::default(),
        stranded: Vec::new(),
    };
    views::html(&form_page(&app, &csrf, &me, e))
}

fn text(
    raw: &str,
    field: &str,
    label: &str,
    max: usize,
    required: bool,
    errors: &mut InvalidInput,
) -> String {
    let v = raw.trim();
    if required && v.is_empty() {
        errors.push(field, format!("Enter the {label}"));
    } else if v.chars().count() > max {
        errors.push(field, format!("Use at most {max} characters"));
    } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        errors.push(field, "Must not contain control characters");
    }
    v.to_owned()
}

fn parse(app: &AppState, form: &Form) -> Result<StaffInput, FormErrors> {
    let clinic = app.clinic();
    let mut errors = InvalidInput::default();
    let name = text(
        &form.staff_name,
        "staff_name",
        "name",
        120,
        true,
        &mut errors,
    );
    let title = text(
        &form.job_title,
        "job_title",
        "title",
        120,
        false,
        &mut errors,
    );
    let bio = text(&form.bio, "bio", "bio", 2000, false, &mut errors);
    let location = form
        .location
        .parse::<LocationId>()
        .ok()
        .filter(|l| clinic.location(*l).is_some());
    if location.is_none() {
        errors.push("location", "Choose a location");
    }
    let hours = parse_hours(|p| form.hours(p), &mut errors);
    let services: Vec<ServiceId> = clinic
        .services
        .iter()
        .filter(|s| form.checked(s.id.get()))
        .map(|s| s.id)
        .collect();
    match location {
        Some(location) if errors.is_empty() => Ok(StaffInput {
            location,
            name,
            title,
            bio,
            services,
            hours,
        }),
        _ => Err(errors.into()),
    }
}

async fn reload(app: &AppState) -> Result<(), PageError> {
    if let Some(c) = app.store.load_clinic().await? {
        app.set_clinic(c);
    }
    Ok(())
}

async fn create(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let input = match parse(&app, &form) {
        Ok(i) => i,
        Err(errors) => {
            let e = Editing {
                id: None,
                active: true,
                form,
                errors,
                stranded: Vec::new(),
            };
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &csrf, &me, e),
            );
        }
    };
    let now = app.clock.now().as_millisecond();
    app.store.create_staff(&input, &meta.actor(), now).await?;
    reload(&app).await?;
    Ok(see_other("/admin/staff?m=added"))
}

async fn load(app: &AppState, id: &str) -> Result<StaffRecord, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::not_found())?;
    app.store
        .staff_records()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(PageError::not_found)
}

async fn edit_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = load(&app, &id).await?;
    let e = Editing {
        id: Some(r.id),
        active: r.active,
        form: to_form(&r),
        errors: FormErrors::default(),
        stranded: Vec::new(),
    };
    views::html(&form_page(&app, &csrf, &me, e))
}

async fn update(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let r = load(&app, &id).await?;
    let input = match parse(&app, &form) {
        Ok(i) => i,
        Err(errors) => {
            let e = Editing {
                id: Some(r.id),
                active: r.active,
                form,
                errors,
                stranded: Vec::new(),
            };
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &csrf, &me, e),
            );
        }
    };
    let clinic = app.clinic();
    let tz = clinic
        .location(input.location)
        .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
    let now = app.clock.now().as_millisecond();
    match app
        .store
        .update_staff(r.id, &input, &tz, &meta.actor(), now)
        .await?
    {
        Ok(()) => {
            reload(&app).await?;
            Ok(see_other("/admin/staff?m=saved"))
        }
        Err(still) => {
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
            let e = Editing {
                id: Some(r.id),
                active: r.active,
                form,
                errors: FormErrors::default(),
                stranded,
            };
            views::page(StatusCode::CONFLICT, &form_page(&app, &csrf, &me, e))
        }
    }
}
