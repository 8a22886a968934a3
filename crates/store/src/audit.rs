//! The audit log: who changed what, when and from where. Entries name ids and actions only,
//! never health data or contact details.

use crate::{Store, StoreError, write};

/// One audit entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// `system`, `client`, or `user:<uuid>`.
    pub actor: String,
    /// e.g. `appointment.create`.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// Non-personal JSON detail (ids, statuses, times).
    pub detail: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Entry {
    /// An entry written by the system itself (CLI, demo, worker).
    pub fn system(action: &str, entity: &str, entity_id: &str) -> Self {
        Self {
            actor: "system".into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: entity_id.into(),
            detail: "{}".into(),
            ip: None,
            request_id: None,
        }
    }
}

/// Who is making a change and from where: a signed-in user (`user:<uuid>`) with the client IP
/// and request id, or the system (CLI, setup).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<medspa_core::UserId>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The system itself (CLI commands, the worker).
    pub fn system() -> Self {
        Self::default()
    }

    /// The same request acting as (or on behalf of) `user`.
    #[must_use]
    pub fn as_user(&self, user: medspa_core::UserId) -> Self {
        Self {
            user_id: Some(user),
            ..self.clone()
        }
    }

    /// An entry for `action` on `entity`/`entity_id`; `detail` is non-personal JSON, e.g.
    /// `{"before": {"role": "provider"}, "after": {"role": "owner"}}`.
    pub fn entry(
        &self,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: &serde_json::Value,
    ) -> Entry {
        Entry {
            actor: self
                .user_id
                .map_or_else(|| "system".to_owned(), |u| format!("user:{u}")),
            action: action.into(),
            entity: entity.into(),
            entity_id: entity_id.into(),
            detail: detail.to_string(),
            ip: self.ip.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// Where the request behind a change came from: the client address (after the trusted-proxy
/// rule) and the request id. The HTTP layer runs each request inside [`RequestContext::scope`];
/// audit entries written during it take their `ip` and `request_id` from here unless they set
/// their own. Outside a request (CLI, workers) there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

impl RequestContext {
    /// Runs `f` with this context as the current one.
    pub async fn scope<F: std::future::Future>(self, f: F) -> F::Output {
        REQUEST.scope(self, f).await
    }

    /// The context of the request being served, if any.
    pub fn current() -> Option<Self> {
        REQUEST.try_with(Clone::clone).ok()
    }
}

/// Inserts an [`Entry`] with any executor (a transaction or a pool) on either backend.
macro_rules! insert_audit {
    ($exec:expr, $entry:expr, $now_ms:expr) => {{
        let e: &$crate::audit::Entry = $entry;
        let cx = $crate::audit::RequestContext::current().unwrap_or_default();
        sqlx::query(
            "INSERT INTO audit_log (at_ms, actor, action, entity, entity_id, detail, ip, request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($now_ms)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.entity_id)
        .bind(&e.detail)
        .bind(e.ip.as_ref().or(cx.ip.as_ref()))
        .bind(e.request_id.as_ref().or(cx.request_id.as_ref()))
        .execute($exec)
        .await
        .map(|r| r.rows_affected())
    }};
}
pub(crate) use insert_audit;

/// A stored audit entry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Store {
    /// Writes one audit entry outside any other transaction.
    pub async fn audit(&self, e: &Entry, now_ms: i64) -> Result<(), StoreError> {
        write!(self, |pool| insert_audit!(pool, e, now_ms))?;
        Ok(())
    }

    /// The newest audit entries for an entity (or all when `entity` is `None`).
    pub async fn audit_entries(
        &self,
        entity: Option<(&str, &str)>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        const ALL: &str = "SELECT at_ms, actor, action, entity, entity_id, detail, ip, \
                           request_id FROM audit_log ORDER BY id DESC LIMIT $1";
        const ONE: &str = "SELECT at_ms, actor, action, entity, entity_id, detail, ip, \
                           request_id FROM audit_log WHERE entity = $2 AND entity_id = $3 \
                           ORDER BY id DESC LIMIT $1";
        let rows = crate::read!(self, |pool| match entity {
            None => sqlx::query_as(ALL).bind(limit).fetch_all(pool).await,
            Some((kind, id)) => {
                sqlx::query_as(ONE)
                    .bind(limit)
                    .bind(kind)
                    .bind(id)
                    .fetch_all(pool)
                    .await
            }
        })?;
        Ok(rows)
    }
}
