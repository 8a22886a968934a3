//! The booking flow's state between steps: what the client chose so far, carried in hidden
//! fields of POST forms (never in a URL: screening answers are health data).
//!
//! Every step's form posts the whole [`Draft`] back; [`Draft::hidden`] writes it out again
//! minus the fields the step itself asks for. Nothing here is trusted: each step re-validates
//! the service and the answers, and the last one books through [`crate::booking::create`],
//! which validates everything once more. Values are trimmed and capped, and only answers to
//! the chosen service's questions are written back, so nothing unexpected is echoed.
//!
//! Carried screening answers are `screening.<id>` = `yes` | `no` for yes/no questions and
//! `YYYY-MM-DD` | `never` for date questions. On the questions step a date is typed as three
//! fields, `screening.<id>.month`, `.day` and `.year` ([`read_answers`]).

use crate::forms::tidy;
use jiff::civil::Date;
use medspa_core::input::InvalidInput;
use medspa_core::protocol::{AnswerKind, Protocol};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A urlencoded form body as ordered pairs (the flow's field names are dynamic).
#[derive(Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses a urlencoded body (or query string).
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every pair.
    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }
}

/// What the client chose so far. Personal and health data: no `Debug`.
#[derive(Clone, Default)]
pub struct Draft {
    /// Service slug.
    pub service: String,
    /// For a consultation: the treatment it is about (slug), if the client came from one.
    pub about: String,
    /// Where the client came from (`quiz`) and the quiz result's token, preserved as given.
    pub from: String,
    pub quiz: String,
    /// Carried answers by question id (see the module docs for the values).
    pub screening: BTreeMap<String, String>,
    /// The chosen start (RFC 3339 with offset) and provider id.
    pub start: String,
    pub staff: String,
    /// The provider filter of the time step: empty for any provider.
    pub provider: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
    pub consent: bool,
    /// One random value per details form, the booking's idempotency key (a double submit
    /// books once).
    pub attempt: String,
    /// Rescheduling: the manage token.
    pub token: String,
    /// Booking the next session of a series: the previous session's reference and manage
    /// token.
    pub series: String,
    pub series_token: String,
    /// "I need to look presentable on ..." (`YYYY-MM-DD` as typed): the date step leaves out
    /// days whose downtime would cover it.
    pub presentable_on: String,
}

/// Longest notes accepted back into the form (the booking allows 2,000 characters).
const NOTES_MAX: usize = 2100;

fn word(raw: &str, max: usize) -> String {
    raw.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(max)
        .collect()
}

impl Draft {
    /// Reads the carried state from a form body (or the start page's query string).
    pub fn from_fields(f: &Fields) -> Self {
        let mut screening = BTreeMap::new();
        for (k, v) in f.iter() {
            if let Some(id) = k.strip_prefix("screening.")
                && !id.contains('.')
                && id.len() <= 64
                && !screening.contains_key(id)
            {
                screening.insert(word(id, 64), tidy(v, 10));
            }
        }
        Self {
            service: word(f.get("service"), 80),
            about: word(f.get("about"), 80),
            // Not a date: the date step's `from` (pager, "book from") is not carried.
            from: f
                .iter()
                .filter(|(k, v)| k == "from" && v.parse::<Date>().is_err())
                .map(|(_, v)| word(v, 20))
                .next()
                .unwrap_or_default(),
            quiz: tidy(f.get("quiz"), 600),
            screening,
            start: tidy(f.get("start"), 40),
            staff: word(f.get("staff"), 40),
            provider: word(f.get("provider"), 40),
            name: tidy(f.get("name"), 200),
            email: tidy(f.get("email"), 300),
            phone: tidy(f.get("phone"), 50),
            notes: tidy(f.get("notes"), NOTES_MAX),
            consent: matches!(f.get("consent"), "true" | "yes"),
            attempt: word(f.get("attempt"), 64),
            token: word(f.get("token"), 100),
            series: word(f.get("series"), 40),
            series_token: word(f.get("series_token"), 100),
            presentable_on: tidy(f.get("presentable_on"), 10),
        }
    }

    /// The carried answers as the booking API's `screening` object, for `protocol`'s
    /// questions only: yes/no as booleans, a date as `YYYY-MM-DD`, "never" as `null`.
    pub fn screening_json(&self, protocol: &Protocol) -> Map<String, Value> {
        let mut m = Map::new();
        for q in &protocol.screening {
            let Some(v) = self.screening.get(&q.id) else {
                continue;
            };
            let value = match (q.kind, v.as_str()) {
                (AnswerKind::YesNo, "yes") => Value::Bool(true),
                (AnswerKind::YesNo, "no") => Value::Bool(false),
                (AnswerKind::Date, "never") => Value::Null,
                (AnswerKind::Date, d) if !d.is_empty() => Value::String(d.to_owned()),
                (AnswerKind::Choice, c) if q.has_option(c) => Value::String(c.to_owned()),
                _ => continue,
            };
            m.insert(q.id.clone(), value);
        }
        m
    }

    /// The hidden fields that carry this draft to the next step, leaving out `except` (the
    /// fields the step's own inputs send) and answers to questions `protocol` doesn't ask.
    pub fn hidden(&self, protocol: Option<&Protocol>, except: &[&str]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() && !except.contains(&k) {
                out.push((k.to_owned(), v.to_owned()));
            }
        };
        push("token", &self.token);
        push("series", &self.series);
        push("series_token", &self.series_token);
        push("service", &self.service);
        push("about", &self.about);
        push("from", &self.from);
        push("quiz", &self.quiz);
        if !except.contains(&"screening")
            && let Some(p) = protocol
        {
            for q in &p.screening {
                if let Some(v) = self.screening.get(&q.id) {
                    push(&format!("screening.{}", q.id), v);
                }
            }
        }
        push("start", &self.start);
        push("staff", &self.staff);
        push("provider", &self.provider);
        push("name", &self.name);
        push("email", &self.email);
        push("phone", &self.phone);
        push("notes", &self.notes);
        push("consent", if self.consent { "true" } else { "" });
        push("attempt", &self.attempt);
        push("presentable_on", &self.presentable_on);
        out
    }
}

/// One question's raw date parts, as typed (for re-display).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DateParts {
    pub month: String,
    pub day: String,
    pub year: String,
    /// The "Never" box (`screening.<id>.never`): an explicit "never / not applicable".
    pub never: bool,
}

impl DateParts {
    /// The parts of a carried `YYYY-MM-DD` value (empty for nothing; `never` ticks the box).
    pub fn of(carried: &str) -> Self {
        if carried == "never" {
            return Self {
                never: true,
                ..Self::default()
            };
        }
        carried
            .parse::<Date>()
            .ok()
            .filter(|_| carried.len() == 10)
            .map(|d| Self {
                month: d.month().to_string(),
                day: d.day().to_string(),
                year: d.year().to_string(),
                never: false,
            })
            .unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.month.is_empty() && self.day.is_empty() && self.year.is_empty()
    }
}

/// The answers typed on the questions step: carried values by id, the date parts as typed,
/// and the problems (field `screening.<id>`), every question checked at once.
pub fn read_answers(
    f: &Fields,
    protocol: &Protocol,
) -> (
    BTreeMap<String, String>,
    BTreeMap<String, DateParts>,
    InvalidInput,
) {
    let mut values = BTreeMap::new();
    let mut parts = BTreeMap::new();
    let mut errors = InvalidInput::default();
    for q in &protocol.screening {
        let field = format!("screening.{}", q.id);
        match q.kind {
            AnswerKind::YesNo => match f.get(&field) {
                v @ ("yes" | "no") => {
                    values.insert(q.id.clone(), v.to_owned());
                }
                _ if q.required => errors.push(field, "Answer yes or no"),
                _ => {}
            },
            AnswerKind::Choice => match f.get(&field) {
                v if q.has_option(v) => {
                    values.insert(q.id.clone(), v.to_owned());
                }
                _ if q.required => errors.push(field, "Choose one of the options"),
                _ => {}
            },
            AnswerKind::Date => {
                let p = DateParts {
                    month: tidy(f.get(&format!("{field}.month")), 4),
                    day: tidy(f.get(&format!("{field}.day")), 4),
                    year: tidy(f.get(&format!("{field}.year")), 6),
                    never: f.get(&format!("{field}.never")) == "yes",
                };
                // Empty is "not answered", never "never": the client ticks "Never" for that.
                match (p.is_empty(), p.never) {
                    (true, true) => {
                        values.insert(q.id.clone(), "never".to_owned());
                    }
                    (true, false) if q.required => errors.push(
                        field,
                        "Enter the date with the month, day and 4-digit year, or tick \"Never\"",
                    ),
                    (true, false) => {}
                    (false, true) => errors.push(field, "Enter a date or tick \"Never\", not both"),
                    (false, false) => match date_of(&p) {
                        Some(d) => {
                            values.insert(q.id.clone(), d.to_string());
                        }
                        None => errors.push(
                            field,
                            "Enter a real date with the month, day and 4-digit year, or tick \
                             \"Never\"",
                        ),
                    },
                }
                parts.insert(q.id.clone(), p);
            }
        }
    }
    (values, parts, errors)
}

fn date_of(p: &DateParts) -> Option<Date> {
    let month: i8 = p.month.parse().ok()?;
    let day: i8 = p.day.parse().ok()?;
    let year: i16 = p.year.parse().ok().filter(|_| p.year.len() == 4)?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use medspa_core::protocol::ScreeningQuestion;

    fn protocol() -> Protocol {
        let q = |id: &str, kind| ScreeningQuestion {
            id: id.into(),
            question: format!("{id}?"),
            kind,
            required: true,
            options: Vec::new(),
        };
        Protocol {
            screening: vec![
                q("pregnant", AnswerKind::YesNo),
                q("retinoid_last_used", AnswerKind::Date),
            ],
            ..Protocol::default()
        }
    }

    #[test]
    fn answers_round_trip_through_hidden_fields() {
        let p = protocol();
        let body = "service=halo&screening.pregnant=no&screening.retinoid_last_used.month=11\
                    &screening.retinoid_last_used.day=3&screening.retinoid_last_used.year=2026";
        let (values, parts, errors) = read_answers(&Fields::parse(body.as_bytes()), &p);
        assert!(errors.is_empty());
        assert_eq!(values["retinoid_last_used"], "2026-11-03");
        assert_eq!(parts["retinoid_last_used"], DateParts::of("2026-11-03"));
        let draft = Draft {
            service: "halo".into(),
            screening: values,
            ..Draft::default()
        };
        let hidden = draft.hidden(Some(&p), &[]);
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(hidden)
            .finish();
        let back = Draft::from_fields(&Fields::parse(encoded.as_bytes()));
        let json = back.screening_json(&p);
        assert_eq!(json["pregnant"], Value::Bool(false));
        assert_eq!(json["retinoid_last_used"], "2026-11-03");
    }

    #[test]
    fn empty_dates_are_unanswered_never_is_ticked_and_bad_ones_are_named() {
        let p = protocol();
        // Changed (issue 12): an empty date used to mean "never"; now it is not answered.
        let (values, _, errors) = read_answers(&Fields::parse(b"x=1"), &p);
        assert!(!values.contains_key("retinoid_last_used"));
        assert_eq!(errors.errors.len(), 2, "both questions are unanswered");
        assert!(errors.message_for("screening.retinoid_last_used").is_some());
        let (values, _, _) = read_answers(
            &Fields::parse(b"screening.retinoid_last_used.never=yes"),
            &p,
        );
        assert_eq!(values["retinoid_last_used"], "never");
        let body = b"screening.retinoid_last_used.never=yes&screening.retinoid_last_used.month=2\
                     &screening.retinoid_last_used.day=3&screening.retinoid_last_used.year=2026";
        let (_, _, errors) = read_answers(&Fields::parse(body), &p);
        assert!(errors.message_for("screening.retinoid_last_used").is_some());
        let body = b"screening.pregnant=yes&screening.retinoid_last_used.month=2\
                     &screening.retinoid_last_used.day=30&screening.retinoid_last_used.year=2026";
        let (_, _, errors) = read_answers(&Fields::parse(body), &p);
        assert_eq!(errors.errors[0].field, "screening.retinoid_last_used");
        let d = Draft {
            screening: [("retinoid_last_used".into(), "never".into())].into(),
            ..Draft::default()
        };
        assert_eq!(d.screening_json(&p)["retinoid_last_used"], Value::Null);
        assert!(d.hidden(Some(&p), &["screening"]).is_empty());
    }
}
