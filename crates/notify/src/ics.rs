//! iCalendar (RFC 5545) files for one appointment: the `.ics` attached to confirmation and
//! reschedule emails and served by `GET /api/v1/bookings/{ref}/calendar.ics`.
//!
//! Output: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), TEXT
//! values escaped (`\\`, `;`, `,`, newlines), times in UTC (`...Z`), so no VTIMEZONE is needed.
//!
//! Must not: put health data in any property. The description holds the manage link and the
//! clinic's phone, nothing about the client.

use jiff::Timestamp;
use std::fmt::Write as _;

/// Whether the event stands or was called off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcsStatus {
    Confirmed,
    Cancelled,
}

/// One appointment as a calendar event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable across reschedules: `<reference>@<host>` (see [`uid`]).
    pub uid: String,
    /// When this file was made.
    pub stamp: Timestamp,
    pub start: Timestamp,
    pub end: Timestamp,
    /// "Halo laser at Lumen Skin".
    pub summary: String,
    /// The location's address.
    pub location: String,
    /// Free text: the manage link, the clinic's phone. No health data.
    pub description: String,
    /// The manage link, if any.
    pub url: Option<String>,
    /// 0 for the first version; +1 for each reschedule or cancellation.
    pub sequence: u32,
    pub status: IcsStatus,
}

/// The event's UID: the booking reference at the site's host, so every version of one
/// appointment (and the web download) updates the same calendar entry.
pub fn uid(reference: &str, host: &str) -> String {
    format!("{reference}@{host}")
}

/// The VCALENDAR text of one event (`METHOD:PUBLISH`).
pub fn appointment_ics(event: &IcsEvent) -> String {
    let mut out = String::with_capacity(1024);
    let mut line = |name: &str, value: &str| {
        fold_into(&mut out, &format!("{name}:{value}"));
    };
    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line("PRODID", "-//medspa//booking//EN");
    line("CALSCALE", "GREGORIAN");
    line("METHOD", "PUBLISH");
    line("BEGIN", "VEVENT");
    line("UID", &escape_text(&event.uid));
    line("DTSTAMP", &utc(event.stamp));
    line("DTSTART", &utc(event.start));
    line("DTEND", &utc(event.end));
    line("SUMMARY", &escape_text(&event.summary));
    if !event.location.is_empty() {
        line("LOCATION", &escape_text(&event.location));
    }
    if !event.description.is_empty() {
        line("DESCRIPTION", &escape_text(&event.description));
    }
    if let Some(url) = &event.url {
        // A URI value, not TEXT: no escaping (RFC 5545 3.3.13); CR/LF cannot occur in one.
        line("URL", &url.replace(['\r', '\n'], ""));
    }
    line("SEQUENCE", &event.sequence.to_string());
    line(
        "STATUS",
        match event.status {
            IcsStatus::Confirmed => "CONFIRMED",
            IcsStatus::Cancelled => "CANCELLED",
        },
    );
    line("TRANSP", "OPAQUE");
    line("END", "VEVENT");
    line("END", "VCALENDAR");
    out
}

/// `20261201T163000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `content` as one logical line folded at 75 octets, plus CRLF (RFC 5545 3.1).
fn fold_into(out: &mut String, content: &str) {
    const LIMIT: usize = 75;
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > LIMIT {
            out.push_str("\r\n ");
            // The continuation's leading space counts toward its 75 octets.
            used = 1;
        }
        out.push(c);
        used += len;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unfolds and splits into (name, params, value) triples: a small RFC 5545 reader.
    pub(crate) fn parse(ics: &str) -> Vec<(String, String)> {
        assert!(ics.ends_with("\r\n"), "ends with CRLF");
        for physical in ics.split("\r\n") {
            assert!(
                physical.len() <= 75,
                "line longer than 75 octets: {physical:?}"
            );
            assert!(!physical.contains('\n') && !physical.contains('\r'));
        }
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (name, value) = l.split_once(':').expect("name:value");
                (name.to_owned(), unescape(value))
            })
            .collect()
    }

    fn unescape(v: &str) -> String {
        let mut out = String::new();
        let mut chars = v.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn event() -> IcsEvent {
        IcsEvent {
            uid: uid("K7Q2MX", "spa.example"),
            stamp: "2026-11-20T15:00:00Z".parse().unwrap(),
            start: "2026-12-01T16:30:00Z".parse().unwrap(),
            end: "2026-12-01T18:15:00Z".parse().unwrap(),
            summary: "Halo laser, face; neck at Lumen Skin\\Spa".into(),
            location: "12 Elm St, Springfield, IL 60000".into(),
            description: format!(
                "Manage your booking: https://spa.example/bookings/K7Q2MX?token={}\nQuestions? Call +1 312 555 0100. Ünïcödé ✓ {}",
                "t".repeat(40),
                "é".repeat(60)
            ),
            url: Some("https://spa.example/bookings/K7Q2MX?token=abc".into()),
            sequence: 2,
            status: IcsStatus::Confirmed,
        }
    }

    #[test]
    fn round_trips_through_a_parser() {
        let e = event();
        let ics = appointment_ics(&e);
        let props = parse(&ics);
        let get = |n: &str| {
            props
                .iter()
                .find(|(k, _)| k == n)
                .map_or_else(|| panic!("{n} missing in {ics}"), |(_, v)| v.clone())
        };
        assert_eq!(
            props.first().unwrap(),
            &("BEGIN".into(), "VCALENDAR".into())
        );
        assert_eq!(props.last().unwrap(), &("END".into(), "VCALENDAR".into()));
        assert_eq!(get("VERSION"), "2.0");
        assert_eq!(get("CALSCALE"), "GREGORIAN");
        assert_eq!(get("METHOD"), "PUBLISH");
        assert!(!get("PRODID").is_empty());
        assert_eq!(get("UID"), "K7Q2MX@spa.example");
        assert_eq!(get("DTSTAMP"), "20261120T150000Z");
        assert_eq!(get("DTSTART"), "20261201T163000Z");
        assert_eq!(get("DTEND"), "20261201T181500Z");
        assert_eq!(get("SUMMARY"), e.summary);
        assert_eq!(get("LOCATION"), e.location);
        assert_eq!(get("DESCRIPTION"), e.description);
        assert_eq!(get("URL"), e.url.clone().unwrap());
        assert_eq!(get("SEQUENCE"), "2");
        assert_eq!(get("STATUS"), "CONFIRMED");
        // One event, properly nested.
        let begins: Vec<_> = props
            .iter()
            .filter(|(k, _)| k == "BEGIN")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(begins, ["VCALENDAR", "VEVENT"]);
    }

    #[test]
    fn escapes_and_folds() {
        assert_eq!(escape_text("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        let ics = appointment_ics(&event());
        assert!(ics.contains("\r\n "), "long DESCRIPTION is folded");
        assert!(ics.contains("SUMMARY:Halo laser\\, face\\; neck at Lumen Skin\\\\Spa\r\n"));
        // Folding never splits a multi-byte character: every physical line is valid UTF-8
        // on its own (the split would panic or garble otherwise).
        for physical in ics.split("\r\n") {
            assert!(physical.len() <= 75);
        }
        let cancelled = appointment_ics(&IcsEvent {
            status: IcsStatus::Cancelled,
            url: None,
            location: String::new(),
            ..event()
        });
        assert!(cancelled.contains("STATUS:CANCELLED\r\n"));
        assert!(!cancelled.contains("LOCATION"));
        assert!(!cancelled.contains("\nURL"));
    }
}
