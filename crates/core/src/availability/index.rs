//! The hold index: every existing hold of every resource, kept per resource and sorted by start
//! so the engine reads only the holds near its query window (binary search), never all of them.
//!
//! It owns no rules about what may be booked; it answers "what is held where" and "is this
//! interval free". Holds of one resource may overlap here (the database forbids it for active
//! holds, but blocks loaded from elsewhere are not trusted to obey it).

use crate::ids::{AppointmentId, ResourceId};
use crate::time::{Interval, Millis};
use std::collections::HashMap;

/// Holds at least this long are kept in a short side list per resource. Every other hold is
/// shorter, so a search for the holds touching `[lo, hi)` can start its binary search at
/// `lo - LONG_MS` and still see them all: the cost of a query stays bounded by the holds near its
/// window, even when someone blocks a room for a year.
const LONG_MS: Millis = 24 * 3_600_000;

/// One resource held for an interval, by an appointment or by a block (`appointment: None`,
/// e.g. a room out of service).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hold {
    pub interval: Interval,
    pub appointment: Option<AppointmentId>,
}

impl Hold {
    /// A hold of an appointment.
    pub const fn appointment(interval: Interval, appointment: AppointmentId) -> Self {
        Self {
            interval,
            appointment: Some(appointment),
        }
    }
    /// A block not tied to an appointment.
    pub const fn block(interval: Interval) -> Self {
        Self {
            interval,
            appointment: None,
        }
    }
    /// Whether the engine should see this hold when `exclude` is being rescheduled.
    fn counts(&self, exclude: Option<AppointmentId>) -> bool {
        exclude.is_none() || self.appointment != exclude
    }
}

/// One fence post every this many holds (see [`ResourceHolds::fence`]).
const FENCE: usize = 32;

/// The holds of one resource.
#[derive(Clone, Debug, Default)]
struct ResourceHolds {
    /// Every hold, sorted by `(start, end)`.
    all: Vec<Hold>,
    /// `all[k * FENCE].interval.start` for every `k`: a summary small enough to stay in cache,
    /// so a search over years of holds misses cache a few times instead of once per step.
    fence: Vec<Millis>,
    /// The holds of `all` that last `LONG_MS` or more (few: vacations, long blocks).
    long: Vec<Hold>,
}

impl ResourceHolds {
    /// Index of the first hold starting at or after `key`.
    fn first_from(&self, key: Millis) -> usize {
        let block = self.fence.partition_point(|&s| s < key);
        let lo = block.saturating_sub(1) * FENCE;
        let hi = (block * FENCE).min(self.all.len());
        lo + self.all[lo..hi].partition_point(|h| h.interval.start < key)
    }

    /// Holds that overlap `window`, in no particular order.
    fn overlapping(&self, window: Interval) -> impl Iterator<Item = &Hold> {
        // Short holds starting at or before `window.start - LONG_MS` end before the window.
        let from = self.first_from(window.start.saturating_sub(LONG_MS).saturating_add(1));
        let to = self.first_from(window.end);
        let short = self.all[from.min(to)..to]
            .iter()
            .filter(|h| h.interval.len() < LONG_MS);
        short
            .chain(self.long.iter())
            .filter(move |h| h.interval.overlaps(&window))
    }

    fn insert(&mut self, hold: Hold) {
        let key = (hold.interval.start, hold.interval.end);
        let from = self.first_from(hold.interval.start);
        let at =
            from + self.all[from..].partition_point(|h| (h.interval.start, h.interval.end) <= key);
        self.all.insert(at, hold);
        if hold.interval.len() >= LONG_MS {
            self.long.push(hold);
        }
        self.refence(at);
    }

    /// Removes one hold equal to `hold`; whether there was one.
    fn remove(&mut self, hold: Hold) -> bool {
        let from = self.first_from(hold.interval.start);
        let Some(i) = self.all[from..]
            .iter()
            .take_while(|h| h.interval.start == hold.interval.start)
            .position(|h| *h == hold)
        else {
            return false;
        };
        self.all.remove(from + i);
        if let Some(j) = self.long.iter().position(|h| *h == hold) {
            self.long.swap_remove(j);
        }
        self.refence(from + i);
        true
    }

    /// Rebuilds the fence posts from the block holding index `changed` on.
    fn refence(&mut self, changed: usize) {
        let block = changed / FENCE;
        self.fence.truncate(block);
        let posts = self.all.iter().skip(block * FENCE).step_by(FENCE);
        self.fence.extend(posts.map(|h| h.interval.start));
    }
}

/// The hold rows of one appointment, for removal. Up to three rows (staff, room, device: nearly
/// every booking) live inline, so an index of half a million appointments is not half a million
/// small heap blocks: those fragment the allocator and slow every later allocation in the
/// process, the engine's output included.
#[derive(Clone, Debug)]
enum Rows {
    Few(u8, [(ResourceId, Interval); 3]),
    Many(Vec<(ResourceId, Interval)>),
}

impl Rows {
    fn one(row: (ResourceId, Interval)) -> Self {
        Self::Few(1, [row; 3])
    }

    fn push(&mut self, row: (ResourceId, Interval)) {
        match self {
            Self::Few(n, rows) if usize::from(*n) < rows.len() => {
                rows[usize::from(*n)] = row;
                *n += 1;
            }
            Self::Few(_, rows) => *self = Self::Many(rows.iter().copied().chain([row]).collect()),
            Self::Many(v) => v.push(row),
        }
    }

    fn as_slice(&self) -> &[(ResourceId, Interval)] {
        match self {
            Self::Few(n, rows) => &rows[..usize::from(*n)],
            Self::Many(v) => v,
        }
    }
}

/// Per-resource sorted hold lists, with the resources of each appointment for quick removal.
#[derive(Clone, Debug, Default)]
pub struct HoldIndex {
    by_resource: HashMap<ResourceId, ResourceHolds>,
    by_appointment: HashMap<AppointmentId, Rows>,
    len: usize,
}

impl HoldIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one hold (empty intervals are ignored: they hold nothing).
    pub fn insert(&mut self, resource: ResourceId, hold: Hold) {
        if hold.interval.is_empty() {
            return;
        }
        self.by_resource.entry(resource).or_default().insert(hold);
        if let Some(a) = hold.appointment {
            add_row(&mut self.by_appointment, a, (resource, hold.interval));
        }
        self.len += 1;
    }

    /// Drops every hold of an appointment (cancelled, or moved after a reschedule).
    pub fn remove_appointment(&mut self, appointment: AppointmentId) {
        let Some(rows) = self.by_appointment.remove(&appointment) else {
            return;
        };
        for &(resource, iv) in rows.as_slice() {
            let removed = self
                .by_resource
                .get_mut(&resource)
                .is_some_and(|entry| entry.remove(Hold::appointment(iv, appointment)));
            if removed {
                self.len -= 1;
            }
        }
    }

    /// Every hold of a resource, sorted by start.
    pub fn holds(&self, resource: ResourceId) -> &[Hold] {
        self.by_resource
            .get(&resource)
            .map_or(&[], |r| r.all.as_slice())
    }

    /// Holds of a resource that overlap `window`, in no particular order; holds of `exclude`
    /// are skipped. Reads only the holds near the window.
    pub fn overlapping(
        &self,
        resource: ResourceId,
        window: Interval,
        exclude: Option<AppointmentId>,
    ) -> impl Iterator<Item = &Hold> {
        self.by_resource
            .get(&resource)
            .into_iter()
            .flat_map(move |r| r.overlapping(window))
            .filter(move |h| h.counts(exclude))
    }

    /// Whether no hold of the resource (other than those of `exclude`) overlaps `iv`.
    pub fn is_free(
        &self,
        resource: ResourceId,
        iv: Interval,
        exclude: Option<AppointmentId>,
    ) -> bool {
        iv.is_empty() || self.overlapping(resource, iv, exclude).next().is_none()
    }

    /// Milliseconds of `window` that the resource is held (overlaps counted once per hold).
    pub fn held_ms(
        &self,
        resource: ResourceId,
        window: Interval,
        exclude: Option<AppointmentId>,
    ) -> Millis {
        self.overlapping(resource, window, exclude)
            .map(|h| h.interval.end.min(window.end) - h.interval.start.max(window.start))
            .sum()
    }

    /// The busy intervals of a resource inside `window`, clipped, sorted and merged.
    pub(crate) fn busy(
        &self,
        resource: ResourceId,
        window: Interval,
        exclude: Option<AppointmentId>,
    ) -> Vec<Interval> {
        let mut v: Vec<Interval> = self
            .overlapping(resource, window, exclude)
            .map(|h| {
                Interval::new(
                    h.interval.start.max(window.start),
                    h.interval.end.min(window.end),
                )
            })
            .collect();
        super::intervals::normalize(&mut v);
        v
    }

    /// Number of holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no hold is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl FromIterator<(ResourceId, Hold)> for HoldIndex {
    /// Builds the index in one pass and one sort per resource (faster than repeated inserts).
    fn from_iter<I: IntoIterator<Item = (ResourceId, Hold)>>(iter: I) -> Self {
        let mut index = Self::new();
        for (resource, hold) in iter {
            if hold.interval.is_empty() {
                continue;
            }
            let entry = index.by_resource.entry(resource).or_default();
            entry.all.push(hold);
            if hold.interval.len() >= LONG_MS {
                entry.long.push(hold);
            }
            if let Some(a) = hold.appointment {
                add_row(&mut index.by_appointment, a, (resource, hold.interval));
            }
            index.len += 1;
        }
        for entry in index.by_resource.values_mut() {
            entry
                .all
                .sort_by_key(|h| (h.interval.start, h.interval.end));
            entry.refence(0);
        }
        index
    }
}

fn add_row(
    map: &mut HashMap<AppointmentId, Rows>,
    appointment: AppointmentId,
    row: (ResourceId, Interval),
) {
    map.entry(appointment)
        .and_modify(|rows| rows.push(row))
        .or_insert_with(|| Rows::one(row));
}

impl Extend<(ResourceId, Hold)> for HoldIndex {
    fn extend<I: IntoIterator<Item = (ResourceId, Hold)>>(&mut self, iter: I) {
        for (resource, hold) in iter {
            self.insert(resource, hold);
        }
    }
}
