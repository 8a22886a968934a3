//! `/admin/services` (owners): the treatments and consultations clients book. List, add (one
//! segment: a duration with what it holds: a qualified provider, a room kind, a device kind),
//! edit (words, price, buffer, the protocol rules from `core`'s library, whether a consultation
//! comes first; segments stay as they are) and archive, refused while a future visit is booked
//! for it. Slugs are unique, archived services keep theirs. Every change reloads the snapshot,
//! so the public site and booking follow at once.

use crate::session::{CurrentUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::ServiceId;
use medspa_core::catalog::{Segment, Service, ServiceKind};
use medspa_core::input::{InvalidInput, Slug};
use medspa_core::protocol::{Protocol, library};
use medspa_store::services::{ServiceEdit, ServiceRecord};
use medspa_store::{StoreError, User};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/services", get(list))
        .route("/admin/services/new", get(new_form).post(create))
        .route("/admin/services/{id}", get(edit_form).post(update))
        .route(
            "/admin/services/{id}/archive",
            get(confirm_archive).post(archive),
        )
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Form {
    service_name: String,
    slug: String,
    kind: String,
    summary: String,
    description: String,
    price: String,
    duration: String,
    needs_staff: String,
    room_kind: String,
    device_kind: String,
    buffer_after: String,
    rules: String,
    consultation_required: String,
}

struct Row {
    id: Uuid,
    name: String,
    slug: String,
    price: String,
    minutes: u32,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin/services.html")]
struct ListPage {
    layout: Layout,
    flash: Option<&'static str>,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "admin/service_form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    /// `None` for a new service.
    id: Option<Uuid>,
    active: bool,
    form: Form,
    kinds: Vec<(String, String)>,
    rule_sets: Vec<(String, String)>,
    /// For an existing service: its segments, read-only.
    segments: Vec<String>,
    needs_staff: bool,
    consultation_required: bool,
}

#[derive(Template)]
#[template(path = "admin/service_archive.html")]
struct ArchivePage {
    layout: Layout,
    id: Uuid,
    name: String,
    blocking: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    m: String,
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn kinds() -> Vec<(String, String)> {
    vec![
        ("treatment".into(), "Treatment".into()),
        ("consultation".into(), "Consultation".into()),
    ]
}

fn rule_sets() -> Vec<(String, String)> {
    let mut v = vec![(
        String::new(),
        "None: no screening questions or care steps".to_owned(),
    )];
    v.extend(library::SLUGS.iter().map(|s| {
        (
            (*s).to_owned(),
            format!("{s} (sourced rules from the protocol library)"),
        )
    }));
    v
}

async fn list(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let rows = app
        .store
        .service_records()
        .await?
        .into_iter()
        .map(|r| Row {
            id: r.service.id.get(),
            minutes: r.service.duration_minutes(),
            price: money(r.service.price_cents),
            name: r.service.name,
            slug: r.service.slug.as_str().to_owned(),
            active: r.active,
        })
        .collect();
    let flash = match q.m.as_str() {
        "added" => {
            Some("Added: it is on the website and bookable once a qualified provider works.")
        }
        "saved" => Some("Saved."),
        "archived" => Some("Archived: no longer on the website or bookable."),
        _ => None,
    };
    views::html(&ListPage {
        layout: Layout::new(&app, "Services", "/admin/services", Some(&me), csrf.value()),
        flash,
        rows,
    })
}

struct Editing {
    id: Option<Uuid>,
    active: bool,
    form: Form,
    errors: FormErrors,
    segments: Vec<String>,
}

fn form_page(app: &AppState, csrf: &CsrfToken, me: &User, e: Editing) -> FormPage {
    let title = if e.id.is_some() {
        "Edit service"
    } else {
        "Add a service"
    };
    FormPage {
        layout: Layout::new(app, title, "/admin/services", Some(me), csrf.value())
            .with_errors(!e.errors.is_empty()),
        errors: e.errors,
        id: e.id,
        active: e.active,
        needs_staff: !e.form.needs_staff.is_empty(),
        consultation_required: !e.form.consultation_required.is_empty(),
        form: Form {
            service_name: tidy(&e.form.service_name, 120),
            slug: tidy(&e.form.slug, 80),
            summary: tidy(&e.form.summary, 300),
            description: tidy(&e.form.description, 20_000),
            price: tidy(&e.form.price, 20),
            duration: tidy(&e.form.duration, 5),
            room_kind: tidy(&e.form.room_kind, 40),
            device_kind: tidy(&e.form.device_kind, 40),
            buffer_after: tidy(&e.form.buffer_after, 5),
            ..e.form
        },
        kinds: kinds(),
        rule_sets: rule_sets(),
        segments: e.segments,
    }
}

fn segment_lines(s: &Service) -> Vec<String> {
    s.segments
        .iter()
        .map(|g| {
            let mut holds = Vec::new();
            if g.staff {
                holds.push("a provider".to_owned());
            }
            if let Some(r) = &g.room_kind {
                holds.push(format!("a {r} room"));
            }
            if let Some(d) = &g.device_kind {
                holds.push(format!("a {d} device"));
            }
            format!(
                "{}: {} min, holds {}",
                g.label,
                g.duration_minutes,
                if holds.is_empty() {
                    "nothing".to_owned()
                } else {
                    holds.join(", ")
                }
            )
        })
        .collect()
}

async fn new_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
) -> Result<Response, PageError> {
    let form = Form {
        kind: "treatment".into(),
        duration: "60".into(),
        buffer_after: "0".into(),
        needs_staff: "yes".into(),
        ..Form::default()
    };
    let e = Editing {
        id: None,
        active: true,
        form,
        errors: FormErrors::default(),
        segments: Vec::new(),
    };
    views::html(&form_page(&app, &csrf, &me, e))
}

/// Dollars and cents as typed ("350", "350.5", "$1,200.00") to cents; `None` when not a
/// non-negative amount under a million.
fn parse_price(raw: &str) -> Option<i64> {
    let v: String = raw
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = v.split_once('.').unwrap_or((&v, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cents_part: i64 = format!("{frac:0<2}").parse().ok()?;
    let cents = whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents_part)?;
    (cents < 100_000_000).then_some(cents)
}

fn minutes(raw: &str, field: &str, min: u32, max: u32, errors: &mut InvalidInput) -> u32 {
    match raw.trim().parse::<u32>() {
        Ok(m) if (min..=max).contains(&m) && m % 5 == 0 => m,
        _ => {
            errors.push(
                field,
                format!("Enter whole minutes from {min} to {max}, in steps of 5"),
            );
            0
        }
    }
}

fn words(
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
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(field, "Must not contain control characters");
    }
    v.to_owned()
}

fn optional_kind(raw: &str, field: &str, errors: &mut InvalidInput) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    if Slug::parse(v, field).is_err() || v.len() > 40 {
        errors.push(
            field,
            "Use lowercase letters, digits and single dashes (at most 40), e.g. laser",
        );
    }
    Some(v.to_owned())
}

fn protocol(raw: &str, errors: &mut InvalidInput) -> Protocol {
    if raw.trim().is_empty() {
        return Protocol::default();
    }
    library::for_service(raw.trim()).unwrap_or_else(|| {
        errors.push("rules", "Choose one of the listed rule sets");
        Protocol::default()
    })
}

/// The editable part, shared by create and edit.
fn parse_edit(form: &Form, errors: &mut InvalidInput) -> ServiceEdit {
    let name = words(
        &form.service_name,
        "service_name",
        "service's name",
        120,
        true,
        errors,
    );
    let summary = words(&form.summary, "summary", "summary", 300, false, errors);
    let description = words(
        &form.description,
        "description",
        "description",
        20_000,
        false,
        errors,
    );
    let price_cents = parse_price(&form.price).unwrap_or_else(|| {
        errors.push(
            "price",
            "Enter a price like 350 or 350.00 (0 for free; never negative)",
        );
        0
    });
    let buffer_after_minutes = minutes(&form.buffer_after, "buffer_after", 0, 120, errors);
    ServiceEdit {
        name,
        summary,
        description,
        price_cents,
        buffer_after_minutes,
        consultation_required: !form.consultation_required.is_empty(),
        protocol: protocol(&form.rules, errors),
    }
}

fn parse_new(form: &Form) -> Result<Service, FormErrors> {
    let mut errors = InvalidInput::default();
    let edit = parse_edit(form, &mut errors);
    let slug = Slug::parse(form.slug.trim(), "slug")
        .map_err(|e| errors.extend(e))
        .ok();
    let kind = match form.kind.as_str() {
        "treatment" => Some(ServiceKind::Treatment),
        "consultation" => Some(ServiceKind::Consultation),
        _ => {
            errors.push("kind", "Choose treatment or consultation");
            None
        }
    };
    let duration = minutes(&form.duration, "duration", 5, 480, &mut errors);
    let room_kind = optional_kind(&form.room_kind, "room_kind", &mut errors);
    let device_kind = optional_kind(&form.device_kind, "device_kind", &mut errors);
    let staff = !form.needs_staff.is_empty();
    if !staff && room_kind.is_none() && device_kind.is_none() {
        errors.push(
            "needs_staff",
            "A service must hold something: a provider, a room or a device",
        );
    }
    match (slug, kind) {
        (Some(slug), Some(kind)) if errors.is_empty() => Ok(Service {
            id: ServiceId::new(Uuid::now_v7()),
            slug,
            name: edit.name.clone(),
            kind,
            summary: edit.summary,
            description: edit.description,
            suits: String::new(),
            price_cents: edit.price_cents,
            segments: vec![Segment {
                label: edit.name,
                duration_minutes: duration,
                staff,
                room_kind,
                device_kind,
            }],
            buffer_before_minutes: 0,
            buffer_after_minutes: edit.buffer_after_minutes,
            downtime_days: edit.protocol.downtime_days(),
            consultation_required: edit.consultation_required,
            protocol: edit.protocol,
            faq: Vec::new(),
            position: 0,
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
    let invalid = |form: Form, errors: FormErrors| {
        let e = Editing {
            id: None,
            active: true,
            form,
            errors,
            segments: Vec::new(),
        };
        views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&app, &csrf, &me, e),
        )
    };
    let service = match parse_new(&form) {
        Ok(s) => s,
        Err(errors) => return invalid(form, errors),
    };
    let now = app.clock.now().as_millisecond();
    match app.store.create_service(&service, &meta.actor(), now).await {
        Ok(()) => {}
        Err(StoreError::Conflict("services_slug_key")) => {
            let mut errors = FormErrors::default();
            errors.push(
                "slug",
                "Another service (perhaps an archived one) has this slug; choose another",
            );
            return invalid(form, errors);
        }
        Err(e) => return Err(e.into()),
    }
    reload(&app).await?;
    Ok(see_other("/admin/services?m=added"))
}

async fn load(app: &AppState, id: &str) -> Result<ServiceRecord, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::not_found())?;
    app.store
        .service_records()
        .await?
        .into_iter()
        .find(|r| r.service.id.get() == id)
        .ok_or_else(PageError::not_found)
}

fn to_form(s: &Service) -> Form {
    let rules = library::SLUGS
        .iter()
        .find(|slug| {
            library::for_service(slug).as_ref() == Some(&s.protocol)
                && s.protocol != Protocol::default()
        })
        .map(|s| (*s).to_owned())
        .unwrap_or_default();
    Form {
        service_name: s.name.clone(),
        slug: s.slug.as_str().to_owned(),
        kind: s.kind.as_str().to_owned(),
        summary: s.summary.clone(),
        description: s.description.clone(),
        price: money(s.price_cents),
        buffer_after: s.buffer_after_minutes.to_string(),
        rules,
        consultation_required: if s.consultation_required {
            "yes".into()
        } else {
            String::new()
        },
        ..Form::default()
    }
}

async fn edit_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = load(&app, &id).await?;
    let e = Editing {
        id: Some(r.service.id.get()),
        active: r.active,
        form: to_form(&r.service),
        errors: FormErrors::default(),
        segments: segment_lines(&r.service),
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
    let mut errors = InvalidInput::default();
    let edit = parse_edit(&form, &mut errors);
    if !errors.is_empty() {
        let e = Editing {
            id: Some(r.service.id.get()),
            active: r.active,
            form: Form {
                slug: r.service.slug.as_str().to_owned(),
                ..form
            },
            errors: errors.into(),
            segments: segment_lines(&r.service),
        };
        return views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&app, &csrf, &me, e),
        );
    }
    let now = app.clock.now().as_millisecond();
    app.store
        .update_service(r.service.id, &edit, &meta.actor(), now)
        .await?;
    reload(&app).await?;
    Ok(see_other("/admin/services?m=saved"))
}

async fn confirm_archive(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = load(&app, &id).await?;
    views::html(&ArchivePage {
        layout: Layout::new(
            &app,
            &format!("Archive {}", r.service.name),
            "/admin/services",
            Some(&me),
            csrf.value(),
        ),
        id: r.service.id.get(),
        name: r.service.name,
        blocking: Vec::new(),
    })
}

async fn archive(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = load(&app, &id).await?;
    let now = app.clock.now().as_millisecond();
    match app
        .store
        .archive_service(r.service.id, &meta.actor(), now)
        .await?
    {
        Ok(()) => {
            reload(&app).await?;
            Ok(see_other("/admin/services?m=archived"))
        }
        Err(still) => {
            let tz = app
                .clinic()
                .default_location()
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
                        &format!("Archive {}", r.service.name),
                        "/admin/services",
                        Some(&me),
                        csrf.value(),
                    ),
                    id: r.service.id.get(),
                    name: r.service.name,
                    blocking,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_price;

    #[test]
    fn prices_parse_to_cents_and_refuse_nonsense() {
        assert_eq!(parse_price("350"), Some(35_000));
        assert_eq!(parse_price("$1,200.5"), Some(120_050));
        assert_eq!(parse_price("0"), Some(0));
        assert_eq!(parse_price("19.99"), Some(1999));
        for bad in ["-5", "", "abc", "1.234", "1e3", "99999999", " . "] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }
}
