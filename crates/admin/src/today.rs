//! `/admin`: the clinic's day at its first location (appointments today, in the location's
//! zone), and for owners, while the clinic is not ready to take bookings, the checklist of
//! what it still needs. Front desk sees names and services only, never clinical details.

use crate::session::CurrentUser;
use crate::views::{self, Layout};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use medspa_core::access::{Action, can};
use medspa_core::time::{add_days, start_of_day};
use medspa_store::Status;
use medspa_web::AppState;
use medspa_web::csrf::CsrfToken;
use medspa_web::error::PageError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(today))
}

struct Step {
    label: &'static str,
    done: bool,
    /// The page where it is done, when the back office has one.
    href: Option<&'static str>,
}

struct Row {
    time: String,
    client: String,
    service: String,
    staff: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "admin/today.html")]
struct Today {
    layout: Layout,
    flash: Option<&'static str>,
    checklist: Vec<Step>,
    day_heading: String,
    appointments: Vec<Row>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    m: String,
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Confirmed => "Confirmed",
        Status::Cancelled => "Cancelled",
        Status::Completed => "Completed",
        Status::NoShow => "No-show",
    }
}

async fn today(
    State(app): State<AppState>,
    csrf: CsrfToken,
    CurrentUser(user): CurrentUser,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let layout = Layout::new(&app, "Today", "/admin", Some(&user), csrf.value());
    let flash = match q.m.as_str() {
        "welcome" => Some("Your clinic is created and you are signed in as its owner."),
        _ => None,
    };
    let checklist = if can(user.role, Action::ManageSettings) {
        let steps = vec![
            Step {
                label: "Add your services",
                done: !clinic.services.is_empty(),
                href: Some("/admin/services"),
            },
            Step {
                label: "Add staff",
                done: !clinic.staff.is_empty(),
                href: Some("/admin/staff"),
            },
            Step {
                label: "Add rooms and devices",
                done: !clinic.rooms.is_empty(),
                href: Some("/admin/rooms"),
            },
            Step {
                label: "Publish: clients can book online",
                done: !clinic.services.is_empty()
                    && !clinic.staff.is_empty()
                    && !clinic.rooms.is_empty(),
                href: None,
            },
        ];
        if steps.iter().all(|s| s.done) {
            Vec::new()
        } else {
            steps
        }
    } else {
        Vec::new()
    };
    let mut appointments = Vec::new();
    let mut day_heading = "No location yet".to_owned();
    if let Some(location) = clinic.default_location() {
        let tz = location.zone.tz();
        let date = app.clock.now().to_zoned(tz.clone()).date();
        day_heading = format!("{} at {}", date.strftime("%A %B %-d, %Y"), location.name);
        let (Some(from), Some(to)) = (start_of_day(date, tz), start_of_day(add_days(date, 1), tz))
        else {
            return Err(PageError::internal("day bounds"));
        };
        for a in app
            .store
            .appointments_between(location.id, from, to)
            .await?
        {
            let time = jiff::Timestamp::from_millisecond(a.start_ms)
                .map(|t| t.to_zoned(tz.clone()).strftime("%-I:%M %p").to_string())
                .unwrap_or_default();
            appointments.push(Row {
                time,
                client: a.client_name.clone(),
                service: clinic
                    .service_by_id(a.service)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                staff: a
                    .staff
                    .and_then(|s| clinic.staff_member(s))
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                status: status_label(a.status),
            });
        }
    }
    views::html(&Today {
        layout,
        flash,
        checklist,
        day_heading,
        appointments,
    })
}
