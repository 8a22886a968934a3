//! Mail configuration: the SMTP URL (`MEDSPA_SMTP_URL`), the sender (`MEDSPA_MAIL_FROM`), the
//! public base URL for manage links (`MEDSPA_BASE_URL`), reminder offsets, retry policy and
//! worker timings. The binary builds one [`MailConfig`] from its layered config.
//!
//! Must not: show the SMTP password anywhere (`Debug` redacts the URL's userinfo; errors name
//! the setting, never its value).

use jiff::SignedDuration;
use lettre::message::Mailbox;
use medspa_store::outbox::{DEFAULT_REMINDER_OFFSETS, RetryPolicy};
use std::fmt;
use std::time::Duration;
use url::Url;

/// How to send mail and when to remind.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://[user:pass@]host:port` (STARTTLS when the server offers it; `?tls=required`
    /// insists, `?tls=none` never tries) or `smtps://...` (implicit TLS). `None`: nothing is
    /// sent and mail stays `pending` in the outbox, visible to staff.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `Lumen Skin <hello@lumen.example>`.
    pub from: String,
    /// The public site, e.g. `https://book.lumen.example`: manage links and iCalendar UIDs.
    pub base_url: String,
    /// How long before the start to remind (default 48 h and 2 h). Used by the booking
    /// planners; see [`Self::reminder_offsets`].
    pub reminder_offsets: Vec<SignedDuration>,
    pub retry: RetryPolicy,
    /// Wake up this often to look for due mail when not nudged.
    pub poll_interval: Duration,
    /// How long a claimed message belongs to one worker; after that (a crashed instance) any
    /// worker may send it. Must exceed the SMTP timeout.
    pub lease: Duration,
    /// Connect and command timeout for one SMTP conversation.
    pub smtp_timeout: Duration,
    /// Messages claimed per round.
    pub batch: u32,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("base_url", &self.base_url)
            .field("reminder_offsets", &self.reminder_offsets)
            .field("retry", &self.retry)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Defaults for everything but the sender and the base URL; no SMTP.
    pub fn new(from: impl Into<String>, base_url: impl Into<String>) -> Self {
        Self {
            smtp_url: None,
            from: from.into(),
            base_url: base_url.into(),
            reminder_offsets: DEFAULT_REMINDER_OFFSETS.to_vec(),
            retry: RetryPolicy::default(),
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_mins(2),
            smtp_timeout: Duration::from_secs(30),
            batch: 20,
        }
    }

    /// With this SMTP URL (`None` or blank: mail stays in the outbox).
    #[must_use]
    pub fn with_smtp(mut self, url: Option<String>) -> Self {
        self.smtp_url = url.filter(|u| !u.trim().is_empty());
        self
    }

    /// Checks the sender, the base URL and the SMTP URL; call at startup to fail fast.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.mailbox()?;
        self.host()?;
        if let Some(url) = &self.smtp_url {
            SmtpTarget::parse(url)?;
        }
        Ok(())
    }

    /// The reminder offsets for the booking planners.
    pub fn reminder_offsets(&self) -> &[SignedDuration] {
        &self.reminder_offsets
    }

    pub(crate) fn mailbox(&self) -> Result<Mailbox, ConfigError> {
        self.from
            .parse::<Mailbox>()
            .map_err(|_| ConfigError("MEDSPA_MAIL_FROM is not a valid address"))
    }

    /// The site's host, for UIDs and Message-IDs.
    pub(crate) fn host(&self) -> Result<String, ConfigError> {
        Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .ok_or(ConfigError(
                "MEDSPA_BASE_URL must be an absolute http(s) URL",
            ))
    }
}

/// Parses reminder offsets such as `"48h, 2h"` or `"1d, 90m"` (comma-separated; jiff's
/// friendly duration format). Non-positive entries are refused.
pub fn parse_reminder_offsets(raw: &str) -> Result<Vec<SignedDuration>, ConfigError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            // jiff's SignedDuration has no day unit (days vary with DST); accept `Nd` as N*24h.
            let parsed = match s
                .strip_suffix('d')
                .and_then(|n| n.trim().parse::<i64>().ok())
            {
                Some(days) => Some(SignedDuration::from_hours(days.saturating_mul(24))),
                None => s.parse::<SignedDuration>().ok(),
            };
            parsed
                .filter(SignedDuration::is_positive)
                .ok_or(ConfigError(
                    "reminder offsets must be positive durations like 48h, 2h",
                ))
        })
        .collect()
}

/// A configuration value that cannot work; the message names the setting, not its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub &'static str);

/// How to talk to the SMTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TlsMode {
    /// Plain, never STARTTLS (`?tls=none`).
    None,
    /// STARTTLS when offered (the default for `smtp://`).
    Opportunistic,
    /// STARTTLS or fail (`?tls=required`).
    Required,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A parsed `MEDSPA_SMTP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub credentials: Option<(String, String)>,
}

impl fmt::Debug for SmtpTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl SmtpTarget {
    pub(crate) fn parse(raw: &str) -> Result<Self, ConfigError> {
        const BAD: ConfigError = ConfigError(
            "MEDSPA_SMTP_URL must look like smtp://[user:pass@]host:port or smtps://...",
        );
        let url = Url::parse(raw.trim()).map_err(|_| BAD)?;
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or(BAD)?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls_param = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_ascii_lowercase());
        let (tls, default_port) = match (url.scheme(), tls_param.as_deref()) {
            ("smtp", None | Some("opportunistic")) => (TlsMode::Opportunistic, 25),
            ("smtp", Some("required")) => (TlsMode::Required, 587),
            ("smtp", Some("none")) => (TlsMode::None, 25),
            ("smtps", None) => (TlsMode::Implicit, 465),
            _ => return Err(BAD),
        };
        let credentials = if url.username().is_empty() {
            None
        } else {
            let decode = |s: &str| percent_decode(s).ok_or(BAD);
            Some((
                decode(url.username())?,
                decode(url.password().unwrap_or_default())?,
            ))
        };
        Ok(Self {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            credentials,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `smtp://***@host:port` for logs and `Debug`.
pub(crate) fn redact_url(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &raw[..s], &raw[at + 1..]),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let t = SmtpTarget::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.tls),
            ("127.0.0.1", 2525, TlsMode::Opportunistic)
        );
        assert!(t.credentials.is_none());
        let t = SmtpTarget::parse("smtps://me%40x.example:p%40ss@mail.example").unwrap();
        assert_eq!((t.port, t.tls), (465, TlsMode::Implicit));
        assert_eq!(
            t.credentials.clone().unwrap(),
            ("me@x.example".into(), "p@ss".into())
        );
        assert!(!format!("{t:?}").contains("p@ss"));
        assert_eq!(
            SmtpTarget::parse("smtp://h?tls=required").unwrap().tls,
            TlsMode::Required
        );
        assert_eq!(
            SmtpTarget::parse("smtp://h:25?tls=none").unwrap().tls,
            TlsMode::None
        );
        assert!(SmtpTarget::parse("http://h").is_err());
        assert!(SmtpTarget::parse("smtp://h?tls=maybe").is_err());
        let err = SmtpTarget::parse("smtp://user:hunter2@").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn config_checks_and_redacts() {
        let c = MailConfig::new(
            "Lumen Skin <hello@lumen.example>",
            "https://book.lumen.example",
        )
        .with_smtp(Some("smtp://u:secret@mail.example:587".into()));
        c.validate().unwrap();
        assert_eq!(c.host().unwrap(), "book.lumen.example");
        assert!(!format!("{c:?}").contains("secret"));
        assert!(
            MailConfig::new("not an address", "https://x.example")
                .validate()
                .is_err()
        );
        assert!(
            MailConfig::new("a@x.example", "/relative")
                .validate()
                .is_err()
        );
        assert!(
            MailConfig::new("a@x.example", "https://x.example")
                .with_smtp(Some(" ".into()))
                .smtp_url
                .is_none()
        );
    }

    #[test]
    fn reminder_offsets_parse() {
        assert_eq!(
            parse_reminder_offsets("48h, 2h").unwrap(),
            [
                SignedDuration::from_hours(48),
                SignedDuration::from_hours(2)
            ]
        );
        assert_eq!(
            parse_reminder_offsets("1d,90m").unwrap()[1],
            SignedDuration::from_mins(90)
        );
        assert!(parse_reminder_offsets("-2h").is_err());
        assert!(parse_reminder_offsets("soon").is_err());
    }
}
