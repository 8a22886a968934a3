//! Online booking as plain HTML forms (issue 6), on top of the booking use case the JSON API
//! shares ([`crate::booking`]): every step works without JavaScript.
//!
//! New booking, at `/book` (and the same under `/embed/book` in the compact frame):
//! treatment (`GET /book?service=`) -> questions (when the service asks any; refusals
//! explained with a link to the free consultation) -> date (14 days a page) -> time (radio
//! buttons "Tuesday 1 December, 10:30 AM with Dana Whitfield") -> details (Name, Email, Phone,
//! notes, "I agree ..."), "Confirm booking" -> `303` to `/bookings/{reference}/confirmed?token=`.
//! `/book/consultation` is the same flow preset to the complimentary consultation. Each step
//! after the treatment is a `POST {prefix}/book/{step}` carrying the [`draft::Draft`] in hidden
//! fields, so screening answers never appear in a URL, a log line or the server's state until
//! the client books and agrees.
//!
//! Manage (`/bookings/{reference}?token=`, [`manage`]): details, care plan, calendar file,
//! cancel with a confirmation page, reschedule through the same date and time steps.
//!
//! Framing: only `/embed/*` may be framed (by `MEDSPA_EMBED_ORIGINS`, see
//! [`crate::middleware`]). Inside the frame the flow and its confirmation page stay in the
//! frame; the manage page, which is never framed, opens in a new tab.

mod draft;
mod manage;
mod pick;
mod questions;
mod slots;
mod steps;
mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/book", get(steps::start))
        .route("/book/consultation", get(steps::start_consultation))
        .route("/book/{step}", get(steps::restart).post(steps::step))
        .route("/embed/book", get(steps::start_embed))
        .route(
            "/embed/book/consultation",
            get(steps::start_consultation_embed),
        )
        .route(
            "/embed/book/{step}",
            get(steps::restart_embed).post(steps::step_embed),
        )
        .route("/bookings/{reference}", get(manage::show))
        .route("/bookings/{reference}/confirmed", get(manage::confirmed))
        .route(
            "/embed/bookings/{reference}/confirmed",
            get(manage::confirmed_embed),
        )
        .route(
            "/bookings/{reference}/cancel",
            get(manage::cancel_page).post(manage::cancel),
        )
        .route(
            "/bookings/{reference}/reschedule",
            get(manage::reschedule_start),
        )
        .route(
            "/bookings/{reference}/reschedule/{step}",
            get(manage::reschedule_restart).post(manage::reschedule_step),
        )
}

/// Where a flow's forms post: a new booking (under `/book` or `/embed/book`) or moving the
/// booking with this reference.
#[derive(Clone, Debug)]
pub struct Flow {
    pub embed: bool,
    pub reschedule: Option<String>,
}

impl Flow {
    /// A new booking, framed or not.
    pub fn new(embed: bool) -> Self {
        Self {
            embed,
            reschedule: None,
        }
    }

    /// `/embed` inside the frame, else nothing.
    pub fn prefix(&self) -> &'static str {
        if self.embed { "/embed" } else { "" }
    }

    /// The URL a step's form posts to.
    pub fn url(&self, step: &str) -> String {
        match &self.reschedule {
            None => format!("{}/book/{step}", self.prefix()),
            Some(r) => format!("/bookings/{r}/reschedule/{step}"),
        }
    }

    /// The first page: the treatment list, or the manage page when moving a booking.
    pub fn start(&self) -> String {
        match &self.reschedule {
            None => format!("{}/book", self.prefix()),
            Some(r) => format!("/bookings/{r}/reschedule"),
        }
    }

    /// Where the consultation flow starts, about `slug` when given (a slug only: never an
    /// answer in a URL).
    pub fn consultation(&self, slug: Option<&str>) -> String {
        match slug {
            Some(s) => format!("{}/book/consultation?service={s}", self.prefix()),
            None => format!("{}/book/consultation", self.prefix()),
        }
    }
}
