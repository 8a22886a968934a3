//! What a service holds, relative to its start: one hold pattern per role (the staff member,
//! one room per room kind, one device per device kind), computed once per query from the
//! service's ordered segments and buffers.
//!
//! Buffers: `buffer_before` extends backwards the holds of the resources the *first* segment
//! uses (setup), `buffer_after` extends forwards the holds of the resources the *last* segment
//! uses (cleaning). A resource not used by that segment is not extended: Halo's buffer after
//! holds provider, laser room and device, and its buffer before holds only the room, because the
//! numbing segment holds only the room. The whole chain including both buffers must still lie
//! inside location hours.

use crate::catalog::Service;
use crate::time::{Interval, Millis};

pub(crate) const MINUTE_MS: Millis = 60_000;

/// Hold pattern of one role: offsets from the start, normalized (touching segments merge into
/// one hold row, so a room held through numbing and laser is one row, 10:00-11:45).
pub(crate) type Spans = Vec<Interval>;

/// One room kind or device kind the service needs, and when it holds it.
#[derive(Clone, Debug)]
pub(crate) struct KindRole {
    pub kind: String,
    pub spans: Spans,
}

/// Every role of a service.
#[derive(Clone, Debug)]
pub(crate) struct Roles {
    /// `None` when no segment needs a staff member.
    pub staff: Option<Spans>,
    /// In order of first use; the same room is kept for every segment of that kind.
    pub rooms: Vec<KindRole>,
    /// In order of first use; the same device is kept for every segment of that kind.
    pub devices: Vec<KindRole>,
    /// Treatment time, buffers excluded.
    pub duration_ms: Millis,
    /// The whole chain with both buffers, relative to the start: must lie inside location hours.
    pub extent: Interval,
}

impl Roles {
    /// Derives the roles of a service.
    pub(crate) fn of(service: &Service) -> Self {
        let before = i64::from(service.buffer_before_minutes) * MINUTE_MS;
        let after = i64::from(service.buffer_after_minutes) * MINUTE_MS;
        let last = service.segments.len().saturating_sub(1);
        let mut staff: Option<Spans> = None;
        let mut rooms: Vec<KindRole> = Vec::new();
        let mut devices: Vec<KindRole> = Vec::new();
        let mut offset: Millis = 0;
        for (i, seg) in service.segments.iter().enumerate() {
            let len = i64::from(seg.duration_minutes) * MINUTE_MS;
            let span = Interval::new(
                if i == 0 { offset - before } else { offset },
                if i == last {
                    offset + len + after
                } else {
                    offset + len
                },
            );
            offset += len;
            if seg.staff {
                staff.get_or_insert_with(Vec::new).push(span);
            }
            if let Some(kind) = &seg.room_kind {
                push_kind(&mut rooms, kind, span);
            }
            if let Some(kind) = &seg.device_kind {
                push_kind(&mut devices, kind, span);
            }
        }
        if let Some(s) = staff.as_mut() {
            super::intervals::normalize(s);
        }
        for role in rooms.iter_mut().chain(devices.iter_mut()) {
            super::intervals::normalize(&mut role.spans);
        }
        Self {
            staff: staff.filter(|s| !s.is_empty()),
            rooms: rooms.into_iter().filter(|r| !r.spans.is_empty()).collect(),
            devices: devices
                .into_iter()
                .filter(|r| !r.spans.is_empty())
                .collect(),
            duration_ms: offset,
            extent: Interval::new(-before, offset + after),
        }
    }
}

fn push_kind(roles: &mut Vec<KindRole>, kind: &str, span: Interval) {
    match roles.iter_mut().find(|r| r.kind == kind) {
        Some(r) => r.spans.push(span),
        None => roles.push(KindRole {
            kind: kind.to_owned(),
            spans: vec![span],
        }),
    }
}

/// `spans` moved to start at `start`.
pub(crate) fn shifted(span: Interval, start: Millis) -> Interval {
    Interval::new(start + span.start, start + span.end)
}
