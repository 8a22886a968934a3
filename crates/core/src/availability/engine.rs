//! The engine proper: builds one free list per resource for a query window, then checks
//! candidate starts against them ([`slots`]), one exact start with reasons ([`plan_at`]), or the
//! nearest free starts around a wanted one ([`alternatives`]). The rules are in the module docs
//! of `availability`; this file must not read a clock or touch storage.

use super::grid::{LocalDay, local_days};
use super::intervals::{clip, covers, normalize, subtract, subtract_into};
use super::pattern::{MINUTE_MS, Roles, Spans, shifted};
use super::{HoldIndex, Plan, Query, Slot, Unavailable};
use crate::clinic::Staff;
use crate::ids::{DeviceId, ResourceId, RoomId};
use crate::time::{Interval, Millis, add_days, local_date, local_minute_of_day, start_of_day};
use jiff::civil::Date;

/// How far [`alternatives`] looks on each side of the wanted start, in local days.
pub const ALTERNATIVES_WINDOW_DAYS: i64 = 14;

impl Query<'_> {
    /// The instants whose holds [`slots`] may read for this query: a caller that loads holds
    /// from storage must load at least every hold overlapping this interval.
    pub fn hold_window(&self) -> Interval {
        self.hold_window_for(self.from, self.to)
    }

    /// The instants whose holds [`plan_at`] may read for `start`: the chain, and the whole local
    /// day for the auto-assignment rule.
    pub fn hold_window_at(&self, start: Millis) -> Interval {
        let date = local_date(start, self.location.zone.tz());
        self.hold_window_for(date, date)
    }

    /// The instants whose holds [`alternatives`] may read around `around`.
    pub fn hold_window_around(&self, around: Millis) -> Interval {
        let centre = local_date(around, self.location.zone.tz());
        self.hold_window_for(
            add_days(centre, -ALTERNATIVES_WINDOW_DAYS),
            add_days(centre, ALTERNATIVES_WINDOW_DAYS),
        )
    }

    /// Starts on local dates `from..=to`, widened by the chain and buffers.
    fn hold_window_for(&self, from: Date, to: Date) -> Interval {
        let tz = self.location.zone.tz();
        let extent = Roles::of(self.service).extent;
        let lo = start_of_day(from, tz).unwrap_or(Millis::MIN);
        let hi = start_of_day(add_days(to, 1), tz).unwrap_or(Millis::MAX);
        Interval::new(
            lo.saturating_add(extent.start),
            hi.saturating_add(extent.end),
        )
    }
}

/// A staff member with their working time and free time inside the window.
struct StaffFree<'a> {
    staff: &'a Staff,
    /// Hours minus breaks: being outside this is "outside hours", not "taken".
    working: Vec<Interval>,
    /// `working` minus time off minus holds.
    free: Vec<Interval>,
}

impl<'a> StaffFree<'a> {
    /// Expands hours and breaks on each of `days`, then removes time off and holds.
    fn read(
        staff: &'a Staff,
        q: &Query<'_>,
        holds: &HoldIndex,
        window: Interval,
        days: &[LocalDay],
    ) -> Self {
        let tz = q.location.zone.tz();
        let (mut working, mut hours, mut breaks) = (Vec::new(), Vec::new(), Vec::new());
        for day in days {
            hours.clear();
            day.expand(staff.hours.for_weekday(day.date.weekday()), tz, &mut hours);
            normalize(&mut hours);
            breaks.clear();
            day.expand(
                staff.breaks.for_weekday(day.date.weekday()),
                tz,
                &mut breaks,
            );
            normalize(&mut breaks);
            subtract_into(&hours, &breaks, &mut working);
        }
        normalize(&mut working);
        let working = clip(&working, window);
        // Time off is a short list per person; holds come from the index, near the window only.
        let mut off: Vec<Interval> = staff
            .time_off
            .iter()
            .filter(|iv| iv.overlaps(&window))
            .copied()
            .collect();
        normalize(&mut off);
        let busy = holds.busy(staff.id.into(), window, q.exclude);
        let free = subtract(&subtract(&working, &off), &busy);
        Self {
            staff,
            working,
            free,
        }
    }
}

/// A room or device with its free time inside the window.
struct Pooled<Id> {
    id: Id,
    free: Vec<Interval>,
}

impl<Id: Copy + Into<ResourceId>> Pooled<Id> {
    /// Rooms and devices are available whenever the location is open (checked on the chain),
    /// so their free time is the window minus their holds.
    fn read(id: Id, holds: &HoldIndex, window: Interval, q: &Query<'_>) -> Self {
        Self {
            id,
            free: subtract(&[window], &holds.busy(id.into(), window, q.exclude)),
        }
    }
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
        // A day either side: hours of the neighbouring dates may touch the window.
        let days = local_days(
            add_days(local_date(window.start, tz), -1),
            add_days(local_date(window.end, tz), 1),
            tz,
        );
        let mut open = Vec::new();
        for day in days.iter().filter(|d| !q.location.is_closed(d.date)) {
            day.expand(
                q.location.hours.for_weekday(day.date.weekday()),
                tz,
                &mut open,
            );
        }
        normalize(&mut open);
        let open = clip(&open, window);

        let staff = staff
            .into_iter()
            .map(|s| StaffFree::read(s, q, holds, window, &days))
            .collect();
        let location = q.location.id;
        let rooms = roles
            .rooms
            .iter()
            .map(|role| {
                let of_kind = q.clinic.rooms.iter();
                let of_kind = of_kind.filter(|r| r.location_id == location && r.kind == role.kind);
                of_kind
                    .map(|r| Pooled::read(r.id, holds, window, q))
                    .collect()
            })
            .collect();
        let devices = roles
            .devices
            .iter()
            .map(|role| {
                let of_kind = q.clinic.devices.iter();
                let of_kind = of_kind.filter(|d| d.location_id == location && d.kind == role.kind);
                of_kind
                    .map(|d| Pooled::read(d.id, holds, window, q))
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

    /// Appends the index of the first free room of each room role and the first free device of
    /// each device role (into the pools) to `picks`; `false`, with `picks` as it was, when some
    /// role has none free.
    fn pick_rooms_devices(&self, t: Millis, picks: &mut Vec<usize>) -> bool {
        let before = picks.len();
        let rooms = self
            .roles
            .rooms
            .iter()
            .zip(&self.rooms)
            .map(|(role, pool)| pool.iter().position(|r| fits(&r.free, &role.spans, t)));
        let devices = self
            .roles
            .devices
            .iter()
            .zip(&self.devices)
            .map(|(role, pool)| pool.iter().position(|d| fits(&d.free, &role.spans, t)));
        for pick in rooms.chain(devices) {
            let Some(i) = pick else {
                picks.truncate(before);
                return false;
            };
            picks.push(i);
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

    /// Finds the offers at `t` (one per free staff member, in clinic order): appends them to
    /// `offers` and this start's room/device picks to `picks`, one block per start.
    fn find(&self, t: Millis, picks: &mut Vec<usize>, offers: &mut Vec<Offer>) {
        let block = picks.len();
        if !self.in_hours(t) || !self.pick_rooms_devices(t, picks) {
            return;
        }
        match &self.roles.staff {
            None => offers.push(Offer {
                t,
                staff: None,
                picks: block,
            }),
            Some(spans) => {
                let free = self
                    .staff
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| fits(&s.free, spans, t));
                offers.extend(free.map(|(i, _)| Offer {
                    t,
                    staff: Some(i),
                    picks: block,
                }));
            }
        }
    }
}

/// A slot found but not yet planned: planning allocates (most of the cost on a quiet calendar),
/// so offers are found first, then only the ones returned are planned.
struct Offer {
    t: Millis,
    staff: Option<usize>,
    /// Where this start's room/device picks begin in the shared picks list.
    picks: usize,
}

/// Whether every span of a pattern, moved to `t`, lies inside one interval of `free`.
fn fits(free: &[Interval], spans: &Spans, t: Millis) -> bool {
    spans.iter().all(|s| covers(free, shifted(*s, t)))
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
    let first = from.max(first_date(q, today));
    let last = to.min(add_days(today, i64::from(q.policy.horizon_days)));
    let earliest = earliest_start(q);
    let mut out = Vec::new();
    if first > last {
        return out;
    }
    let mut open = Vec::new();
    for day in local_days(first, last, tz) {
        if !q.location.is_closed(day.date) {
            open.clear();
            day.expand(
                q.location.hours.for_weekday(day.date.weekday()),
                tz,
                &mut open,
            );
            day.push_grid_starts(tz, q.policy.grid_minutes, &open, &mut out);
        }
    }
    out.retain(|&t| t >= earliest);
    out.sort_unstable();
    out.dedup();
    out
}

/// The first date a start may fall on: today plus the service's lead time (the days its
/// required pre-care steps need, PROTOCOLS.md §2).
fn first_date(q: &Query<'_>, today: Date) -> Date {
    add_days(today, i64::from(q.service.protocol.lead_days()))
}

fn earliest_start(q: &Query<'_>) -> Millis {
    q.now_ms
        .saturating_add(i64::from(q.policy.min_notice_minutes) * MINUTE_MS)
}

/// Every offer of a query, found but not yet planned.
struct Found<'q> {
    ctx: Ctx<'q>,
    /// Sorted by start, then staff order.
    offers: Vec<Offer>,
    picks: Vec<usize>,
}

impl Found<'_> {
    /// Finds the offers of `q.from..=q.to`; `None` when there are none.
    fn of<'q>(q: &'q Query<'q>, holds: &HoldIndex) -> Option<Found<'q>> {
        let roles = Roles::of(q.service);
        let staff = eligible_staff(q, &roles).ok()?;
        if roles.duration_ms <= 0 {
            return None;
        }
        let starts = candidate_starts(q, q.from, q.to);
        let (&lo, &hi) = (starts.first()?, starts.last()?);
        let ctx = Ctx::build(q, holds, roles, Interval::new(lo, hi + 1), staff);
        let (mut picks, mut offers) = (Vec::new(), Vec::new());
        for &t in &starts {
            ctx.find(t, &mut picks, &mut offers);
        }
        Some(Found { ctx, offers, picks })
    }

    fn slot(&self, o: &Offer) -> Slot {
        let width = self.ctx.rooms.len() + self.ctx.devices.len();
        let plan = self
            .ctx
            .plan(o.t, o.staff, &self.picks[o.picks..o.picks + width]);
        Slot {
            start: plan.start,
            end: plan.end,
            staff: plan.staff,
            plan,
        }
    }
}

/// Every bookable start in `q.from..=q.to` (local dates), one entry per (start, staff member),
/// sorted by start, then by staff order in `clinic.staff`. Only staff qualified for the service
/// at the location are offered (only `q.staff`, when set). A service that needs no staff yields
/// one entry per start with `staff: None`. See the module docs for the rules.
pub fn slots(q: &Query<'_>, holds: &HoldIndex) -> Vec<Slot> {
    let Some(found) = Found::of(q, holds) else {
        return Vec::new();
    };
    // Planning allocates: size the output once.
    let mut out = Vec::with_capacity(found.offers.len());
    out.extend(found.offers.iter().map(|o| found.slot(o)));
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
    let today = local_date(q.now_ms, tz);
    if date < first_date(q, today) {
        return Err(Unavailable::TooSoon);
    }
    if date > add_days(today, i64::from(q.policy.horizon_days)) {
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
    let Some(found) = Found::of(&wide, holds) else {
        return Vec::new();
    };
    // The offers of one start are adjacent; keep the `n` starts nearest to `around`.
    let mut groups: Vec<&[Offer]> = found.offers.chunk_by(|a, b| a.t == b.t).collect();
    groups.sort_by_key(|g| ((g[0].t - around).abs(), g[0].t));
    groups.truncate(n);
    groups.sort_by_key(|g| g[0].t);
    groups
        .into_iter()
        .filter_map(|group| {
            let day = day_window(local_date(group[0].t, tz), tz);
            let held = |o: &&Offer| {
                o.staff.map_or(0, |i| {
                    let id = found.ctx.staff[i].staff.id;
                    holds.held_ms(id.into(), day, q.exclude)
                })
            };
            // Same rule as `plan_at`: fewest held minutes, ties by clinic order.
            group.iter().min_by_key(held).map(|o| found.slot(o))
        })
        .collect()
}
