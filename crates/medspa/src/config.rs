//! Configuration, layered: defaults < `medspa.toml` < `MEDSPA_*` environment < command-line
//! flags, extracted once into a typed [`Config`]. A bad value fails at start with one line that
//! names the key; secrets never appear in messages.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use medspa_core::availability::Policy;
use medspa_store::{DatabaseUrl, SecretKey};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Every key, as written in `medspa.toml` (lowercase) and the environment (`MEDSPA_` + upper).
pub const KEYS: &[&str] = &[
    "data_dir",
    "database_url",
    "bind",
    "base_url",
    "smtp_url",
    "mail_from",
    "booking_horizon_days",
    "min_notice_minutes",
    "cancel_cutoff_hours",
    "rate_limit_per_minute",
    "embed_origins",
    "secret_key",
    "log",
    "reminder_offsets",
    "trusted_proxies",
    "max_connections",
    "request_timeout_seconds",
    "header_timeout_seconds",
    "config",
];

/// The raw layered values before validation.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Raw {
    data_dir: PathBuf,
    database_url: Option<String>,
    bind: String,
    base_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    booking_horizon_days: u32,
    min_notice_minutes: u32,
    cancel_cutoff_hours: u32,
    rate_limit_per_minute: u32,
    #[serde(deserialize_with = "origins")]
    embed_origins: Vec<String>,
    secret_key: Option<String>,
    log: String,
    reminder_offsets: String,
    #[serde(deserialize_with = "origins")]
    trusted_proxies: Vec<String>,
    max_connections: u32,
    request_timeout_seconds: u32,
    header_timeout_seconds: u32,
}

impl Default for Raw {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            base_url: None,
            smtp_url: None,
            mail_from: None,
            booking_horizon_days: 90,
            min_notice_minutes: 120,
            cancel_cutoff_hours: 24,
            rate_limit_per_minute: 120,
            embed_origins: Vec::new(),
            secret_key: None,
            log: "info,sqlx=warn,tower_http=warn".into(),
            reminder_offsets: "48h, 2h".into(),
            trusted_proxies: Vec::new(),
            max_connections: 4096,
            request_timeout_seconds: 30,
            header_timeout_seconds: 10,
        }
    }
}

/// Accepts a list, or one string of items separated by spaces or commas.
fn origins<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let list = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        OneOrMany::Many(v) => v,
    };
    Ok(list)
}

/// Overrides from command-line flags (highest precedence).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
}

/// A configuration error: one line naming the key.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub base_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// How long before an appointment reminders go out.
    pub reminder_offsets: Vec<jiff::SignedDuration>,
    pub policy: Policy,
    pub cancel_cutoff_hours: u32,
    pub rate_limit_per_minute: u32,
    pub embed_origins: Vec<String>,
    /// `None` until [`Config::secret`] loads or generates it.
    pub secret_key: Option<String>,
    pub log: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Connection cap, header-read and request timeouts of the server.
    pub max_connections: usize,
    pub header_timeout: std::time::Duration,
    pub request_timeout: std::time::Duration,
}

fn bad(key: &str, why: &str) -> ConfigError {
    ConfigError(format!(
        "invalid configuration: {key} (MEDSPA_{}): {why}",
        key.to_uppercase()
    ))
}

/// Names `MEDSPA_*` variables that are not configuration keys (likely typos).
pub fn unknown_env_keys() -> Vec<String> {
    std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("MEDSPA_").map(str::to_lowercase))
        .filter(|k| !KEYS.contains(&k.as_str()) && k != "log_format")
        .map(|k| format!("MEDSPA_{}", k.to_uppercase()))
        .collect()
}

impl Config {
    /// Loads and validates the configuration. `config_file` defaults to `medspa.toml` in the
    /// working directory (or `MEDSPA_CONFIG`); a missing default file is fine.
    pub fn load(config_file: Option<&Path>, flags: &Flags) -> Result<Self, ConfigError> {
        let file = config_file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("MEDSPA_CONFIG").map(PathBuf::from));
        if let Some(f) = &file
            && !f.exists()
        {
            return Err(ConfigError(format!(
                "invalid configuration: config file {} does not exist",
                f.display()
            )));
        }
        let file = file.unwrap_or_else(|| PathBuf::from("medspa.toml"));
        let figment = Figment::from(Serialized::defaults(Raw::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("MEDSPA_").ignore(&["config", "log_format"]))
            .merge(Serialized::defaults(flags));
        let raw: Raw = figment.extract().map_err(|e| figment_error(&e))?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Self, ConfigError> {
        if raw.data_dir.as_os_str().is_empty() {
            return Err(bad("data_dir", "must not be empty"));
        }
        let database = match &raw.database_url {
            Some(url) => DatabaseUrl::parse(url).map_err(|why| bad("database_url", &why))?,
            None => DatabaseUrl::Sqlite(raw.data_dir.join("medspa.db")),
        };
        let bind: SocketAddr = raw
            .bind
            .parse()
            .map_err(|_| bad("bind", "expected an address and port like 127.0.0.1:8080"))?;
        let base_url = match raw.base_url {
            Some(u) => {
                let u = u.trim().trim_end_matches('/').to_owned();
                if !(u.starts_with("http://") || u.starts_with("https://")) || u.len() < 10 {
                    return Err(bad(
                        "base_url",
                        "expected an absolute URL like https://clinic.example",
                    ));
                }
                u
            }
            None => format!("http://{bind}"),
        };
        if let Some(smtp) = &raw.smtp_url
            && !(smtp.starts_with("smtp://") || smtp.starts_with("smtps://"))
        {
            return Err(bad(
                "smtp_url",
                "expected smtp://host:port or smtps://host:port",
            ));
        }
        let mail_from = raw
            .mail_from
            .unwrap_or_else(|| "medspa <no-reply@localhost>".into());
        if !mail_from.contains('@') {
            return Err(bad(
                "mail_from",
                "expected an address like Clinic <hello@clinic.example>",
            ));
        }
        if !(1..=730).contains(&raw.booking_horizon_days) {
            return Err(bad("booking_horizon_days", "must be between 1 and 730"));
        }
        if raw.min_notice_minutes > 60 * 24 * 30 {
            return Err(bad("min_notice_minutes", "must be at most 43200 (30 days)"));
        }
        if raw.cancel_cutoff_hours > 24 * 30 {
            return Err(bad("cancel_cutoff_hours", "must be at most 720 (30 days)"));
        }
        for o in &raw.embed_origins {
            let host = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            let ok = host.is_some_and(|h| {
                let h = h.trim_end_matches('/');
                !h.is_empty() && !h.contains(['/', ' ', ';', '\'', '"', '*'])
            });
            if !ok {
                return Err(bad(
                    "embed_origins",
                    "expected origins like https://www.clinic.example",
                ));
            }
        }
        let reminder_offsets = medspa_notify::parse_reminder_offsets(&raw.reminder_offsets)
            .map_err(|_| {
                bad(
                    "reminder_offsets",
                    "expected durations before the start like \"48h, 2h\"",
                )
            })?;
        if let Some(k) = &raw.secret_key
            && SecretKey::new(k).is_none()
        {
            return Err(bad(
                "secret_key",
                "must be at least 32 characters (a 64-hex-digit random value is best)",
            ));
        }
        let trusted_proxies = raw
            .trusted_proxies
            .iter()
            .map(|p| parse_cidr(p))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                bad(
                    "trusted_proxies",
                    "expected addresses or CIDR ranges like 127.0.0.1/32 10.0.0.0/8 ::1",
                )
            })?;
        if !(1..=1_000_000).contains(&raw.max_connections) {
            return Err(bad("max_connections", "must be between 1 and 1000000"));
        }
        if !(1..=3600).contains(&raw.request_timeout_seconds) {
            return Err(bad("request_timeout_seconds", "must be between 1 and 3600"));
        }
        if !(1..=600).contains(&raw.header_timeout_seconds) {
            return Err(bad("header_timeout_seconds", "must be between 1 and 600"));
        }
        Ok(Self {
            trusted_proxies,
            max_connections: usize::try_from(raw.max_connections).unwrap_or(usize::MAX),
            header_timeout: std::time::Duration::from_secs(raw.header_timeout_seconds.into()),
            request_timeout: std::time::Duration::from_secs(raw.request_timeout_seconds.into()),
            data_dir: raw.data_dir,
            database,
            bind,
            base_url,
            smtp_url: raw.smtp_url,
            mail_from,
            reminder_offsets,
            policy: Policy {
                min_notice_minutes: raw.min_notice_minutes,
                horizon_days: raw.booking_horizon_days,
                ..Policy::default()
            },
            cancel_cutoff_hours: raw.cancel_cutoff_hours,
            rate_limit_per_minute: raw.rate_limit_per_minute,
            embed_origins: raw.embed_origins,
            secret_key: raw.secret_key,
            log: raw.log,
        })
    }

    /// The secret key: configured, or read from `<data_dir>/secret.key`, or generated there
    /// (file mode 0600) on first run.
    pub fn secret(&self) -> Result<SecretKey, ConfigError> {
        if let Some(k) = &self.secret_key {
            return SecretKey::new(k)
                .ok_or_else(|| bad("secret_key", "must be at least 32 characters"));
        }
        // Several instances share a PostgreSQL database, and each would otherwise generate a
        // key of its own into its own data dir: bookings sealed by one could not be opened by
        // another. So with PostgreSQL the key is configured, the same everywhere.
        if matches!(self.database, DatabaseUrl::Postgres(_)) {
            return Err(bad(
                "secret_key",
                "is required with PostgreSQL: set the same MEDSPA_SECRET_KEY (at least 32 \
                 characters; `openssl rand -hex 32` makes one) on every instance",
            ));
        }
        let path = self.data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(s) => SecretKey::new(&s).ok_or_else(|| {
                ConfigError(format!(
                    "invalid secret key file {}: must hold at least 32 characters",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                    ConfigError(format!(
                        "cannot create data_dir {}: {e}",
                        self.data_dir.display()
                    ))
                })?;
                let fresh = SecretKey::generate();
                write_private(&path, &fresh)
                    .map_err(|e| ConfigError(format!("cannot write {}: {e}", path.display())))?;
                tracing::info!(path = %path.display(), "generated a new secret key");
                SecretKey::new(&fresh).ok_or_else(|| ConfigError("generated key too short".into()))
            }
            Err(e) => Err(ConfigError(format!("cannot read {}: {e}", path.display()))),
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// One line for a figment error: the key, where it came from, and what was wrong.
fn figment_error(e: &figment::Error) -> ConfigError {
    let key = e.path.last().cloned().unwrap_or_default();
    let source = e
        .metadata
        .as_ref()
        .map_or_else(|| "configuration".into(), |m| m.name.to_string());
    let why = match &e.kind {
        figment::error::Kind::InvalidType(actual, expected)
        | figment::error::Kind::InvalidValue(actual, expected) => {
            format!("expected {expected}, found {actual}")
        }
        other => other.to_string(),
    };
    if key.is_empty() {
        ConfigError(format!("invalid configuration in {source}: {why}"))
    } else {
        ConfigError(format!(
            "invalid configuration: {key} (MEDSPA_{}, from {source}): {why}",
            key.to_uppercase()
        ))
    }
}

/// An address (`127.0.0.1`, `::1`: one host) or a CIDR range (`10.0.0.0/8`).
fn parse_cidr(raw: &str) -> Option<ipnet::IpNet> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| raw.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
}
