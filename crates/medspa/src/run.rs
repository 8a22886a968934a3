//! Running the commands: configuration, logging, database, listener, graceful shutdown.

use crate::cli::{Cli, Command, Common, ImportCommand, KeyCommand, UserCommand};
use crate::config::{Config, unknown_env_keys};
use crate::{demo, out};
use medspa_core::input::{Email, PersonName};
use medspa_notify::{MailConfig, Worker};
use medspa_store::clock::{Clock, SystemClock};
use medspa_store::key_check::KeyCheck;
use medspa_store::{ConnectOptions, NewUser, Role, SecretKey, Store, StoreError, hash_password};
use medspa_web::{AppConfig, AppState};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// A failure the owner must fix; printed as one line, exit status 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl From<crate::config::ConfigError> for Fatal {
    fn from(e: crate::config::ConfigError) -> Self {
        Self(e.0)
    }
}

impl From<StoreError> for Fatal {
    fn from(e: StoreError) -> Self {
        Self(e.to_string())
    }
}

/// Runs one command to completion.
pub async fn run(cli: Cli) -> Result<(), Fatal> {
    match cli.command {
        Command::Demo { common, bind } => serve(&common, bind.as_ref(), true).await,
        Command::Serve { common, bind } => serve(&common, bind.as_ref(), false).await,
        Command::Migrate { common } => {
            let (_, store) = open(&common, None).await?;
            let applied = store.applied_migrations().await?;
            out::line(&format!(
                "database is up to date ({} migrations, {})",
                applied.len(),
                store.backend_name()
            ));
            store.close().await;
            Ok(())
        }
        Command::User(UserCommand::Add {
            common,
            email,
            name,
            role,
            password_stdin,
        }) => user_add(&common, &email, &name, &role, password_stdin).await,
        Command::Setup { common, args } => {
            let (password, generated) = if args.password_stdin {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .map_err(|e| Fatal(format!("cannot read the password from stdin: {e}")))?;
                (buf.trim_end_matches(['\n', '\r']).to_owned(), false)
            } else {
                (crate::setup_cmd::generated_password(), true)
            };
            // Every value is checked before the database is opened: a bad one writes nothing.
            crate::setup_cmd::check(&args, &password)?;
            let (config, store) = open(&common, None).await?;
            let result =
                crate::setup_cmd::run(&store, &args, password, generated, &config.base_url).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::Clients { common, file }) => {
            let (_, store) = open(&common, None).await?;
            crate::import::clients(&store, &file).await?;
            store.close().await;
            Ok(())
        }
        Command::Import(ImportCommand::Posts { common, dir }) => {
            let (_, store) = open(&common, None).await?;
            let now = SystemClock.now();
            let chicago =
                jiff::tz::TimeZone::get("America/Chicago").map_err(|e| Fatal(e.to_string()))?;
            let zone = store
                .load_clinic()
                .await?
                .and_then(|c| c.default_location().map(|l| l.zone.tz().clone()))
                .unwrap_or(chicago);
            let today = now.to_zoned(zone).date();
            let report = store
                .import_posts_from_dir(&dir, today, now.as_millisecond())
                .await?;
            for (file, why) in &report.failed {
                out::line(&format!("not imported: {file}: {why}"));
            }
            out::line(&format!(
                "imported {} posts, {} files refused",
                report.imported.len(),
                report.failed.len()
            ));
            store.close().await;
            Ok(())
        }
        Command::Outbox {
            common,
            status,
            limit,
            requeue,
        } => {
            let (_, store) = open(&common, None).await?;
            outbox(&store, status.as_deref(), limit, requeue.as_deref()).await?;
            store.close().await;
            Ok(())
        }
        Command::Backup { common, out: file } => {
            let (_, store) = open(&common, None).await?;
            let started = Instant::now();
            match store.backup_to(&file).await {
                Ok(bytes) => out::line(&format!(
                    "backup written to {} ({} KiB in {} ms); restore it with `medspa restore {}`",
                    file.display(),
                    bytes / 1024,
                    started.elapsed().as_millis(),
                    file.display()
                )),
                Err(StoreError::Rejected(hint)) => out::line(&hint),
                Err(e) => return Err(e.into()),
            }
            out::line(crate::restore::KEY_REMINDER);
            store.close().await;
            Ok(())
        }
        Command::Restore { common, file } => {
            let config = load(&common, None)?;
            crate::restore::restore(&config, &file).await
        }
        Command::Key(KeyCommand::Rotate {
            common,
            new_key_stdin,
            batch_size,
        }) => {
            let config = load(&common, None)?;
            crate::keys::rotate(&config, new_key_stdin, batch_size).await
        }
    }
}

/// `medspa user add`: checks every value first, then adds the account.
async fn user_add(
    common: &Common,
    email: &str,
    name: &str,
    role: &str,
    password_stdin: bool,
) -> Result<(), Fatal> {
    let role: Role = role
        .parse()
        .map_err(|why: String| Fatal(format!("--role {why}")))?;
    let email = Email::parse(email, "email")
        .map_err(|_| Fatal("--email must be an email address like owner@clinic.example".into()))?;
    let name = PersonName::parse(name, "name")
        .map_err(|_| Fatal("--name must be 1 to 120 characters".into()))?;
    let (password, generated) = if password_stdin {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .map_err(|e| Fatal(format!("cannot read the password from stdin: {e}")))?;
        let pw = buf.trim_end_matches(['\n', '\r']).to_owned();
        if let Err(e) = medspa_core::password::Password::parse(&pw, "password") {
            return Err(Fatal(format!("the password: {}", e.errors[0].message)));
        }
        (pw, false)
    } else {
        (SecretKey::generate()[..20].to_owned(), true)
    };
    let (config, store) = open(common, None).await?;
    let user = NewUser {
        email,
        name,
        role,
        password_hash: hash_password(&password),
    };
    let now = SystemClock.now().as_millisecond();
    match store.add_user(&user, now).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(Fatal("a user with that email already exists".into()));
        }
        Err(e) => return Err(e.into()),
    }
    out::line(&format!(
        "added {} as {}",
        user.email.as_str(),
        role.label()
    ));
    if generated {
        out::line(&format!("password: {password}"));
        out::line("(shown once; keep it somewhere safe)");
    }
    out::line(&format!("sign in at {}/admin/login", config.base_url));
    store.close().await;
    Ok(())
}

/// `medspa outbox`: a summary, the newest messages, or a requeue. Recipients are shown: this
/// runs on the clinic's own server by its owner.
async fn outbox(
    store: &Store,
    status: Option<&str>,
    limit: u32,
    requeue: Option<&str>,
) -> Result<(), Fatal> {
    use medspa_store::outbox::OutboxStatus;
    let now = SystemClock.now().as_millisecond();
    if let Some(id) = requeue {
        let id = uuid::Uuid::parse_str(id.trim())
            .map_err(|_| Fatal("--requeue needs a message id from the list".into()))?;
        if store.outbox_requeue(id, now).await? {
            out::line("requeued: the running server will send it within a few seconds");
        } else {
            return Err(Fatal("no failed (dead) message with that id".into()));
        }
        return Ok(());
    }
    let status = status
        .map(|s| {
            OutboxStatus::parse(s)
                .ok_or_else(|| Fatal("--status must be pending, sent, dead or cancelled".into()))
        })
        .transpose()?;
    let sum = store.outbox_summary(now).await?;
    out::line(&format!(
        "outbox: {} pending ({} due now), {} sent, {} failed (dead), {} cancelled",
        sum.pending, sum.due, sum.sent, sum.dead, sum.cancelled
    ));
    let rows = store
        .outbox_list(status, i64::from(limit.clamp(1, 1000)), 0)
        .await?;
    if rows.is_empty() {
        out::line("no messages");
    }
    for r in rows {
        let when = jiff::Timestamp::from_millisecond(r.sent_at_ms.unwrap_or(r.send_after_ms))
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        out::line(&format!(
            "{}  {:<12} {:<9} {when}  attempts {}{}  {}",
            r.id,
            r.kind.as_str(),
            r.status.as_str(),
            r.attempts,
            r.last_error.map(|e| format!(" ({e})")).unwrap_or_default(),
            r.recipient
        ));
    }
    Ok(())
}

fn load(common: &Common, bind: Option<&String>) -> Result<Config, Fatal> {
    let config = Config::load(common.config.as_deref(), &common.flags(bind))?;
    init_tracing(&config.log);
    for key in unknown_env_keys() {
        tracing::warn!(key, "ignoring unknown environment variable (typo?)");
    }
    Ok(config)
}

pub(crate) async fn connect(config: &Config, secret: &SecretKey) -> Result<Store, Fatal> {
    let store = Store::connect(&ConnectOptions {
        url: config.database.clone(),
        secret: secret.clone(),
        max_connections: 8,
        connect_timeout: Duration::from_secs(5),
    })
    .await?
    .with_reminder_offsets(&config.reminder_offsets);
    let store = match config.new_secret() {
        Some(next) => store.with_next_key(&next),
        None => store,
    };
    store
        .migrate()
        .await
        .map_err(|e| Fatal(format!("cannot migrate the database: {e}")))?;
    // Before anything reads or writes sealed data: a key that differs from the one the
    // database was set up with refuses to start (every instance must share one key).
    match store.verify_key(SystemClock.now().as_millisecond()).await {
        Ok(KeyCheck::Recorded) => tracing::info!("recorded the secret key's check value"),
        Ok(KeyCheck::Matches) => {}
        Ok(KeyCheck::Rotating) => tracing::info!("key rotation under way: both keys open"),
        Err(StoreError::Rejected(why)) => {
            store.close().await;
            return Err(Fatal(format!("{why}. Refusing to start.")));
        }
        Err(StoreError::KeyMismatch) => {
            store.close().await;
            return Err(Fatal(
                "MEDSPA_SECRET_KEY does not match the key this database was set up with; every \
                 instance must use the same key (see README, PostgreSQL). Refusing to start."
                    .into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(store)
}

async fn open(common: &Common, bind: Option<&String>) -> Result<(Config, Store), Fatal> {
    let config = load(common, bind)?;
    let secret = config.secret()?;
    let store = connect(&config, &secret).await?;
    Ok((config, store))
}

async fn serve(common: &Common, bind: Option<&String>, demo: bool) -> Result<(), Fatal> {
    let started = Instant::now();
    let config = load(common, bind)?;
    // Bind first: a port already in use fails in milliseconds, before any database work.
    let listener = TcpListener::bind(config.bind).await.map_err(|e| {
        Fatal(format!(
            "cannot listen on {}: {}",
            config.bind,
            io_reason(&e)
        ))
    })?;
    let secret = config.secret()?;
    // `medspa restore` refuses while any server holds this (SQLite only).
    let _serving = crate::restore::serving_lock(&config)?;
    let store = connect(&config, &secret).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut setup_token_file = None;
    let clinic = match store.load_clinic().await? {
        Some(c) => c,
        None if demo => {
            let report = demo::create(&store, clock.as_ref()).await?;
            tracing::info!(
                appointments = report.appointments,
                ms = report.millis,
                "created the demo clinic"
            );
            store
                .load_clinic()
                .await?
                .ok_or_else(|| Fatal("demo clinic missing after creation".into()))?
        }
        None => {
            setup_token_file = Some(crate::first_run::announce(&store, &config).await?);
            medspa_core::clinic::Clinic::unconfigured()
        }
    };
    let name = if clinic.is_configured() {
        clinic.info.name.clone()
    } else {
        "medspa (not set up yet)".to_owned()
    };
    let app_config = AppConfig {
        base_url: config.base_url.clone(),
        policy: config.policy,
        cancel_cutoff_hours: config.cancel_cutoff_hours,
        rate_limit_per_minute: config.rate_limit_per_minute,
        embed_origins: config.embed_origins.clone(),
        secret,
        trusted_proxies: config.trusted_proxies.clone(),
        request_timeout: config.request_timeout,
        body_timeout: config.header_timeout,
        mail_delivery: config.smtp_url.is_some(),
    };
    let mail = MailConfig {
        reminder_offsets: config.reminder_offsets.clone(),
        lease: config.mail_lease,
        ..MailConfig::new(config.mail_from.clone(), config.base_url.clone())
            .with_smtp(config.smtp_url.clone())
    };
    mail.validate()
        .map_err(|e| Fatal(format!("invalid configuration: {e}")))?;
    let smtp = mail.smtp_url.is_some();
    // One signal stops both the server and the mail worker.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    // Housekeeping: saved quiz results (health data) are deleted once expired, hourly.
    let janitor = {
        let (store, clock, mut stop) = (store.clone(), clock.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_hours(1));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Err(e) = store.expire_quiz_results(clock.now().as_millisecond()).await {
                            tracing::warn!(error = %e, "could not delete expired quiz results");
                        }
                    }
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            break;
                        }
                    }
                }
            }
        })
    };
    let keys = crate::keys::spawn_refresh(store.clone(), stop_rx.clone());
    let (mail_handle, worker) =
        Worker::spawn(store.clone(), mail, clock.clone(), stopped(stop_rx.clone()));
    let state = AppState::new(store.clone(), clinic, app_config, clock)
        .with_mail_nudge(std::sync::Arc::new(move || mail_handle.nudge()));
    let state = if config.metrics {
        state.with_metrics()
    } else {
        state
    };
    let admin = medspa_admin::router(&state, medspa_admin::AdminOptions { setup_token_file });
    let router = medspa_web::router_with(state, admin);
    let addr = listener.local_addr().map_err(|e| Fatal(e.to_string()))?;
    tracing::info!(%addr, backend = store.backend_name(), smtp, startup_ms = started.elapsed().as_millis(), "serving");
    out::line(&format!("{name} is open at http://{addr} (Ctrl+C to stop)"));
    if !smtp {
        out::line("email is off (no MEDSPA_SMTP_URL): messages wait in the outbox");
    }
    let limits = medspa_web::server::Limits {
        max_connections: connection_cap(config.max_connections),
        header_read_timeout: config.header_timeout,
        shutdown_grace: Duration::from_secs(10),
    };
    medspa_web::server::serve_with(listener, router, limits, stopped(stop_rx))
        .await
        .map_err(|e| Fatal(format!("server error: {e}")))?;
    let _ = worker.await;
    let _ = janitor.await;
    let _ = keys.await;
    // Every commit is durable already; closing only lets SQLite checkpoint its log, so it must
    // never keep the process from exiting.
    if tokio::time::timeout(Duration::from_secs(10), store.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections did not close within 10 s");
    }
    tracing::info!("stopped");
    Ok(())
}

/// File descriptors kept for the database, the data dir and the mail worker.
const RESERVED_FDS: u64 = 64;

/// The connection cap: as configured, but never more than the open-file limit allows. The soft
/// limit is raised to the hard one first (often 1024 soft, far more hard), as the systemd unit
/// in docs/deploy.md also does with `LimitNOFILE`.
fn connection_cap(configured: usize) -> usize {
    let wanted = u64::try_from(configured)
        .unwrap_or(u64::MAX)
        .saturating_add(RESERVED_FDS);
    match rlimit::increase_nofile_limit(wanted) {
        Ok(limit) => {
            let room = usize::try_from(limit.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
            if room < configured {
                tracing::warn!(
                    open_file_limit = limit,
                    connections = room,
                    "the open-file limit caps connections; raise LimitNOFILE (docs/deploy.md)"
                );
            }
            configured.min(room.max(16))
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not read the open-file limit");
            configured
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "the address is already in use (is medspa already running?)".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges)".into()
        }
        std::io::ErrorKind::AddrNotAvailable => {
            "that address is not available on this machine".into()
        }
        _ => e.to_string(),
    }
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn init_tracing(filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("MEDSPA_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}
