//! The settings the web layer needs, already parsed and validated by the binary.

use medspa_core::availability::Policy;
use medspa_store::SecretKey;
use std::time::Duration;

/// Web settings (the binary fills these from defaults, `medspa.toml`, `MEDSPA_*` and flags).
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Absolute base URL for links in emails and manage URLs, without a trailing slash.
    pub base_url: String,
    /// Booking rules: minimum notice, horizon, slot grid.
    pub policy: Policy,
    /// Cancellations and reschedules close this many hours before the start.
    pub cancel_cutoff_hours: u32,
    /// Public POSTs per client IP per minute (0 = off).
    pub rate_limit_per_minute: u32,
    /// Origins allowed to frame `/embed/book`.
    pub embed_origins: Vec<String>,
    /// Cookie signing and derived keys.
    pub secret: SecretKey,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`MEDSPA_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Longest a request may run before it is answered `503 timeout` and its work dropped.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request body.
    pub body_timeout: Duration,
}

impl AppConfig {
    /// Whether the site is served over TLS (enables HSTS and `Secure` cookies).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Settings for tests and the demo: defaults with the given base URL and secret.
    pub fn with_defaults(base_url: &str, secret: SecretKey) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            policy: Policy::default(),
            cancel_cutoff_hours: 24,
            rate_limit_per_minute: 120,
            embed_origins: Vec::new(),
            secret,
            trusted_proxies: Vec::new(),
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
        }
    }
}
