//! The engine proper: builds one free list per resource for a query window, then checks
//! candidate starts against them ([`slots`]), one exact start with reasons ([`plan_at`]), or the
//! nearest free starts around a wanted one ([`alternatives`]). The rules are in the module docs
//! of `availability`; this file must not read a clock or touch storage.

use super::grid::push_grid_starts;
use super::intervals::{clip, covers, normalize, subtract};
use super::pattern::{MINUTE_MS, Roles, Spans, shifted};
use super::{HoldIndex, Plan, Query, Slot, Unavailable};
use crate::clinic::Staff;
use crate::ids::{DeviceId, ResourceId, RoomId};
use crate::time::{Interval, Millis, add_days, local_date, local_minute_of_day, start_of_day};
use jiff::civil::Date;
use std::collections::HashMap;

/// How far [`alternatives`] looks on each side of the wanted start, in local days.
pub const ALTERNATIVES_WINDOW_DAYS: i64 = 14;

/// A staff member with their working time and free time inside the window.
struct StaffFree<'a> {
    staff: &'a Staff,
    /// Hours minus breaks: being outside this is "outside hours", not "taken".
    working: Vec<Interval>,
    /// `working` minus time off minus holds.
    free: Vec<Interval>,
}

/// A room or device with its free time inside the window.
struct Pooled<Id> {
    id: Id,
    free: Vec<Interval>,
}

/// Everything a query needs, read once from the clinic and the index for one window.
struct Ctx<'q> {
    roles: Roles,
    /// Opening hours of the location, closures removed, merged.
    open: Vec<Interval>,
    staff: Vec<StaffFree<'q>>,
    /// One pool per room role of `roles`, rooms in `clinic.rooms` order.
    rooms: Vec<Vec<Pooled<RoomId>>>,
    /// One pool per device role of `roles`, devices in `clinic.devices` order.
    devices: Vec<Vec<Pooled<DeviceId>>>,
}

impl<'q> Ctx<'q> {
    /// Reads what starts in `starts` (half-open) can touch: the window widened by the chain.
    fn build(
        q: &'q Query<'q>,
        holds: &HoldIndex,
        roles: Roles,
        starts: Interval,
        staff: Vec<&'q Staff>,
    ) -> Self {
        let window = Interval::new(
            starts.start + roles.extent.start,
            starts.end + roles.extent.end,
        );
        let tz = q.location.zone.tz();
        let first = add_days(local_date(window.start, tz), -1);
        let last = add_days(local_date(window.end, tz), 1);
        let mut open = Vec::new();
        for date in dates(first, last) {
            if !q.location.is_closed(date) {
                open.extend(q.location.hours.on(date, tz));
            }
        }
        normalize(&mut open);
        let open = clip(&open, window);

        let staff = staff
            .into_iter()
            .map(|s| {
                let mut working = Vec::new();
                for date in dates(first, last) {
                    let mut hours = s.hours.on(date, tz);
                    normalize(&mut hours);
                    let mut breaks = s.breaks.on(date, tz);
                    normalize(&mut breaks);
                    working.extend(subtract(&hours, &breaks));
                }
                normalize(&mut working);
                let working = clip(&working, window);
                let mut off: Vec<Interval> = s
                    .time_off
                    .iter()
                    .filter(|iv| iv.overlaps(&window))
                    .copied()
                    .collect();
                normalize(&mut off);
                let busy = holds.busy(s.id.into(), window, q.exclude);
                let free = subtract(&subtract(&working, &off), &busy);
                StaffFree {
                    staff: s,
                    working,
                    free,
                }
            })
            .collect();

        let whole = [window];
        let free_of = |r: ResourceId| subtract(&whole, &holds.busy(r, window, q.exclude));
        let location = q.location.id;
        let rooms = roles
            .rooms
            .iter()
            .map(|role| {
                q.clinic
                    .rooms
                    .iter()
                    .filter(|r| r.location_id == location && r.kind == role.kind)
                    .map(|r| Pooled {
                        id: r.id,
                        free: free_of(r.id.into()),
                    })
                    .collect()
            })
            .collect();
        let devices = roles
            .devices
            .iter()
            .map(|role| {
                q.clinic
                    .devices
                    .iter()
                    .filter(|d| d.location_id == location && d.kind == role.kind)
                    .map(|d| Pooled {
                        id: d.id,
                        free: free_of(d.id.into()),
                    })
                    .collect()
            })
            .collect();
        Self {
            roles,
            open,
            staff,
            rooms,
            devices,
        }
    }

    /// Whether the chain starting at `t` lies inside opening hours.
    fn in_hours(&self, t: Millis) -> bool {
        covers(&self.open, shifted(self.roles.extent, t))
    }

    /// The first free room of each room role and device of each device role, as indexes into
    /// the pools; `false` when some role has none free.
    fn pick_rooms_devices(&self, t: Millis, picks: &mut Vec<usize>) -> bool {
        picks.clear();
        for (role, pool) in self.roles.rooms.iter().zip(&self.rooms) {
            match pool.iter().position(|r| fits(&r.free, &role.spans, t)) {
                Some(i) => picks.push(i),
                None => return false,
            }
        }
        for (role, pool) in self.roles.devices.iter().zip(&self.devices) {
            match pool.iter().position(|d| fits(&d.free, &role.spans, t)) {
                Some(i) => picks.push(i),
                None => return false,
            }
        }
        true
    }

    /// The plan for a start, a staff member (index into `self.staff`) and room/device picks.
    fn plan(&self, t: Millis, staff: Option<usize>, picks: &[usize]) -> Plan {
        let roles = &self.roles;
        let staff_spans = roles.staff.as_ref().map_or(0, Vec::len);
        let rows = staff_spans
            + roles.rooms.iter().map(|r| r.spans.len()).sum::<usize>()
            + roles.devices.iter().map(|r| r.spans.len()).sum::<usize>();
        let mut holds = Vec::with_capacity(rows);
        let staff_id = staff.map(|i| self.staff[i].staff.id);
        if let (Some(id), Some(spans)) = (staff_id, &roles.staff) {
            holds.extend(spans.iter().map(|s| (id.into(), shifted(*s, t))));
        }
        let (room_picks, device_picks) = picks.split_at(roles.rooms.len());
        for ((role, pool), &i) in roles.rooms.iter().zip(&self.rooms).zip(room_picks) {
            let id: ResourceId = pool[i].id.into();
            holds.extend(role.spans.iter().map(|s| (id, shifted(*s, t))));
        }
        for ((role, pool), &i) in roles.devices.iter().zip(&self.devices).zip(device_picks) {
            let id: ResourceId = pool[i].id.into();
            holds.extend(role.spans.iter().map(|s| (id, shifted(*s, t))));
        }
        Plan {
            start: t,
            end: t + roles.duration_ms,
            staff: staff_id,
            room: self
                .rooms
                .first()
                .zip(room_picks.first())
                .map(|(p, &i)| p[i].id),
            device: self
                .devices
                .first()
                .zip(device_picks.first())
                .map(|(p, &i)| p[i].id),
            holds,
        }
    }

    /// Appends the slots at `t` (one per free staff member, in clinic order).
    fn offer(&self, t: Millis, picks: &mut Vec<usize>, out: &mut Vec<Slot>) {
        if !self.in_hours(t) || !self.pick_rooms_devices(t, picks) {
            return;
        }
        let mut push = |staff: Option<usize>| {
            let plan = self.plan(t, staff, picks);
            out.push(Slot {
                start: plan.start,
                end: plan.end,
                staff: plan.staff,
                plan,
            });
        };
        match &self.roles.staff {
            None => push(None),
            Some(spans) => {
                for (i, s) in self.staff.iter().enumerate() {
                    if fits(&s.free, spans, t) {
                        push(Some(i));
                    }
                }
            }
        }
    }
}

/// Whether every span of a pattern, moved to `t`, lies inside one interval of `free`.
fn fits(free: &[Interval], spans: &Spans, t: Millis) -> bool {
    spans.iter().all(|s| covers(free, shifted(*s, t)))
}

/// Local dates `first..=last`.
fn dates(first: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), move |d| {
        d.tomorrow().ok().filter(|n| *n <= last)
    })
    .take_while(move |d| *d <= last)
}

/// The staff a query may use, in clinic order; empty when the service needs no staff.
fn eligible_staff<'q>(q: &Query<'q>, roles: &Roles) -> Result<Vec<&'q Staff>, Unavailable> {
    if roles.staff.is_none() {
        return Ok(Vec::new());
    }
    let qualified: Vec<&Staff> = q
        .clinic
        .qualified_staff(q.service.id, q.location.id)
        .filter(|s| q.staff.is_none_or(|id| id == s.id))
        .collect();
    match (qualified.is_empty(), q.staff) {
        (false, _) => Ok(qualified),
        (true, Some(_)) => Err(Unavailable::StaffNotQualified),
        (true, None) => Err(Unavailable::NoQualifiedStaff),
    }
}

/// Candidate starts of the query's dates (clipped to today..=horizon), on the grid, inside
/// each date's own opening hours, not before `now + notice`; sorted, no duplicates.
fn candidate_starts(q: &Query<'_>, from: Date, to: Date) -> Vec<Millis> {
    let tz = q.location.zone.tz();
    let today = local_date(q.now_ms, tz);
    let first = from.max(today);
    let last = to.min(add_days(today, i64::from(q.policy.horizon_days)));
    let earliest = earliest_start(q);
    let mut out = Vec::new();
    if first > last {
        return out;
    }
    for date in dates(first, last) {
        if !q.location.is_closed(date) {
            push_grid_starts(
                date,
                tz,
                q.policy.grid_minutes,
                &q.location.hours.on(date, tz),
                &mut out,
            );
        }
    }
    out.retain(|&t| t >= earliest);
    out.sort_unstable();
    out.dedup();
    out
}

fn earliest_start(q: &Query<'_>) -> Millis {
    q.now_ms
        .saturating_add(i64::from(q.policy.min_notice_minutes) * MINUTE_MS)
}

/// Every bookable start in `q.from..=q.to` (local dates), one entry per (start, staff member),
/// sorted by start, then by staff order in `clinic.staff`. Only staff qualified for the service
/// at the location are offered (only `q.staff`, when set). A service that needs no staff yields
/// one entry per start with `staff: None`. See the module docs for the rules.
pub fn slots(q: &Query<'_>, holds: &HoldIndex) -> Vec<Slot> {
    let roles = Roles::of(q.service);
    let Ok(staff) = eligible_staff(q, &roles) else {
        return Vec::new();
    };
    if roles.duration_ms <= 0 {
        return Vec::new();
    }
    let starts = candidate_starts(q, q.from, q.to);
    let (Some(&lo), Some(&hi)) = (starts.first(), starts.last()) else {
        return Vec::new();
    };
    let ctx = Ctx::build(q, holds, roles, Interval::new(lo, hi + 1), staff);
    let mut picks = Vec::new();
    let mut out = Vec::new();
    for &t in &starts {
        ctx.offer(t, &mut picks, &mut out);
    }
    out
}

/// The plan for a booking at exactly `start`, or why it cannot be booked. `q.from`/`q.to` are
/// not used. With `q.staff` set, only that staff member is considered; otherwise one is chosen
/// by the auto-assignment rule (module docs): fewest held minutes that local day, ties by order
/// in `clinic.staff`.
pub fn plan_at(q: &Query<'_>, start: Millis, holds: &HoldIndex) -> Result<Plan, Unavailable> {
    let roles = Roles::of(q.service);
    let staff = eligible_staff(q, &roles)?;
    let tz = q.location.zone.tz();
    let grid = q.policy.grid_minutes.max(1);
    if local_minute_of_day(start, tz).is_none_or(|m| m % grid != 0) {
        return Err(Unavailable::NotOnGrid);
    }
    if start < earliest_start(q) {
        return Err(Unavailable::TooSoon);
    }
    let date = local_date(start, tz);
    if date > add_days(local_date(q.now_ms, tz), i64::from(q.policy.horizon_days)) {
        return Err(Unavailable::BeyondHorizon);
    }
    if q.location.is_closed(date) {
        return Err(Unavailable::Closed);
    }
    if roles.duration_ms <= 0 {
        return Err(Unavailable::OutsideHours);
    }
    let ctx = Ctx::build(q, holds, roles, Interval::new(start, start + 1), staff);
    if !ctx.in_hours(start) {
        return Err(Unavailable::OutsideHours);
    }
    let staff = match &ctx.roles.staff {
        None => None,
        Some(spans) => {
            let free: Vec<usize> = (0..ctx.staff.len())
                .filter(|&i| fits(&ctx.staff[i].free, spans, start))
                .collect();
            if free.is_empty() {
                let working = ctx.staff.iter().any(|s| fits(&s.working, spans, start));
                return Err(if working {
                    Unavailable::Taken
                } else {
                    Unavailable::OutsideHours
                });
            }
            let day = day_window(date, tz);
            free.into_iter()
                .min_by_key(|&i| holds.held_ms(ctx.staff[i].staff.id.into(), day, q.exclude))
        }
    };
    let mut picks = Vec::new();
    if !ctx.pick_rooms_devices(start, &mut picks) {
        return Err(Unavailable::Taken);
    }
    Ok(ctx.plan(start, staff, &picks))
}

/// The instants of one local date.
fn day_window(date: Date, tz: &jiff::tz::TimeZone) -> Interval {
    let lo = start_of_day(date, tz).unwrap_or(Millis::MIN);
    let hi = start_of_day(add_days(date, 1), tz).unwrap_or(Millis::MAX);
    Interval::new(lo, hi)
}

/// Up to `n` free starts nearest to `around` (by absolute distance, earlier first on a tie),
/// searched within [`ALTERNATIVES_WINDOW_DAYS`] local days on each side of `around`'s date and
/// returned sorted by start. One entry per start: with `q.staff` unset the staff member is chosen
/// by the same rule as [`plan_at`], so booking an alternative with `plan_at` gets that plan.
/// `q.from`/`q.to` are not used.
pub fn alternatives(q: &Query<'_>, around: Millis, holds: &HoldIndex, n: usize) -> Vec<Slot> {
    if n == 0 {
        return Vec::new();
    }
    let tz = q.location.zone.tz();
    let centre = local_date(around, tz);
    let wide = Query {
        from: add_days(centre, -ALTERNATIVES_WINDOW_DAYS),
        to: add_days(centre, ALTERNATIVES_WINDOW_DAYS),
        ..*q
    };
    let all = slots(&wide, holds);
    // Group the per-staff entries of each start and keep one.
    let mut held: HashMap<(ResourceId, Date), Millis> = HashMap::new();
    let mut chosen: Vec<Slot> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let start = all[i].start;
        let j = i + all[i..].iter().take_while(|s| s.start == start).count();
        let group = &all[i..j];
        let date = local_date(start, tz);
        let pick = group
            .iter()
            .min_by_key(|s| {
                s.staff.map_or(0, |id| {
                    *held.entry((id.into(), date)).or_insert_with(|| {
                        holds.held_ms(id.into(), day_window(date, tz), q.exclude)
                    })
                })
            })
            .cloned();
        chosen.extend(pick);
        i = j;
    }
    chosen.sort_by_key(|s| ((s.start - around).abs(), s.start));
    chosen.truncate(n);
    chosen.sort_by_key(|s| s.start);
    chosen
}
