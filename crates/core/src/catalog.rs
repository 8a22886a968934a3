//! Services (treatments and consultations) and the resources each segment of a service holds.

use crate::ids::ServiceId;
use crate::input::Slug;
use crate::protocol::Protocol;
use serde::{Deserialize, Serialize};

/// Whether a service is a treatment or a (usually free) consultation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Treatment,
    Consultation,
}

impl ServiceKind {
    /// The API spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Treatment => "treatment",
            Self::Consultation => "consultation",
        }
    }
}

/// One step of a service, in order, with the resources it holds for its whole duration.
///
/// Halo, for example, is 45 min of numbing that holds only the laser suite, then 60 min of
/// laser that holds the provider, the suite and the Halo unit: the provider and the device are
/// free for someone else while the first client numbs. One booking keeps the same staff member
/// and the same room across all its segments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub label: String,
    pub duration_minutes: u32,
    /// Whether a qualified staff member is held.
    pub staff: bool,
    /// Kind of room held (`None`: no room).
    pub room_kind: Option<String>,
    /// Kind of device held (`None`: no device).
    pub device_kind: Option<String>,
}

/// A question and its answer on a service page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

/// A bookable service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub slug: Slug,
    pub name: String,
    pub kind: ServiceKind,
    /// One sentence for lists.
    pub summary: String,
    /// Longer Markdown description for the treatment page.
    pub description: String,
    /// Who the service suits, one sentence.
    pub suits: String,
    pub price_cents: i64,
    pub segments: Vec<Segment>,
    /// Time before the first segment that the first segment's resources are held (setup).
    pub buffer_before_minutes: u32,
    /// Time after the last segment that the last segment's resources are held (cleaning).
    pub buffer_after_minutes: u32,
    /// Typical social downtime in days (0 = none).
    pub downtime_days: u32,
    /// Whether a consultation must come before the first booking of this service.
    pub consultation_required: bool,
    /// Screening, prep, eligibility, after-care and series rules (data, see PROTOCOLS.md).
    pub protocol: Protocol,
    pub faq: Vec<Faq>,
    /// Display order in lists (ascending).
    pub position: i32,
}

impl Service {
    /// Total duration of all segments (buffers excluded): the API's `duration_minutes`.
    pub fn duration_minutes(&self) -> u32 {
        self.segments.iter().map(|s| s.duration_minutes).sum()
    }
    /// Whether any segment needs a qualified staff member.
    pub fn needs_staff(&self) -> bool {
        self.segments.iter().any(|s| s.staff)
    }
    /// Whether this is a consultation.
    pub fn is_consultation(&self) -> bool {
        self.kind == ServiceKind::Consultation
    }
}
