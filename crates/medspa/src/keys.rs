//! `medspa key rotate` and the running server's side of a rotation.
//!
//! A rotation, in order: (1) every instance gets `MEDSPA_NEW_SECRET_KEY` next to its
//! `MEDSPA_SECRET_KEY` and is restarted one at a time: it then opens values sealed under
//! either key; (2) `medspa key rotate` records the rotation in the database's key check; within
//! [`REFRESH`] every instance sees that and seals new values under the new key; the command
//! re-seals every existing value in batches; (3) it makes the new key the only one accepted;
//! (4) every instance is switched to `MEDSPA_SECRET_KEY=<new>` without the second key.

use crate::config::Config;
use crate::out;
use crate::run::Fatal;
use indicatif::{ProgressBar, ProgressStyle};
use medspa_store::clock::{Clock, SystemClock};
use medspa_store::rotate::RotationStart;
use medspa_store::{SecretKey, Store};
use std::io::Read;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a running instance re-reads the key check (to start sealing under the new key).
pub const REFRESH: Duration = Duration::from_secs(2);

/// Re-reads the key check every [`REFRESH`] until `stop`; only does work when this instance
/// holds a next key.
pub fn spawn_refresh(
    store: Store,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH);
        let mut sealing_with_next = false;
        loop {
            tokio::select! {
                _ = tick.tick() => match store.refresh_key_state().await {
                    Ok(on) if on != sealing_with_next => {
                        sealing_with_next = on;
                        tracing::info!(new_key = on, "key rotation: sealing under the new key");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "could not read the key check"),
                },
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
    })
}

/// `medspa key rotate`.
pub async fn rotate(config: &Config, new_key_stdin: bool, batch: u32) -> Result<(), Fatal> {
    let mut config = config.clone();
    if new_key_stdin {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .map_err(|e| Fatal(format!("cannot read the new key from stdin: {e}")))?;
        config.new_secret_key = Some(buf.trim().to_owned());
    }
    let Some(raw_next) = config.new_secret_key.as_deref() else {
        return Err(Fatal(
            "no new key: set MEDSPA_NEW_SECRET_KEY or pass --new-key-stdin (`openssl rand -hex \
             32` makes one)"
                .into(),
        ));
    };
    if SecretKey::new(raw_next).is_none() {
        return Err(Fatal(
            "the new key must be at least 32 characters (`openssl rand -hex 32` makes one)".into(),
        ));
    }
    let secret = config.secret()?;
    let store = crate::run::connect(&config, &secret).await?;
    let result = rotate_on(&store, batch).await;
    store.close().await;
    result
}

async fn rotate_on(store: &Store, batch: u32) -> Result<(), Fatal> {
    let now = SystemClock.now().as_millisecond();
    match store.begin_rotation(now).await? {
        RotationStart::Begun => out::line("key rotation begun: every instance now needs both keys"),
        RotationStart::Resumed => out::line("continuing the key rotation begun earlier"),
    }
    // Running instances switch to sealing under the new key within REFRESH; wait for them so
    // that what they write from now on needs no second pass.
    tokio::time::sleep(REFRESH + Duration::from_secs(1)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let ctrl_c = {
        let stop = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::Release);
            }
        })
    };
    let mut total_done = 0;
    // A value written under the old key by an instance that had not switched yet is caught
    // by the next pass; three passes with nothing left is the normal case after one.
    for pass in 0..5 {
        let left = store.values_to_reseal().await?;
        if left == 0 {
            break;
        }
        let bar = ProgressBar::new(left);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} re-encrypting [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        if pass > 0 {
            bar.println("a second pass for values written meanwhile under the old key");
        }
        let done = store
            .reseal_all(batch, |n| {
                bar.inc(n);
                if stop.load(Ordering::Acquire) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
        bar.finish_and_clear();
        total_done += done;
        if stop.load(Ordering::Acquire) {
            ctrl_c.abort();
            out::line(&format!(
                "stopped after re-encrypting {total_done} values; run `medspa key rotate` again \
                 with the same keys to continue"
            ));
            return Ok(());
        }
    }
    ctrl_c.abort();
    store.finish_rotation().await?;
    out::line(&format!(
        "key rotation finished: {total_done} values re-encrypted under the new key"
    ));
    out::line(
        "now set MEDSPA_SECRET_KEY to the new key and remove MEDSPA_NEW_SECRET_KEY on every \
         instance (restart them one by one); the old key is refused from now on. Backups made \
         before today still need the old key.",
    );
    Ok(())
}
