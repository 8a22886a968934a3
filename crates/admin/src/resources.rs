//! `/admin/rooms` and `/admin/devices` (owners): list, add, edit and archive. Archiving never
//! deletes and is refused, with the list of affected appointments, while a room or device still
//! holds a future appointment. Every change reloads the clinic snapshot, so availability and
//! the public site see it at once.

use crate::session::{CurrentUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::LocationId;
use medspa_core::input::Slug;
use medspa_store::User;
use medspa_store::resources::{ResourceInput, ResourceKind, ResourceRecord};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;
use uuid::Uuid;

/// The words and paths of one of the two sets of pages.
#[derive(Clone, Copy)]
pub struct Pages {
    pub kind: ResourceKind,
    pub base: &'static str,
    pub plural: &'static str,
    pub noun: &'static str,
    pub kind_hint: &'static str,
}

const ROOMS: Pages = Pages {
    kind: ResourceKind::Room,
    base: "/admin/rooms",
    plural: "Rooms",
    noun: "room",
    kind_hint: "What services ask for, e.g. laser or treatment: lowercase letters, digits and dashes.",
};
const DEVICES: Pages = Pages {
    kind: ResourceKind::Device,
    base: "/admin/devices",
    plural: "Devices",
    noun: "device",
    kind_hint: "What services ask for, e.g. halo or ipl: lowercase letters, digits and dashes.",
};

/// Staff share the archive pages (their list and form are in `crate::staff`).
pub const STAFF: Pages = Pages {
    kind: ResourceKind::Staff,
    base: "/admin/staff",
    plural: "Staff",
    noun: "staff member",
    kind_hint: "",
};

/// The archive routes alone, for staff.
pub fn staff_archive_router() -> Router<AppState> {
    const K: Pages = STAFF;
    Router::new().route(
        "/admin/staff/{id}/archive",
        get(
            |s: State<AppState>, c: CsrfToken, u: CurrentUser, p: Path<String>| {
                confirm_archive(s, c, u, p, K)
            },
        )
        .post(
            |s: State<AppState>, c: CsrfToken, u: CurrentUser, m: Meta, p: Path<String>| {
                archive(s, c, u, m, p, K)
            },
        ),
    )
}

macro_rules! kind_routes {
    ($router:expr, $k:expr, $base:literal) => {{
        const K: Pages = $k;
        $router
            .route(
                $base,
                get(
                    |s: State<AppState>, c: CsrfToken, u: CurrentUser, q: Query<Q>| {
                        list(s, c, u, q, K)
                    },
                ),
            )
            .route(
                concat!($base, "/new"),
                get(|s: State<AppState>, c: CsrfToken, u: CurrentUser| new_form(s, c, u, K)).post(
                    |s: State<AppState>,
                     c: CsrfToken,
                     u: CurrentUser,
                     m: Meta,
                     f: PageForm<Form>| { create(s, c, u, m, f, K) },
                ),
            )
            .route(
                concat!($base, "/{id}"),
                get(
                    |s: State<AppState>, c: CsrfToken, u: CurrentUser, p: Path<String>| {
                        edit_form(s, c, u, p, K)
                    },
                )
                .post(
                    |s: State<AppState>,
                     c: CsrfToken,
                     u: CurrentUser,
                     m: Meta,
                     p: Path<String>,
                     f: PageForm<Form>| update(s, c, u, m, p, f, K),
                ),
            )
            .route(
                concat!($base, "/{id}/archive"),
                get(
                    |s: State<AppState>, c: CsrfToken, u: CurrentUser, p: Path<String>| {
                        confirm_archive(s, c, u, p, K)
                    },
                )
                .post(
                    |s: State<AppState>, c: CsrfToken, u: CurrentUser, m: Meta, p: Path<String>| {
                        archive(s, c, u, m, p, K)
                    },
                ),
            )
    }};
}

pub fn router() -> Router<AppState> {
    let r = Router::new();
    let r = kind_routes!(r, ROOMS, "/admin/rooms");
    kind_routes!(r, DEVICES, "/admin/devices")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Q {
    m: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct Form {
    /// Not `name`: the form macros' own parameter is called that.
    title: String,
    category: String,
    location: String,
}

struct Row {
    id: Uuid,
    name: String,
    category: String,
    location: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin/resources.html")]
struct ListPage {
    layout: Layout,
    k: Pages,
    flash: Option<&'static str>,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "admin/resource_form.html")]
struct FormPage {
    layout: Layout,
    k: Pages,
    errors: FormErrors,
    /// `None` for a new one.
    id: Option<Uuid>,
    form: Form,
    locations: Vec<(String, String)>,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin/resource_archive.html")]
struct ArchivePage {
    layout: Layout,
    k: Pages,
    id: Uuid,
    name: String,
    blocking: Vec<(String, String)>,
}

fn flash(key: &str) -> Option<&'static str> {
    Some(match key {
        "added" => "Added.",
        "saved" => "Saved.",
        "archived" => "Archived: it is no longer offered for new bookings.",
        _ => return None,
    })
}

fn location_name(app: &AppState, id: Uuid) -> String {
    app.clinic()
        .location(LocationId::new(id))
        .map(|l| l.name.clone())
        .unwrap_or_default()
}

fn locations(app: &AppState) -> Vec<(String, String)> {
    app.clinic()
        .locations
        .iter()
        .map(|l| (l.id.to_string(), l.name.clone()))
        .collect()
}

async fn list(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Q>,
    k: Pages,
) -> Result<Response, PageError> {
    let rows = app
        .store
        .resources_of(k.kind)
        .await?
        .into_iter()
        .map(|r| Row {
            location: location_name(&app, r.location_id),
            id: r.id,
            name: r.name,
            category: r.category,
            active: r.active,
        })
        .collect();
    views::html(&ListPage {
        layout: Layout::new(&app, k.plural, k.base, Some(&me), csrf.value()),
        k,
        flash: flash(&q.m),
        rows,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "a form page's parts, named at each call"
)]
fn form_page(
    app: &AppState,
    csrf: &CsrfToken,
    me: &User,
    k: Pages,
    id: Option<Uuid>,
    form: Form,
    errors: FormErrors,
    active: bool,
) -> FormPage {
    let title = if id.is_some() {
        format!("Edit {}", k.noun)
    } else {
        format!("Add a {}", k.noun)
    };
    FormPage {
        layout: Layout::new(app, &title, k.base, Some(me), csrf.value())
            .with_errors(!errors.is_empty()),
        k,
        errors,
        id,
        form,
        locations: locations(app),
        active,
    }
}

#[expect(clippy::unused_async, reason = "an axum handler")]
async fn new_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    k: Pages,
) -> Result<Response, PageError> {
    let form = Form {
        location: app
            .clinic()
            .default_location()
            .map(|l| l.id.to_string())
            .unwrap_or_default(),
        ..Form::default()
    };
    views::html(&form_page(
        &app,
        &csrf,
        &me,
        k,
        None,
        form,
        FormErrors::default(),
        true,
    ))
}

/// Checks the form: a name (1-80 characters), a kind (slug), a known location.
fn parse(app: &AppState, form: &Form) -> Result<ResourceInput, FormErrors> {
    let mut errors = FormErrors::default();
    let name = form.title.trim();
    if name.is_empty() {
        errors.push("title", "Enter a name");
    } else if name.chars().count() > 80 || name.chars().any(char::is_control) {
        errors.push(
            "title",
            "Use at most 80 characters, without control characters",
        );
    }
    let category = form.category.trim();
    if Slug::parse(category, "category").is_err() || category.len() > 40 {
        errors.push(
            "category",
            "Enter a kind in lowercase letters, digits and single dashes (at most 40), e.g. laser",
        );
    }
    let location = form
        .location
        .parse::<LocationId>()
        .ok()
        .filter(|l| app.clinic().location(*l).is_some());
    if location.is_none() {
        errors.push("location", "Choose a location");
    }
    match location {
        Some(location) if errors.is_empty() => Ok(ResourceInput {
            location,
            name: name.to_owned(),
            category: category.to_owned(),
        }),
        _ => Err(errors),
    }
}

async fn reload(app: &AppState) -> Result<(), PageError> {
    if let Some(clinic) = app.store.load_clinic().await? {
        app.set_clinic(clinic);
    }
    Ok(())
}

fn tidied(form: &Form) -> Form {
    Form {
        title: tidy(&form.title, 80),
        category: tidy(&form.category, 40),
        location: tidy(&form.location, 40),
    }
}

async fn create(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    PageForm(form): PageForm<Form>,
    k: Pages,
) -> Result<Response, PageError> {
    let input = match parse(&app, &form) {
        Ok(i) => i,
        Err(errors) => {
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &csrf, &me, k, None, tidied(&form), errors, true),
            );
        }
    };
    let now = app.clock.now().as_millisecond();
    app.store
        .create_resource(k.kind, &input, &meta.actor(), now)
        .await?;
    reload(&app).await?;
    Ok(see_other(&format!("{}?m=added", k.base)))
}

async fn load(app: &AppState, k: Pages, id: &str) -> Result<ResourceRecord, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::not_found())?;
    app.store
        .resource(k.kind, id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn edit_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    k: Pages,
) -> Result<Response, PageError> {
    let r = load(&app, k, &id).await?;
    let form = Form {
        title: r.name,
        category: r.category,
        location: r.location_id.to_string(),
    };
    views::html(&form_page(
        &app,
        &csrf,
        &me,
        k,
        Some(r.id),
        form,
        FormErrors::default(),
        r.active,
    ))
}

async fn update(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
    k: Pages,
) -> Result<Response, PageError> {
    let r = load(&app, k, &id).await?;
    let input = match parse(&app, &form) {
        Ok(i) => i,
        Err(errors) => {
            return views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(
                    &app,
                    &csrf,
                    &me,
                    k,
                    Some(r.id),
                    tidied(&form),
                    errors,
                    r.active,
                ),
            );
        }
    };
    let now = app.clock.now().as_millisecond();
    app.store
        .update_resource(k.kind, r.id, &input, &meta.actor(), now)
        .await?;
    reload(&app).await?;
    Ok(see_other(&format!("{}?m=saved", k.base)))
}

async fn confirm_archive(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    k: Pages,
) -> Result<Response, PageError> {
    let r = load(&app, k, &id).await?;
    views::html(&ArchivePage {
        layout: Layout::new(
            &app,
            &format!("Archive {}", r.name),
            k.base,
            Some(&me),
            csrf.value(),
        ),
        k,
        id: r.id,
        name: r.name,
        blocking: Vec::new(),
    })
}

async fn archive(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
    k: Pages,
) -> Result<Response, PageError> {
    let r = load(&app, k, &id).await?;
    let now = app.clock.now().as_millisecond();
    match app
        .store
        .archive_resource(k.kind, r.id, &meta.actor(), now)
        .await?
    {
        Ok(()) => {
            reload(&app).await?;
            Ok(see_other(&format!("{}?m=archived", k.base)))
        }
        Err(still) => {
            let tz = app
                .clinic()
                .location(LocationId::new(r.location_id))
                .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
            let blocking = still
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
                &ArchivePage {
                    layout: Layout::new(
                        &app,
                        &format!("Archive {}", r.name),
                        k.base,
                        Some(&me),
                        csrf.value(),
                    ),
                    k,
                    id: r.id,
                    name: r.name,
                    blocking,
                },
            )
        }
    }
}
