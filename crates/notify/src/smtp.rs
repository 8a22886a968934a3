//! SMTP delivery with lettre over tokio: one connection per message (no pool, so a server that
//! went away is noticed at once), STARTTLS when offered by default, and errors reduced to a
//! short code plus "permanent or not" for the outbox.
//!
//! Must not: let server reply text or addresses reach `last_error` or the logs (replies often
//! quote the recipient).

use crate::config::{ConfigError, SmtpTarget, TlsMode};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A configured SMTP transport.
#[derive(Clone)]
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

/// Why a message was not accepted, without personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SendError {
    /// `smtp 451`, `connect`, `timeout`, `tls`, ...
    pub code: String,
    /// A 5xx refusal: retrying will not help.
    pub permanent: bool,
}

impl Mailer {
    pub(crate) fn new(target: &SmtpTarget, timeout: Duration) -> Result<Self, ConfigError> {
        let tls_params = || {
            TlsParameters::new(target.host.clone())
                .map_err(|_| ConfigError("MEDSPA_SMTP_URL: cannot set up TLS for this host"))
        };
        let tls = match target.tls {
            TlsMode::None => Tls::None,
            TlsMode::Opportunistic => Tls::Opportunistic(tls_params()?),
            TlsMode::Required => Tls::Required(tls_params()?),
            TlsMode::Implicit => Tls::Wrapper(tls_params()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&target.host)
            .port(target.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some((user, pass)) = &target.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Self {
            transport: builder.build(),
        })
    }

    /// Sends one message; `Ok` once the server accepted it (250 after DATA).
    pub(crate) async fn send(&self, message: Message) -> Result<(), SendError> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| classify(&e))
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = if let Some(status) = e.status() {
        format!("smtp {status}")
    } else if e.is_timeout() {
        "timeout".to_owned()
    } else if e.is_tls() {
        "tls".to_owned()
    } else if e.is_response() {
        "bad response".to_owned()
    } else if e.is_client() {
        "client".to_owned()
    } else {
        "connect".to_owned()
    };
    SendError {
        code,
        permanent: e.is_permanent(),
    }
}
