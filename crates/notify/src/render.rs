//! Email rendering: one askama template pair (plain text + simple HTML) per kind under
//! `templates/mail/`, the subject line, the `.ics` attachment, and the MIME message with a
//! `Message-ID` derived from the outbox id (a rare resend after a crash is recognisable).
//!
//! What each kind may show: a reminder holds the first name, the service, the time and the
//! manage link only; the others add the location and the clinic's phone; a care-step email
//! adds the protocol's generic step text and when to call. Never the surname, contact details
//! beyond the address it is sent to, screening answers or notes (the context holds none).

use crate::ics::{self, IcsEvent, IcsStatus};
use askama::Template;
use jiff::{Timestamp, Zoned};
use lettre::Message;
use lettre::message::header::{ContentDisposition, ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use medspa_store::outbox::{AppointmentMail, MailContext, MailKind};
use std::fmt::Write as _;
use std::time::SystemTime;

/// A rendered email before MIME assembly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `.ics` attachment (confirmation, reschedule, cancellation).
    pub ics: Option<String>,
}

/// Why a message cannot be rendered or assembled (retrying will not help).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("message kind needs an appointment")]
    NoAppointment,
    #[error("recipient is not a valid address")]
    Recipient,
    #[error("message could not be assembled")]
    Build,
}

impl RenderError {
    /// A short code for `outbox.last_error`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Template(_) => "render",
            Self::NoAppointment => "no appointment",
            Self::Recipient => "bad recipient",
            Self::Build => "build",
        }
    }
}

/// One line of the care-plan summary.
struct PlanRow {
    when: String,
    title: String,
}

/// Everything the templates may show; built per kind, so fields a kind must not show stay
/// empty.
#[derive(Default)]
struct View {
    clinic_name: String,
    clinic_phone: String,
    first_name: String,
    service: String,
    when: String,
    until: String,
    previous_when: String,
    location_name: String,
    location_address: String,
    reference: String,
    manage_url: Option<String>,
    care_plan: Vec<PlanRow>,
    missed_prep: Vec<String>,
    step_title: String,
    step_detail: String,
    step_when: String,
    red_flags: Option<String>,
    notice: Vec<String>,
}

macro_rules! templates {
    ($($name:ident => $path:literal),+ $(,)?) => {$(
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            v: &'a View,
        }
    )+};
}

templates!(
    ConfirmationText => "mail/confirmation.txt",
    ConfirmationHtml => "mail/confirmation.html",
    ReminderText => "mail/reminder.txt",
    ReminderHtml => "mail/reminder.html",
    CareStepText => "mail/care_step.txt",
    CareStepHtml => "mail/care_step.html",
    CancellationText => "mail/cancellation.txt",
    CancellationHtml => "mail/cancellation.html",
    RescheduleText => "mail/reschedule.txt",
    RescheduleHtml => "mail/reschedule.html",
    NoticeText => "mail/notice.txt",
    NoticeHtml => "mail/notice.html",
);

/// "Tuesday, December 1, 2026 at 10:30 AM CST".
fn long_when(z: &Zoned) -> String {
    z.strftime("%A, %B %-d, %Y at %-I:%M %p %Z").to_string()
}

/// "Tue Dec 1, 10:30 AM".
fn short_when(z: &Zoned) -> String {
    z.strftime("%a %b %-d, %-I:%M %p").to_string()
}

/// "10:30 AM".
fn clock_time(z: &Zoned) -> String {
    z.strftime("%-I:%M %p").to_string()
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%a %b %-d").to_string()
}

/// Renders `ctx`; `host` is the site's host (iCalendar UID), `now` stamps the `.ics`.
pub fn render(ctx: &MailContext, host: &str, now: Timestamp) -> Result<Rendered, RenderError> {
    if ctx.kind == MailKind::Notice {
        return render_notice(ctx);
    }
    let a = ctx.appointment.as_ref().ok_or(RenderError::NoAppointment)?;
    if ctx.kind == MailKind::Reminder {
        return render_reminder(a);
    }
    render_appointment(ctx, a, host, now)
}

fn render_notice(ctx: &MailContext) -> Result<Rendered, RenderError> {
    let clinic_name = ctx.clinic.name.clone();
    let notice = ctx
        .payload
        .notice
        .clone()
        .unwrap_or_else(|| medspa_store::outbox::NoticeText {
            subject: format!("A message from {clinic_name}"),
            body: String::new(),
        });
    let v = View {
        clinic_name,
        clinic_phone: ctx.clinic.phone.clone(),
        notice: notice
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        ..View::default()
    };
    Ok(Rendered {
        subject: notice.subject,
        text: NoticeText { v: &v }.render()?,
        html: NoticeHtml { v: &v }.render()?,
        ics: None,
    })
}

/// The reminder view is built apart so nothing beyond its four facts can slip in.
fn render_reminder(a: &AppointmentMail) -> Result<Rendered, RenderError> {
    let v = View {
        first_name: a.first_name.clone(),
        service: a.service_name.clone(),
        when: long_when(&a.starts_at),
        manage_url: a.manage_url.clone(),
        ..View::default()
    };
    Ok(Rendered {
        subject: format!("Reminder: {}, {}", a.service_name, short_when(&a.starts_at)),
        text: ReminderText { v: &v }.render()?,
        html: ReminderHtml { v: &v }.render()?,
        ics: None,
    })
}

fn render_appointment(
    ctx: &MailContext,
    a: &AppointmentMail,
    host: &str,
    now: Timestamp,
) -> Result<Rendered, RenderError> {
    let service = a.service_name.clone();
    let when_short = short_when(&a.starts_at);
    let mut v = View {
        clinic_name: ctx.clinic.name.clone(),
        // The phone that matters for the visit: the location's, else the clinic's.
        clinic_phone: if a.location_phone.is_empty() {
            ctx.clinic.phone.clone()
        } else {
            a.location_phone.clone()
        },
        first_name: a.first_name.clone(),
        service: service.clone(),
        when: long_when(&a.starts_at),
        until: clock_time(&a.ends_at),
        location_name: a.location_name.clone(),
        location_address: a.location_address.clone(),
        reference: a.reference.clone(),
        manage_url: a.manage_url.clone(),
        ..View::default()
    };
    let (subject, text, html, status) = match ctx.kind {
        MailKind::Confirmation => {
            v.care_plan = ctx
                .payload
                .care_plan
                .iter()
                .map(|l| PlanRow {
                    when: span(l.date, l.until),
                    title: l.title.clone(),
                })
                .collect();
            v.missed_prep.clone_from(&ctx.payload.missed_prep);
            (
                format!("Booked: {service}, {when_short}"),
                ConfirmationText { v: &v }.render()?,
                ConfirmationHtml { v: &v }.render()?,
                Some(IcsStatus::Confirmed),
            )
        }
        MailKind::Reschedule => {
            let tz = a.starts_at.time_zone().clone();
            v.previous_when = ctx
                .payload
                .previous_start_ms
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .map(|t| long_when(&t.to_zoned(tz)))
                .unwrap_or_default();
            (
                format!("Moved: {service}, now {when_short}"),
                RescheduleText { v: &v }.render()?,
                RescheduleHtml { v: &v }.render()?,
                Some(IcsStatus::Confirmed),
            )
        }
        MailKind::Cancellation => (
            format!("Cancelled: {service}, {when_short}"),
            CancellationText { v: &v }.render()?,
            CancellationHtml { v: &v }.render()?,
            Some(IcsStatus::Cancelled),
        ),
        MailKind::CareStep => {
            let step = ctx.payload.step.clone().ok_or(RenderError::Build)?;
            v.step_when = span(step.date, step.until);
            v.step_title = step.title;
            v.step_detail = step.detail;
            v.red_flags = step.red_flags;
            (
                format!("{}: {}", v.step_title, service),
                CareStepText { v: &v }.render()?,
                CareStepHtml { v: &v }.render()?,
                None,
            )
        }
        MailKind::Reminder | MailKind::Notice => return Err(RenderError::Build),
    };
    let ics = status.map(|status| ics::appointment_ics(&event(ctx, a, host, now, status)));
    Ok(Rendered {
        subject,
        text,
        html,
        ics,
    })
}

/// "Wed Dec 2" or "Wed Dec 2 to Mon Mar 1".
fn span(from: jiff::civil::Date, until: Option<jiff::civil::Date>) -> String {
    match until {
        Some(u) => format!("{} to {}", day(from), day(u)),
        None => day(from),
    }
}

/// The calendar event for an appointment as of this message.
fn event(
    ctx: &MailContext,
    a: &AppointmentMail,
    host: &str,
    now: Timestamp,
    status: IcsStatus,
) -> IcsEvent {
    let mut description = String::new();
    if let Some(url) = &a.manage_url {
        let _ = writeln!(description, "Manage or cancel: {url}");
    }
    let _ = write!(description, "Booking reference: {}", a.reference);
    let phone = if a.location_phone.is_empty() {
        &ctx.clinic.phone
    } else {
        &a.location_phone
    };
    if !phone.is_empty() {
        let _ = write!(description, "\nQuestions? Call {phone}.");
    }
    let summary = if ctx.clinic.name.is_empty() {
        a.service_name.clone()
    } else {
        format!("{} at {}", a.service_name, ctx.clinic.name)
    };
    let location = match (a.location_name.is_empty(), a.location_address.is_empty()) {
        (_, true) => a.location_name.clone(),
        (true, false) => a.location_address.clone(),
        (false, false) => format!("{}, {}", a.location_name, a.location_address),
    };
    IcsEvent {
        uid: ics::uid(&a.reference, host),
        stamp: now,
        start: a.starts_at.timestamp(),
        end: a.ends_at.timestamp(),
        summary,
        location,
        description,
        url: a.manage_url.clone(),
        sequence: ctx.sequence,
        status,
    }
}

/// The `Message-ID` for an outbox message: `<outbox-uuid@host>`.
pub fn message_id(outbox_id: uuid::Uuid, host: &str) -> String {
    format!("<{outbox_id}@{host}>")
}

/// Assembles the MIME message: `multipart/alternative` (text, HTML), inside
/// `multipart/mixed` with the `.ics` when there is one.
pub fn build_message(
    ctx: &MailContext,
    rendered: Rendered,
    from: &Mailbox,
    host: &str,
    now: Timestamp,
) -> Result<Message, RenderError> {
    let to: Mailbox = ctx.recipient.parse().map_err(|_| RenderError::Recipient)?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(message_id(ctx.message_id, host)))
        .date(SystemTime::from(now));
    let alternative = MultiPart::alternative_plain_html(rendered.text, rendered.html);
    let message = match rendered.ics {
        None => builder.multipart(alternative),
        Some(ics) => {
            let content_type = ContentType::parse("text/calendar; method=PUBLISH; charset=utf-8")
                .map_err(|_| RenderError::Build)?;
            let attachment = SinglePart::builder()
                .header(content_type)
                .header(ContentDisposition::attachment("appointment.ics"))
                .body(
                    Body::new_with_encoding(ics, ContentTransferEncoding::Base64)
                        .map_err(|_| RenderError::Build)?,
                );
            builder.multipart(
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(attachment),
            )
        }
    };
    message.map_err(|_| RenderError::Build)
}

#[cfg(test)]
mod tests;
