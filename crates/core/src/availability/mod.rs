//! Availability engine: which start times a service can be booked at, and exactly what a
//! booking at one of them holds. Pure: the caller passes the clinic snapshot, the existing holds
//! ([`HoldIndex`]), `now` and the policy; nothing here reads a clock or a database.
//!
//! # Rules
//!
//! A start `t` is offered for a staff member when all of these hold:
//!
//! - **Grid**: the location's wall clock shows a multiple of `grid_minutes` from local midnight
//!   at `t`. Grid wall times inside a spring-forward gap do not exist and are never offered; grid
//!   wall times inside a fall-back fold occur twice and both instants are candidates.
//! - **Notice, lead time and horizon**: `t >= now + min_notice`; `t`'s local date is at least
//!   the service's lead time ([`crate::protocol::Protocol::lead_days`]: its earliest required
//!   pre-care step) after today's local date, and at most `horizon_days` after it.
//! - **Location**: `t`'s local date is not inside a [`Closure`](crate::clinic::Closure), and the
//!   whole chain, `[t - buffer_before, t + duration + buffer_after)`, lies inside one stretch of
//!   opening hours. Hours are local wall-clock rules expanded per date in the location's zone, so
//!   09:00-17:00 is 09:00-17:00 local on both sides of a DST change.
//! - **Staff** (when any segment needs one): one qualified member of that location's staff holds
//!   every staff segment, and each of those holds lies inside their working hours minus breaks,
//!   overlaps none of their time off and none of their existing holds.
//! - **Rooms and devices**: for each room kind the service uses, one room of that kind at the
//!   location is free for every segment of that kind (the same room throughout: Halo keeps its
//!   laser room through numbing and laser); likewise one device per device kind. Rooms and
//!   devices are available whenever the location is open. The first free one in
//!   `clinic.rooms` / `clinic.devices` order is taken.
//! - **Segments**: each resource is held only during the segments that need it. Halo (45 min
//!   numbing: room; 60 min laser: provider + room + device) leaves the provider and the device
//!   free during numbing, so a provider can laser one client while the next one numbs.
//! - **Buffers**: `buffer_before` extends backwards the holds of the resources the first segment
//!   uses (setup); `buffer_after` extends forwards the holds of the resources the last segment
//!   uses (cleaning). Halo at 10:00 with 15 min after holds the room 10:00-12:00 and provider and
//!   device 10:45-12:00; 10 min before would extend only the room's hold (numbing needs only the
//!   room), to 09:50. Buffers count towards the chain that must fit in opening hours, and towards
//!   the staff member's working hours when they extend a staff hold; [`Slot::end`] and
//!   [`Plan::end`] exclude them.
//!
//! Within one booking, touching holds of one resource merge into one row; [`Plan::holds`] lists
//! the exact rows to write, buffers included.
//!
//! [`plan_at`] checks in this order and reports the first failure: qualification
//! (`StaffNotQualified`, `NoQualifiedStaff`), `NotOnGrid`, `TooSoon`, `BeyondHorizon`, `Closed`,
//! `OutsideHours` (location hours, or every candidate's working hours), `Taken` (holds, time off,
//! rooms, devices).
//!
//! **Staff auto-assignment** (when [`Query::staff`] is `None`, in [`plan_at`] and
//! [`alternatives`]): among the qualified staff free for the whole chain, the one with the fewest
//! held minutes on that local day according to the [`HoldIndex`] (holds of
//! [`Query::exclude`] not counted), ties broken by order in `clinic.staff`.
//!
//! # Speed
//!
//! The index keeps each resource's holds sorted by start; a query reads only the holds near its
//! window by binary search, then turns hours, breaks, time off and holds into one short free
//! list per resource. Each candidate start is then a few binary searches in those short lists,
//! so the cost depends on the window and the clinic's size, not on the total number of holds.
//! A caller that loads holds from storage per request needs only those overlapping
//! [`Query::hold_window`] (or `hold_window_at` / `hold_window_around`).

mod engine;
mod grid;
mod index;
mod intervals;
mod pattern;

#[cfg(test)]
mod tests;

pub use engine::{ALTERNATIVES_WINDOW_DAYS, alternatives, plan_at, slots};
pub use index::{Hold, HoldIndex};

use crate::catalog::Service;
use crate::clinic::{Clinic, Location};
use crate::ids::{AppointmentId, DeviceId, ResourceId, RoomId, StaffId};
use crate::time::{Interval, Millis};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Booking policy of a clinic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// A start must be at least this far after `now`.
    pub min_notice_minutes: u32,
    /// The last bookable local date is today (local) plus this many days.
    pub horizon_days: u32,
    /// Starts are local wall-clock multiples of this from local midnight (0 is read as 1).
    pub grid_minutes: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            min_notice_minutes: 120,
            horizon_days: 90,
            grid_minutes: 15,
        }
    }
}

/// What to look for.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    pub clinic: &'a Clinic,
    pub service: &'a Service,
    pub location: &'a Location,
    /// First local date searched (inclusive).
    pub from: Date,
    /// Last local date searched (inclusive).
    pub to: Date,
    /// Only this staff member; `None`: any qualified one. Ignored for a service that needs no
    /// staff.
    pub staff: Option<StaffId>,
    pub now_ms: Millis,
    pub policy: &'a Policy,
    /// Ignore this appointment's holds (rescheduling it must not collide with itself).
    pub exclude: Option<AppointmentId>,
}

/// Exactly what a booking at one start holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub start: Millis,
    /// `start` + the service's duration; buffers excluded.
    pub end: Millis,
    pub staff: Option<StaffId>,
    /// The room of the first room kind the service uses (all rooms are in `holds`).
    pub room: Option<RoomId>,
    /// The device of the first device kind the service uses (all devices are in `holds`).
    pub device: Option<DeviceId>,
    /// The hold rows to write, buffers included: staff first, then rooms, then devices.
    pub holds: Vec<(ResourceId, Interval)>,
}

/// An offered start for one staff member (or for nobody, when the service needs no staff).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: Millis,
    /// `start` + duration; buffers are not shown.
    pub end: Millis,
    pub staff: Option<StaffId>,
    /// What booking this slot would hold.
    pub plan: Plan,
}

/// Why a start cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Unavailable {
    #[error("That time is outside opening or working hours.")]
    OutsideHours,
    #[error("That time is too soon to book online; please choose a later time.")]
    TooSoon,
    #[error("That date is too far ahead to book online yet.")]
    BeyondHorizon,
    #[error("Appointments start on the booking grid; please choose one of the offered times.")]
    NotOnGrid,
    #[error("The clinic is closed that day.")]
    Closed,
    #[error("That time is no longer available.")]
    Taken,
    #[error("No one at this location offers that service.")]
    NoQualifiedStaff,
    #[error("That provider does not offer this service at this location.")]
    StaffNotQualified,
}

impl Unavailable {
    /// A stable machine code (snake case), for logs and API problem details.
    pub const fn code(self) -> &'static str {
        match self {
            Self::OutsideHours => "outside_hours",
            Self::TooSoon => "too_soon",
            Self::BeyondHorizon => "beyond_horizon",
            Self::NotOnGrid => "not_on_grid",
            Self::Closed => "closed",
            Self::Taken => "taken",
            Self::NoQualifiedStaff => "no_qualified_staff",
            Self::StaffNotQualified => "staff_not_qualified",
        }
    }

    /// Whether another start might work (the time is taken or out of hours) rather than the
    /// request being wrong (unqualified staff): the caller offers [`alternatives`] for these.
    pub const fn is_slot_problem(self) -> bool {
        !matches!(self, Self::NoQualifiedStaff | Self::StaffNotQualified)
    }
}
