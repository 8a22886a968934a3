//! What the booking and manage pages show, shared by several steps: the progress list, the
//! appointment summary, the care plan grouped before / on the day / after, and the frame
//! (`site/base.html`, or `site/embed_base.html` under `/embed/`) each step's content goes in.

use super::slots::{self, day_label_long};
use crate::error::PageError;
use crate::site::format;
use crate::site::layout::Layout;
use crate::state::AppState;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::Date;
use medspa_core::catalog::Service;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::protocol::Answers;
use medspa_store::Appointment;

/// A rendered step, ready for its frame.
pub struct Page {
    pub title: String,
    pub body: String,
    pub status: StatusCode,
    /// Prefix the `<title>` with "Error: " (a form came back with problems).
    pub error: bool,
}

impl Page {
    /// A page from a content template.
    pub fn of<T: Template>(title: impl Into<String>, t: &T) -> Result<Self, PageError> {
        Ok(Self {
            title: title.into(),
            body: t.render()?,
            status: StatusCode::OK,
            error: false,
        })
    }

    /// The same page with another status.
    #[must_use]
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Marks the page as a form with errors.
    #[must_use]
    pub fn with_errors(mut self, error: bool) -> Self {
        self.error = error;
        self
    }
}

#[derive(Template)]
#[template(path = "site/book_frame.html")]
struct Framed<'a> {
    layout: Layout,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "site/book_frame_embed.html")]
struct FramedEmbed<'a> {
    layout: Layout,
    body: &'a str,
}

/// Puts a step in the site frame (or the compact embed frame) at `path`. Never cached:
/// these pages carry a form token or a booking's details.
pub fn respond(
    app: &AppState,
    embed: bool,
    path: &str,
    page: &Page,
) -> Result<Response, PageError> {
    let mut layout = Layout::new(app, &page.title, path)
        .noindex()
        .describe("Book a treatment or a complimentary consultation online.");
    if page.error {
        layout = layout.title_prefix("Error: ");
    }
    let html = if embed {
        FramedEmbed {
            layout,
            body: &page.body,
        }
        .render()?
    } else {
        Framed {
            layout,
            body: &page.body,
        }
        .render()?
    };
    let mut res = (page.status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// One entry of the progress list.
pub struct Progress {
    pub label: &'static str,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
}

/// The steps of the flow with the current one marked.
pub fn progress(labels: &[&'static str], current: &str) -> Vec<Progress> {
    let at = labels.iter().position(|l| *l == current).unwrap_or(0);
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| Progress {
            label,
            state: match i.cmp(&at) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            },
        })
        .collect()
}

/// The step labels for a new booking of `service` (the questions step only when it asks).
pub fn new_steps(service: Option<&Service>) -> Vec<&'static str> {
    let mut v = vec!["Treatment"];
    if service.is_some_and(|s| !s.protocol.screening.is_empty()) {
        v.push("Questions");
    }
    v.extend(["Date", "Time", "Your details"]);
    v
}

/// The step labels when moving a booking.
pub const RESCHEDULE_STEPS: &[&str] = &["Date", "Time", "Confirm"];

/// An appointment (or a chosen slot) in words.
pub struct Summary {
    pub service: String,
    pub when: String,
    pub ends: String,
    pub zone: String,
    pub provider: String,
    pub location: String,
    pub address: String,
    pub duration: String,
    pub price: String,
}

impl Summary {
    /// The summary of `service` at `start_ms` with `staff` at `location`.
    pub fn new(
        clinic: &Clinic,
        service: &Service,
        location: &Location,
        start_ms: i64,
        staff: Option<medspa_core::StaffId>,
    ) -> Self {
        let end_ms = start_ms + i64::from(service.duration_minutes()) * 60_000;
        Self {
            service: service.name.clone(),
            when: slots::when_long(start_ms, location),
            ends: slots::clock(end_ms, location),
            zone: slots::zone_note(start_ms, location),
            provider: slots::staff_name(clinic, staff),
            location: location.name.clone(),
            address: location.address.one_line(),
            duration: format::duration(service.duration_minutes()),
            price: format::price(service.price_cents),
        }
    }

    /// The summary of a stored appointment.
    pub fn of(clinic: &Clinic, a: &Appointment) -> Option<Self> {
        let service = clinic.service_by_id(a.service)?;
        let location = clinic.location(a.location)?;
        Some(Self::new(clinic, service, location, a.start_ms, a.staff))
    }
}

/// One dated care step.
pub struct CareItem {
    pub date: String,
    pub title: String,
    pub detail: String,
}

/// Care steps of one phase.
pub struct CareGroup {
    pub heading: &'static str,
    pub items: Vec<CareItem>,
}

/// The care plan of an appointment in the location's zone, grouped before / on the day /
/// after (check-ins count as after). Answer-dependent steps only with the owner's answers.
pub fn care_plan(clinic: &Clinic, a: &Appointment, answers: Option<&Answers>) -> Vec<CareGroup> {
    let mut groups = [
        ("before", "Before your appointment", Vec::new()),
        ("day", "On the day", Vec::new()),
        ("after", "After your appointment", Vec::new()),
    ];
    for step in crate::views::care_steps(clinic, a, answers) {
        let phase = if step.phase == "check_in" {
            "after"
        } else {
            step.phase.as_str()
        };
        let Some(group) = groups.iter_mut().find(|g| g.0 == phase) else {
            continue;
        };
        let date = step.date.parse::<Date>().ok();
        let until = step.until.as_deref().and_then(|u| u.parse::<Date>().ok());
        let mut detail = step.detail.clone();
        if let (Some(raw), Some(u)) = (&step.until, until) {
            detail = detail.replace(raw.as_str(), &day_label_long(u));
        }
        let date = match (date, until) {
            (Some(d), Some(u)) => format!("{} to {}", day_label_long(d), day_label_long(u)),
            (Some(d), None) => day_label_long(d),
            _ => step.date.clone(),
        };
        group.2.push(CareItem {
            date,
            title: step.title,
            detail,
        });
    }
    groups
        .into_iter()
        .filter(|g| !g.2.is_empty())
        .map(|(_, heading, items)| CareGroup { heading, items })
        .collect()
}

/// The calendar file's URL for a booking's holder.
pub fn calendar_url(reference: &str, token: &str) -> String {
    format!("/api/v1/bookings/{reference}/calendar.ics?token={token}")
}

/// "Add to Google Calendar" and "Add to Outlook" links for a booking: the service, the
/// clinic, the place and the times, and nothing else. No client name, no health detail and
/// no manage link (its token would sit in a third party's calendar).
pub struct CalendarLinks {
    pub google: String,
    pub outlook: String,
}

impl CalendarLinks {
    /// Links for `service` at `location` from `start_ms` to `end_ms`.
    pub fn new(
        clinic: &medspa_core::clinic::Clinic,
        service: &medspa_core::catalog::Service,
        location: &medspa_core::clinic::Location,
        start_ms: i64,
        end_ms: i64,
        reference: &str,
    ) -> Self {
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let utc = |ms: i64, fmt: &str| medspa_core::time::from_millis(ms).strftime(fmt).to_string();
        let title = format!("{} at {}", service.name, clinic.info.name);
        let place = format!("{}, {}", clinic.info.name, location.address.one_line());
        let details = format!(
            "Booking reference {reference}. To change or cancel, use the link in your \
             confirmation email or call {}.",
            clinic.info.phone
        );
        let google = format!(
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}&location={}",
            enc(&title),
            utc(start_ms, "%Y%m%dT%H%M%SZ"),
            utc(end_ms, "%Y%m%dT%H%M%SZ"),
            enc(&details),
            enc(&place)
        );
        let outlook = format!(
            "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&body={}&location={}",
            enc(&title),
            enc(&utc(start_ms, "%Y-%m-%dT%H:%M:%SZ")),
            enc(&utc(end_ms, "%Y-%m-%dT%H:%M:%SZ")),
            enc(&details),
            enc(&place)
        );
        Self { google, outlook }
    }
}

/// The manage page's path with its token.
pub fn manage_path(reference: &str, token: &str) -> String {
    format!("/bookings/{reference}?token={token}")
}
