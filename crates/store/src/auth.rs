//! Back-office sign-in state: server-side sessions, the per-account login lockout, and one-time
//! tokens (invitations, password resets). Raw session ids and tokens exist only in the
//! cookie or the emailed link; the database keeps their SHA-256.
//!
//! Must not: log a token or session id, or tell a caller whether an email has an account
//! (lockout and reset requests behave the same for unknown addresses).

use crate::audit::{Actor, insert_audit};
use crate::outbox::OutboxMessage;
use crate::users::{USER_COLUMNS, UserRow};
use crate::{Store, StoreError, User, read, tx, write};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use medspa_core::UserId;
use medspa_core::access::{
    INVITE_LINK_MS, LOCKOUT_FAILURES, LOCKOUT_MS, LOCKOUT_WINDOW_MS, RESET_LINK_MS,
    SESSION_IDLE_MS, SESSION_MAX_MS,
};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

/// A one-time token row and its email, ready to insert.
pub(crate) struct LinkToken {
    pub hash: Vec<u8>,
    pub user_id: UserId,
    pub purpose: &'static str,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub message: OutboxMessage,
}

/// Inserts a [`LinkToken`] (token row + outbox email) with any executor; evaluates to
/// `Result<(), sqlx::Error>`.
macro_rules! insert_link {
    ($exec:expr, $t:expr) => {{
        let t: &$crate::auth::LinkToken = $t;
        match sqlx::query(
            "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&t.hash)
        .bind(t.user_id.get())
        .bind(t.purpose)
        .bind(t.created_at_ms)
        .bind(t.expires_at_ms)
        .execute(&mut *$exec)
        .await
        {
            Ok(_) => $crate::outbox::insert_outbox!(&mut *$exec, &t.message).map(|_| ()),
            Err(e) => Err(e),
        }
    }};
}
pub(crate) use insert_link;

/// A session's last-seen time is written at most this often (idle expiry is exact to a minute).
const TOUCH_EVERY_MS: i64 = 60_000;

/// A fresh random token: 256 bits, base64url (43 characters).
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    B64.encode(b)
}

/// The stored form of a token or session id.
pub fn token_hash(raw: &str) -> Vec<u8> {
    Sha256::digest(raw.trim().as_bytes()).to_vec()
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// An invited user chooses their first password.
    Invite,
    /// A user who forgot their password chooses a new one.
    Reset,
}

impl TokenPurpose {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Reset => "reset",
        }
    }
}

/// An invitation or reset email's words: (subject, body with `{link}`).
pub struct LinkMail<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    /// The page the link opens, e.g. `https://spa.example/admin/reset`; the token is appended
    /// as a path segment.
    pub page_url: &'a str,
}

/// Normalises an email address for lookups (lockout rows, user lookups).
pub fn email_norm(email: &str) -> String {
    email.trim().to_lowercase()
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    seen_at_ms: i64,
    expires_at_ms: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Store {
    /// Starts a session for `user`; returns the raw session id for the cookie.
    pub async fn create_session(
        &self,
        user: UserId,
        ip: Option<&str>,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        let raw = new_token();
        let hash = token_hash(&raw);
        tx!(self, |tx| {
            // Expired sessions of this user go when a new one starts.
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND (expires_at_ms <= $2 OR seen_at_ms <= $3)",
            )
            .bind(user.get())
            .bind(now_ms)
            .bind(now_ms - SESSION_IDLE_MS)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, created_at_ms, seen_at_ms, expires_at_ms, ip) \
                 VALUES ($1, $2, $3, $3, $4, $5)",
            )
            .bind(&hash)
            .bind(user.get())
            .bind(now_ms)
            .bind(now_ms + SESSION_MAX_MS)
            .bind(ip)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(raw)
    }

    /// The active user of a live session, touching its idle timer; `None` for an unknown,
    /// idle (30 min), expired (12 h) session or a deactivated user. A dead session is deleted.
    pub async fn session_user(&self, raw: &str, now_ms: i64) -> Result<Option<User>, StoreError> {
        let hash = token_hash(raw);
        let sql = format!(
            "SELECT s.seen_at_ms, s.expires_at_ms, {} FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let row: Option<SessionRow> = read!(self, |pool| {
            sqlx::query_as(&sql).bind(&hash).fetch_optional(pool).await
        })?;
        let Some(row) = row else { return Ok(None) };
        let alive = row.user.active
            && now_ms < row.expires_at_ms
            && now_ms < row.seen_at_ms + SESSION_IDLE_MS;
        if !alive {
            write!(self, |pool| sqlx::query(
                "DELETE FROM sessions WHERE id_hash = $1"
            )
            .bind(&hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
            return Ok(None);
        }
        if now_ms - row.seen_at_ms >= TOUCH_EVERY_MS {
            write!(self, |pool| sqlx::query(
                "UPDATE sessions SET seen_at_ms = $2 WHERE id_hash = $1 AND seen_at_ms < $2"
            )
            .bind(&hash)
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        }
        User::try_from(row.user).map(Some)
    }

    /// Ends one session (sign out).
    pub async fn end_session(&self, raw: &str) -> Result<(), StoreError> {
        let hash = token_hash(raw);
        write!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE id_hash = $1"
        )
        .bind(&hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends every session of `user` (sign out everywhere), audited.
    pub async fn end_all_sessions(
        &self,
        user: UserId,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.get())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let e = actor.entry(
                "user.sign_out_everywhere",
                "user",
                &user.to_string(),
                &json!({"sessions_ended": n}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(n)
        })
    }

    /// How many sessions `user` has open now.
    pub async fn session_count(&self, user: UserId, now_ms: i64) -> Result<i64, StoreError> {
        let (n,): (i64,) = read!(self, |pool| {
            sqlx::query_as(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at_ms > $2 AND seen_at_ms > $3"
        )
        .bind(user.get())
        .bind(now_ms)
        .bind(now_ms - SESSION_IDLE_MS)
        .fetch_one(pool)
        .await
        })?;
        Ok(n)
    }

    /// Until when (Unix ms) sign-ins for `email` are refused, if they are now.
    pub async fn login_locked_until(
        &self,
        email: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = read!(self, |pool| {
            sqlx::query_as(
            "SELECT locked_until_ms FROM login_locks WHERE email_norm = $1 AND locked_until_ms > $2"
        )
        .bind(email_norm(email))
        .bind(now_ms)
        .fetch_optional(pool)
        .await
        })?;
        Ok(row.map(|r| r.0))
    }

    /// Records a failed sign-in for `email`; returns when the account is now locked until, if
    /// this failure was the one that locked it (5 within 15 minutes).
    pub async fn record_login_failure(
        &self,
        email: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let norm = email_norm(email);
        tx!(self, |tx| {
            sqlx::query("INSERT INTO login_failures (email_norm, at_ms) VALUES ($1, $2)")
                .bind(&norm)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM login_failures WHERE email_norm = $1 AND at_ms > $2",
            )
            .bind(&norm)
            .bind(now_ms - LOCKOUT_WINDOW_MS)
            .fetch_one(&mut *tx)
            .await?;
            // No early `return` here: it would leave `tx!` without committing the insert.
            if n < LOCKOUT_FAILURES {
                Ok(None)
            } else {
                let until = now_ms + LOCKOUT_MS;
                sqlx::query(
                    "INSERT INTO login_locks (email_norm, locked_until_ms) VALUES ($1, $2) \
                     ON CONFLICT (email_norm) DO UPDATE SET locked_until_ms = excluded.locked_until_ms",
                )
                .bind(&norm)
                .bind(until)
                .execute(&mut *tx)
                .await?;
                // The lock replaces the failures: once it ends, the count starts again from zero.
                sqlx::query("DELETE FROM login_failures WHERE email_norm = $1")
                    .bind(&norm)
                    .execute(&mut *tx)
                    .await?;
                let e = Actor::system().entry(
                    "user.locked_out",
                    "login",
                    "-",
                    &json!({"minutes": LOCKOUT_MS / 60_000}),
                );
                insert_audit!(&mut *tx, &e, now_ms)?;
                Ok::<_, StoreError>(Some(until))
            }
        })
    }

    /// Forgets failed sign-ins for `email` after a successful one.
    pub async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        write!(self, |pool| sqlx::query(
            "DELETE FROM login_failures WHERE email_norm = $1"
        )
        .bind(email_norm(email))
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The user a one-time link belongs to, when the link is unused and unexpired.
    pub async fn token_user(
        &self,
        raw: &str,
        purpose: TokenPurpose,
        now_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {} FROM user_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at_ms IS NULL \
             AND t.expires_at_ms > $3 AND u.active = $4",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let row: Option<UserRow> = read!(self, |pool| sqlx::query_as(&sql)
            .bind(token_hash(raw))
            .bind(purpose.as_str())
            .bind(now_ms)
            .bind(true)
            .fetch_optional(pool)
            .await)?;
        row.map(User::try_from).transpose()
    }

    /// Uses a one-time link to set a password: the link dies, every session of the user ends
    /// (a reset is often a response to a stolen password), and the change is audited.
    /// `NotFound` when the link is unknown, used, expired or its user deactivated.
    pub async fn set_password_with_token(
        &self,
        raw: &str,
        purpose: TokenPurpose,
        password_hash: &str,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<UserId, StoreError> {
        let hash = token_hash(raw);
        tx!(self, |tx| {
            let row: Option<(uuid::Uuid,)> = sqlx::query_as(
                "UPDATE user_tokens SET used_at_ms = $3 WHERE token_hash = $1 AND purpose = $2 \
                 AND used_at_ms IS NULL AND expires_at_ms > $3 RETURNING user_id",
            )
            .bind(&hash)
            .bind(purpose.as_str())
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((user,)) = row else {
                return Err(StoreError::NotFound);
            };
            let n = sqlx::query(
                "UPDATE users SET password_hash = $2, updated_at_ms = $3 WHERE id = $1 AND active = $4",
            )
            .bind(user)
            .bind(password_hash)
            .bind(now_ms)
            .bind(true)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            // Other links of the same kind die with this one.
            sqlx::query(
                "UPDATE user_tokens SET used_at_ms = $2 WHERE user_id = $1 AND used_at_ms IS NULL",
            )
            .bind(user)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            let id = UserId::new(user);
            let action = match purpose {
                TokenPurpose::Invite => "user.accept_invite",
                TokenPurpose::Reset => "user.reset_password",
            };
            let e = actor.as_user(id).entry(
                action,
                "user",
                &id.to_string(),
                &json!({"after": {"password": "changed"}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Emails a password-reset link (30 minutes, once) to `email` if it belongs to an active
    /// user who has a password; does nothing otherwise, so the answer is the same either way.
    pub async fn request_password_reset(
        &self,
        email: &str,
        mail: &LinkMail<'_>,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let Some(user) = self.user_by_email(email).await? else {
            return Ok(());
        };
        if !user.active || user.invited() {
            return Ok(());
        }
        let link = self.link_token(&user, TokenPurpose::Reset, mail, now_ms)?;
        tx!(self, |tx| {
            insert_link!(tx, &link)?;
            let e = actor.entry(
                "user.reset_requested",
                "user",
                &user.id.to_string(),
                &json!({"outbox_id": link.message.id.to_string()}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }

    /// A one-time token for `user` and the email carrying its link, to write with
    /// [`insert_link!`] inside the caller's transaction.
    pub(crate) fn link_token(
        &self,
        user: &User,
        purpose: TokenPurpose,
        mail: &LinkMail<'_>,
        now_ms: i64,
    ) -> Result<LinkToken, StoreError> {
        let raw = new_token();
        let hash = token_hash(&raw);
        let ttl = match purpose {
            TokenPurpose::Invite => INVITE_LINK_MS,
            TokenPurpose::Reset => RESET_LINK_MS,
        };
        let link = format!("{}/{raw}", mail.page_url.trim_end_matches('/'));
        let now = jiff::Timestamp::from_millisecond(now_ms)
            .map_err(|_| StoreError::Corrupt("now".into()))?;
        let message = OutboxMessage::notice_with_link(
            &self.sealer,
            &user.email,
            (mail.subject, mail.body),
            &link,
            &format!("{}/{}", purpose.as_str(), hex::encode(&hash)),
            now,
        );
        Ok(LinkToken {
            hash,
            user_id: user.id,
            purpose: purpose.as_str(),
            created_at_ms: now_ms,
            expires_at_ms: now_ms + ttl,
            message,
        })
    }
}
