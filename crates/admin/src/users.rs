//! `/admin/users` (owners): the list, inviting by email (the invitee sets their own password
//! from an emailed link), changing a role and deactivating (their sessions end at once).
//! Every change is one store call that writes the audit entry in the same transaction; the
//! last active owner can be neither demoted nor deactivated.

use crate::session::{CurrentUser, Meta};
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use medspa_core::UserId;
use medspa_core::access::Role;
use medspa_core::input::{Email, PersonName};
use medspa_store::LAST_OWNER;
use medspa_store::auth::LinkMail;
use medspa_store::{StoreError, User};
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use medspa_web::forms::{FormErrors, PageForm, see_other, tidy};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/invite", get(invite_form).post(invite))
        .route("/admin/users/{id}", get(detail))
        .route("/admin/users/{id}/role", axum::routing::post(change_role))
        .route(
            "/admin/users/{id}/deactivate",
            get(confirm_deactivate).post(deactivate),
        )
}

fn roles() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

fn status(u: &User) -> (&'static str, &'static str) {
    if !u.active {
        ("Deactivated", "inactive")
    } else if u.invited() {
        ("Invited", "invited")
    } else {
        ("Active", "active")
    }
}

struct UserRow {
    id: UserId,
    name: String,
    email: String,
    role: &'static str,
    status: &'static str,
    status_class: &'static str,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    flash: Option<&'static str>,
    users: Vec<UserRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    m: String,
}

fn flash(key: &str) -> Option<&'static str> {
    Some(match key {
        "invited" => "Invitation sent. They choose their password from the emailed link.",
        "role" => "Role changed.",
        "deactivated" => "Deactivated: their sessions have ended and they can no longer sign in.",
        _ => return None,
    })
}

async fn list(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let users = app
        .store
        .users()
        .await?
        .iter()
        .map(|u| {
            let (status, status_class) = status(u);
            UserRow {
                id: u.id,
                name: u.name.clone(),
                email: u.email.clone(),
                role: u.role.label(),
                status,
                status_class,
            }
        })
        .collect();
    views::html(&UsersPage {
        layout: Layout::new(&app, "Users", "/admin/users", Some(&me), csrf.value()),
        flash: flash(&q.m),
        users,
    })
}

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    layout: Layout,
    errors: FormErrors,
    /// Not `name`: that is a parameter of the form macros, which would shadow it.
    person_name: String,
    email: String,
    role: String,
    roles: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    name: String,
    email: String,
    role: String,
}

async fn invite_form(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
) -> Result<Response, PageError> {
    views::html(&InvitePage {
        layout: Layout::new(
            &app,
            "Invite a user",
            "/admin/users/invite",
            Some(&me),
            csrf.value(),
        ),
        errors: FormErrors::default(),
        person_name: String::new(),
        email: String::new(),
        role: Role::Provider.as_str().to_owned(),
        roles: roles(),
    })
}

async fn invite(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    PageForm(form): PageForm<InviteForm>,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let name = PersonName::parse(&form.name, "name")
        .map_err(|e| push_all(&mut errors, &e))
        .ok();
    let email = Email::parse(&form.email, "email")
        .map_err(|e| push_all(&mut errors, &e))
        .ok();
    let role = form.role.parse::<Role>().ok();
    if role.is_none() {
        errors.push("role", "Choose a role");
    }
    let page = |errors: FormErrors| InvitePage {
        layout: Layout::new(
            &app,
            "Invite a user",
            "/admin/users/invite",
            Some(&me),
            csrf.value(),
        )
        .with_errors(true),
        errors,
        person_name: tidy(&form.name, 120),
        email: tidy(&form.email, 254),
        role: form.role.clone(),
        roles: roles(),
    };
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return views::page(StatusCode::UNPROCESSABLE_ENTITY, &page(errors));
    };
    let clinic = app.clinic();
    let page_url = format!("{}/admin/invite", app.config.base_url);
    let subject = format!("You're invited to the {} back office", clinic.info.name);
    let body = format!(
        "Hello {},\n\n{} invited you to the back office of {} as {}.\n\nChoose your password here; the link works once, within 3 days:\n\n{{link}}\n\nIf you weren't expecting this, you can ignore this email.",
        name.first_name(),
        me.name,
        clinic.info.name,
        role.label().to_lowercase(),
    );
    let mail = LinkMail {
        subject: &subject,
        body: &body,
        page_url: &page_url,
    };
    let now = app.clock.now().as_millisecond();
    match app
        .store
        .invite_user(&email, &name, role, &mail, &meta.actor(), now)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict("users_email_norm_key")) => {
            let mut errors = FormErrors::default();
            errors.push("email", "That email address already has an account");
            return views::page(StatusCode::UNPROCESSABLE_ENTITY, &page(errors));
        }
        Err(e) => return Err(e.into()),
    }
    app.mail_nudge();
    Ok(see_other("/admin/users?m=invited"))
}

fn push_all(errors: &mut FormErrors, e: &medspa_core::InvalidInput) {
    for f in &e.errors {
        errors.push(&f.field, &f.message);
    }
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    layout: Layout,
    flash: Option<&'static str>,
    errors: FormErrors,
    id: UserId,
    name: String,
    email: String,
    role: String,
    role_label: &'static str,
    roles: Vec<(String, String)>,
    status: &'static str,
    status_class: &'static str,
    active: bool,
}

async fn load(app: &AppState, id: &str) -> Result<User, PageError> {
    let id: UserId = id.parse().map_err(|_| PageError::not_found())?;
    app.store.user(id).await?.ok_or_else(PageError::not_found)
}

fn user_page(
    app: &AppState,
    csrf: &CsrfToken,
    me: &User,
    u: &User,
    errors: FormErrors,
    flash: Option<&'static str>,
) -> UserPage {
    let (status, status_class) = status(u);
    UserPage {
        layout: Layout::new(app, &u.name, "/admin/users/", Some(me), csrf.value())
            .with_errors(!errors.is_empty()),
        flash,
        errors,
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
        role: u.role.as_str().to_owned(),
        role_label: u.role.label(),
        roles: roles(),
        status,
        status_class,
        active: u.active,
    }
}

async fn detail(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let u = load(&app, &id).await?;
    views::html(&user_page(
        &app,
        &csrf,
        &me,
        &u,
        FormErrors::default(),
        flash(&q.m),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, PageError> {
    let u = load(&app, &id).await?;
    let invalid = |message: &str| {
        let mut errors = FormErrors::default();
        errors.push("role", message);
        views::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user_page(&app, &csrf, &me, &u, errors, None),
        )
    };
    let Ok(role) = form.role.parse::<Role>() else {
        return invalid("Choose a role");
    };
    let now = app.clock.now().as_millisecond();
    match app.store.change_role(u.id, role, &meta.actor(), now).await {
        Ok(()) => Ok(see_other(&format!("/admin/users/{}?m=role", u.id))),
        Err(StoreError::Rejected(why)) if why == LAST_OWNER => invalid(
            "This is the clinic's only owner. Make someone else an owner first, so the clinic always has one.",
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/deactivate.html")]
struct DeactivatePage {
    layout: Layout,
    id: UserId,
    name: String,
}

async fn confirm_deactivate(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let u = load(&app, &id).await?;
    if !u.active {
        return Ok(see_other(&format!("/admin/users/{}", u.id)));
    }
    views::html(&DeactivatePage {
        layout: Layout::new(
            &app,
            &format!("Deactivate {}", u.name),
            "/admin/users/",
            Some(&me),
            csrf.value(),
        ),
        id: u.id,
        name: u.name.clone(),
    })
}

async fn deactivate(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(me): CurrentUser,
    meta: Meta,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let u = load(&app, &id).await?;
    let now = app.clock.now().as_millisecond();
    match app.store.deactivate_user(u.id, &meta.actor(), now).await {
        Ok(()) => Ok(see_other("/admin/users?m=deactivated")),
        Err(StoreError::Rejected(why)) if why == LAST_OWNER => {
            let mut errors = FormErrors::default();
            errors.push(
                "role",
                "This is the clinic's only owner and cannot be deactivated. Make someone else an owner first.",
            );
            views::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &user_page(&app, &csrf, &me, &u, errors, None),
            )
        }
        Err(e) => Err(e.into()),
    }
}
