//! The date and time steps, shared by a new booking and by moving one: a list of days with
//! their free-time counts (each open day a button, closed and full days plain text), then the
//! free times of one day as radio buttons grouped morning / afternoon / evening, with an
//! optional provider filter. Times are in the location's zone, named once per page.

use super::Flow;
use super::draft::Draft;
use super::slots::{self, DayState, Search};
use super::views::{Page, Progress, progress, respond};
use crate::error::PageError;
use crate::forms::FormErrors;
use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use medspa_core::AppointmentId;
use medspa_core::StaffId;
use medspa_core::availability::Slot;
use medspa_core::catalog::Service;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::protocol::Wait;
use medspa_core::time::add_days;

/// Dates per page of the date step.
pub const DAYS_PER_PAGE: i64 = 14;

/// What is being booked (or moved) and the dates it may start on.
pub struct Subject<'c> {
    pub clinic: &'c Clinic,
    pub service: &'c Service,
    pub location: &'c Location,
    pub today: Date,
    /// First date allowed (today, or the end of a prep window or a series interval's start).
    pub earliest: Date,
    /// Last date allowed besides the booking horizon (a series interval's end).
    pub latest: Option<Date>,
    /// Why the dates are limited, when it isn't only the prep windows (a series interval).
    pub window_note: Option<String>,
    /// The prep windows that moved `earliest`, to explain it.
    pub waits: Vec<Wait>,
    /// The appointment being moved (its own holds don't count).
    pub exclude: Option<AppointmentId>,
    /// Progress labels of this flow.
    pub steps: Vec<&'static str>,
}

impl Subject<'_> {
    /// The last date a start may fall on: the booking horizon, or the series interval's end.
    pub fn last_date(&self, app: &AppState) -> Date {
        let horizon = slots::last_date(app, self.today);
        self.latest.map_or(horizon, |l| l.min(horizon))
    }

    /// Whether `date` is one the date step offers.
    pub fn allows(&self, app: &AppState, date: Date) -> bool {
        date >= self.earliest && date <= self.last_date(app)
    }
}

/// Everything a step page needs.
pub struct Ctx<'a, 'c> {
    pub app: &'a AppState,
    pub flow: &'a Flow,
    pub subject: &'a Subject<'c>,
    pub draft: &'a Draft,
    pub csrf: &'a str,
}

impl Ctx<'_, '_> {
    /// The carried draft minus `except`.
    pub fn hidden(&self, except: &[&str]) -> Vec<(String, String)> {
        self.draft
            .hidden(Some(&self.subject.service.protocol), except)
    }

    /// The progress list with `current` marked.
    pub fn progress(&self, current: &str) -> Vec<Progress> {
        progress(&self.subject.steps, current)
    }

    /// Sends a page of this flow in its frame.
    pub fn respond(&self, page: &Page) -> Result<Response, PageError> {
        respond(self.app, self.flow.embed, &self.flow.start(), page)
    }

    /// The provider chosen in the time step's filter, when valid.
    fn provider(&self) -> Option<StaffId> {
        let s = self.subject;
        crate::booking::resolve_staff(
            s.clinic,
            s.service,
            s.location,
            Some(&self.draft.provider),
            "provider",
        )
        .ok()
        .flatten()
    }
}

/// A way back from the date step.
pub struct Back {
    pub url: String,
    pub label: &'static str,
    /// A form button carrying the draft (else a plain link).
    pub post: bool,
}

fn back(cx: &Ctx<'_, '_>) -> Back {
    if cx.flow.reschedule.is_some() {
        let reference = cx.flow.reschedule.as_deref().unwrap_or_default();
        Back {
            url: super::views::manage_path(reference, &cx.draft.token),
            label: "Keep my current time",
            post: false,
        }
    } else if cx.subject.service.protocol.screening.is_empty() {
        Back {
            url: cx.flow.start(),
            label: "Choose another treatment",
            post: false,
        }
    } else {
        Back {
            url: cx.flow.url("questions"),
            label: "Change my answers",
            post: true,
        }
    }
}

struct DayView {
    value: String,
    label: String,
    /// "12 free times", or why there are none.
    status: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "site/book_date.html")]
struct DatePage {
    progress: Vec<Progress>,
    csrf: String,
    hidden: Vec<(String, String)>,
    service: String,
    rescheduling: bool,
    notice: Option<String>,
    window_note: Option<String>,
    prep: Vec<String>,
    earliest: String,
    days: Vec<DayView>,
    range: String,
    zone: String,
    none_free: bool,
    action_time: String,
    action_date: String,
    earlier: Option<String>,
    later: Option<String>,
    /// When nothing is free on the shown dates: the next day that has a free time.
    next_free: Option<DayLink>,
    /// "Who would you like to see?", to choose a provider before a date.
    providers: Vec<ProviderOption>,
    /// Qualified providers left out of the choice: nothing free in the horizon.
    unavailable: Vec<String>,
    hidden_filter: Vec<(String, String)>,
    back: Back,
}

/// A date to jump to, as a button.
struct DayLink {
    value: String,
    label: String,
}

impl DayLink {
    fn of(date: Date) -> Self {
        Self {
            value: date.to_string(),
            label: slots::day_label(date),
        }
    }
}

/// The provider choice for the date and time steps: "Any provider" and each qualified
/// provider who has a free time before the horizon; the others are named apart ("no free
/// times in the next N weeks") so a client never picks someone and meets an empty page.
async fn provider_choice(
    cx: &Ctx<'_, '_>,
    chosen: Option<StaffId>,
) -> Result<(Vec<ProviderOption>, Vec<String>), PageError> {
    let s = cx.subject;
    let qualified: Vec<_> = s
        .clinic
        .qualified_staff(s.service.id, s.location.id)
        .collect();
    if qualified.len() < 2 || !s.service.needs_staff() {
        return Ok((Vec::new(), Vec::new()));
    }
    let last = s.last_date(cx.app);
    let weeks = (s.earliest.until(last).map_or(0, |span| span.get_days()) + 6) / 7;
    let mut options = vec![ProviderOption {
        id: "provider".to_owned(),
        value: String::new(),
        label: "Any provider".to_owned(),
        checked: chosen.is_none(),
    }];
    let mut unavailable = Vec::new();
    for st in qualified {
        let search = Search {
            clinic: s.clinic,
            service: s.service,
            location: s.location,
            staff: Some(st.id),
            exclude: s.exclude,
        };
        let free = slots::free_days(cx.app, &search, s.earliest, last, 1).await?;
        if free.is_empty() && chosen != Some(st.id) {
            unavailable.push(format!(
                "{} has no free times in the next {weeks} weeks.",
                st.name
            ));
            continue;
        }
        options.push(ProviderOption {
            id: format!("provider-{}", options.len()),
            value: st.id.to_string(),
            label: st.name.clone(),
            checked: chosen == Some(st.id),
        });
    }
    Ok((options, unavailable))
}

/// A `YYYY-MM-DD` form value.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    (raw.len() == 10).then(|| raw.parse().ok()).flatten()
}

/// The date step: `DAYS_PER_PAGE` days from `from` (clamped to the allowed dates).
pub async fn date_page(
    cx: &Ctx<'_, '_>,
    from: Option<Date>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let s = cx.subject;
    let last = s.last_date(cx.app);
    let from = from.unwrap_or(s.earliest).max(s.earliest).min(last);
    let to = add_days(from, DAYS_PER_PAGE - 1).min(last);
    let search = Search {
        clinic: s.clinic,
        service: s.service,
        location: s.location,
        staff: cx.provider(),
        exclude: s.exclude,
    };
    let found = slots::free(cx.app, &search, from, to).await?;
    let days: Vec<DayView> = slots::days(&found.slots, s.location, from, to)
        .into_iter()
        .map(|(date, state)| DayView {
            value: date.to_string(),
            label: slots::day_label(date),
            status: match state {
                DayState::Open(1) => "1 free time".to_owned(),
                DayState::Open(n) => format!("{n} free times"),
                DayState::Closed => "Closed".to_owned(),
                DayState::Full => "Fully booked".to_owned(),
            },
            open: matches!(state, DayState::Open(_)),
        })
        .collect();
    let none_free = !days.iter().any(|d| d.open);
    let next_free = if none_free && to < last {
        slots::free_days(cx.app, &search, add_days(to, 1), last, 1)
            .await?
            .first()
            .map(|d| DayLink::of(*d))
    } else {
        None
    };
    let (providers, unavailable) = provider_choice(cx, search.staff).await?;
    let prep = if s.earliest > s.today {
        s.waits.iter().map(|w| w.text.clone()).collect()
    } else {
        Vec::new()
    };
    let page = DatePage {
        progress: cx.progress("Date"),
        csrf: cx.csrf.to_owned(),
        hidden: cx.hidden(&["start", "staff", "attempt"]),
        service: s.service.name.clone(),
        rescheduling: cx.flow.reschedule.is_some(),
        notice,
        window_note: s.window_note.clone(),
        prep,
        earliest: slots::day_label_long(s.earliest),
        none_free,
        next_free,
        providers,
        unavailable,
        hidden_filter: cx.hidden(&["start", "staff", "attempt", "provider"]),
        days,
        range: format!(
            "{} to {}",
            slots::day_label(from),
            slots::day_label_long(to)
        ),
        zone: slots::zone_note(
            medspa_core::time::start_of_day(from, s.location.zone.tz()).unwrap_or_default(),
            s.location,
        ),
        action_time: cx.flow.url("time"),
        action_date: cx.flow.url("date"),
        earlier: (from > s.earliest)
            .then(|| add_days(from, -DAYS_PER_PAGE).max(s.earliest).to_string()),
        later: (to < last).then(|| add_days(to, 1).to_string()),
        back: back(cx),
    };
    let title = if cx.flow.reschedule.is_some() {
        format!("Choose a new date: {}", s.service.name)
    } else {
        format!("Choose a date: {}", s.service.name)
    };
    cx.respond(&Page::of(title, &page)?.status(status))
}

/// A slot the client couldn't have, with the nearest free ones.
pub struct Problem {
    pub message: String,
    pub alternatives: Vec<Slot>,
}

struct TimeOption {
    id: String,
    value: String,
    /// Read out but not shown (the day, when the group already says it).
    prefix: String,
    text: String,
    checked: bool,
}

struct TimeGroup {
    label: &'static str,
    options: Vec<TimeOption>,
}

struct ProviderOption {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "site/book_time.html")]
struct TimePage {
    progress: Vec<Progress>,
    csrf: String,
    hidden: Vec<(String, String)>,
    hidden_filter: Vec<(String, String)>,
    service: String,
    rescheduling: bool,
    day: String,
    date: String,
    zone: String,
    problem: Option<String>,
    errors: FormErrors,
    alternatives: Vec<TimeOption>,
    groups: Vec<TimeGroup>,
    providers: Vec<ProviderOption>,
    unavailable: Vec<String>,
    /// With a provider chosen and nothing free that day: their next free days.
    next_days: Vec<DayLink>,
    provider_name: Option<String>,
    action_next: String,
    action_time: String,
    action_date: String,
}

/// The time step for `date`, with a problem (a taken slot) or errors to show.
pub async fn time_page(
    cx: &Ctx<'_, '_>,
    date: Date,
    problem: Option<Problem>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let s = cx.subject;
    let provider = cx.provider();
    let search = Search {
        clinic: s.clinic,
        service: s.service,
        location: s.location,
        staff: provider,
        exclude: s.exclude,
    };
    let found = slots::free(cx.app, &search, date, date).await?;
    let qualified: Vec<_> = s
        .clinic
        .qualified_staff(s.service.id, s.location.id)
        .collect();
    let chosen: Vec<&Slot> = if provider.is_none() && qualified.len() > 1 {
        slots::one_per_start(&found.slots, &found.holds, s.location, s.exclude)
    } else {
        found.slots.iter().collect()
    };
    let picked = format!("{}|{}", cx.draft.start, cx.draft.staff);
    let mut n = 0usize;
    let mut option = |slot: &Slot, with_day: bool| {
        let value = slots::slot_value(s.location, slot);
        let label = slots::slot_label(s.clinic, s.location, slot.start, slot.staff);
        let (prefix, text) = match label.split_once(", ") {
            Some((day, rest)) if !with_day => (format!("{day}, "), rest.to_owned()),
            _ => (String::new(), label),
        };
        let id = if n == 0 {
            "slot".to_owned()
        } else {
            format!("slot-{n}")
        };
        n += 1;
        TimeOption {
            id,
            checked: value == picked,
            prefix,
            text,
            value,
        }
    };
    let (message, alternatives) = match problem {
        Some(p) => (
            Some(p.message),
            p.alternatives.iter().map(|a| option(a, true)).collect(),
        ),
        None => (None, Vec::new()),
    };
    let mut groups: Vec<TimeGroup> = ["Morning", "Afternoon", "Evening"]
        .into_iter()
        .map(|label| TimeGroup {
            label,
            options: Vec::new(),
        })
        .collect();
    for slot in chosen {
        let label = slots::period(slot.start, s.location);
        if let Some(g) = groups.iter_mut().find(|g| g.label == label) {
            g.options.push(option(slot, false));
        }
    }
    groups.retain(|g| !g.options.is_empty());
    let (providers, unavailable) = provider_choice(cx, provider).await?;
    // The chosen provider has nothing this day: their next free days, so changing the
    // provider never ends on an empty page.
    let next_days: Vec<DayLink> = if groups.is_empty() && alternatives.is_empty() {
        let last = s.last_date(cx.app);
        slots::free_days(cx.app, &search, add_days(date, 1), last, 3)
            .await?
            .into_iter()
            .map(DayLink::of)
            .collect()
    } else {
        Vec::new()
    };
    let provider_name = provider
        .and_then(|id| s.clinic.staff_member(id))
        .map(|st| st.name.clone());
    let day = slots::day_label(date);
    let page = TimePage {
        progress: cx.progress("Time"),
        csrf: cx.csrf.to_owned(),
        hidden: cx.hidden(&["start", "staff", "attempt", "date"]),
        hidden_filter: cx.hidden(&["start", "staff", "attempt", "provider", "date"]),
        service: s.service.name.clone(),
        rescheduling: cx.flow.reschedule.is_some(),
        zone: slots::zone_note(
            medspa_core::time::start_of_day(date, s.location.zone.tz()).unwrap_or_default(),
            s.location,
        ),
        date: date.to_string(),
        problem: message,
        alternatives,
        groups,
        providers,
        unavailable,
        next_days,
        provider_name,
        action_next: cx.flow.url(if cx.flow.reschedule.is_some() {
            "review"
        } else {
            "details"
        }),
        action_time: cx.flow.url("time"),
        action_date: cx.flow.url("date"),
        errors,
        day,
    };
    let title = format!("Choose a time on {}: {}", page.day, s.service.name);
    let error = !page.errors.is_empty() || page.problem.is_some();
    cx.respond(&Page::of(title, &page)?.status(status).with_errors(error))
}

/// A chosen slot's `start|staff` radio value, split.
pub fn parse_slot(raw: &str) -> Option<(String, String)> {
    let (start, staff) = raw.split_once('|')?;
    let start = start.trim();
    crate::booking::parse_instant(start, "start").ok()?;
    Some((start.to_owned(), staff.trim().to_owned()))
}
