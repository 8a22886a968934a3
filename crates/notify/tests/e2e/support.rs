//! Shared setup: the demo clinic, appointments written the way the booking transaction writes
//! them (appointment + sealed manage token + sealed screening answers + outbox rows), a fixed
//! clock, an SMTP sink, workers, raw SQL for the odd assertion, and a small iCalendar reader.

use jiff::{SignedDuration, Timestamp};
use medspa_core::clinic::Clinic;
use medspa_core::{AppointmentId, ClientId};
use medspa_notify::{MailConfig, Worker, WorkerHandle};
use medspa_store::clock::{Clock, FixedClock};
use medspa_store::outbox::{self, MailPlan, OutboxRow, OutboxStatus};
use medspa_store::{ConnectOptions, DatabaseUrl, SeedAppointment, SeedClient, Store};
use medspa_testkit::smtp::{ReceivedMail, SmtpSink};
use medspa_testkit::{Kind, TestDb, test_secret};
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// 2026-11-20 09:00 in Chicago.
pub fn now0() -> Timestamp {
    "2026-11-20T15:00:00Z".parse().unwrap()
}

/// Monday 2026-11-23 10:30 in Chicago (3 days after `now0`).
pub fn start0() -> Timestamp {
    "2026-11-23T16:30:00Z".parse().unwrap()
}

pub const BASE_URL: &str = "https://spa.example";
pub const SURNAME: &str = "Zylberstein";

pub struct Env {
    pub db: TestDb,
    pub store: Store,
    pub clinic: Clinic,
    pub sink: SmtpSink,
    pub clock: Arc<FixedClock>,
}

/// One booked appointment.
#[derive(Clone, Debug)]
pub struct Booking {
    pub id: AppointmentId,
    pub reference: String,
    pub token: String,
    pub email: String,
    pub start: Timestamp,
}

impl Booking {
    pub fn manage_url(&self) -> String {
        format!(
            "{BASE_URL}/bookings/{}?token={}",
            self.reference, self.token
        )
    }
}

impl Env {
    pub async fn new(db: TestDb) -> Self {
        let store = db.store();
        let clinic = medspa_demo::clinic(jiff::civil::date(2026, 11, 20));
        store.insert_clinic(&clinic).await.unwrap();
        Self {
            db,
            store,
            clinic,
            sink: SmtpSink::start().await,
            clock: Arc::new(FixedClock::new(now0())),
        }
    }

    pub fn config(&self) -> MailConfig {
        let mut c = MailConfig::new("Lumen Test <clinic@spa.example>", BASE_URL)
            .with_smtp(Some(self.sink.url()));
        c.poll_interval = Duration::from_millis(200);
        c.smtp_timeout = Duration::from_secs(5);
        c
    }

    /// A worker on `store` with `config`, stopped when the returned sender fires (or dropped).
    pub fn spawn(&self, store: Store, config: MailConfig) -> Running {
        let (tx, rx) = oneshot::channel::<()>();
        let clock: Arc<dyn Clock> = self.clock.clone();
        let (handle, join) = Worker::spawn(store, config, clock, async move {
            let _ = rx.await;
        });
        Running {
            handle,
            join,
            stop: Some(tx),
        }
    }

    pub fn worker(&self) -> Running {
        self.spawn(self.store.clone(), self.config())
    }

    /// A second, independent connection pool to the same database (another app instance).
    pub async fn second_store(&self) -> Store {
        Store::connect(&ConnectOptions {
            url: DatabaseUrl::parse(&self.db.url).unwrap(),
            secret: test_secret(),
            max_connections: 4,
            connect_timeout: Duration::from_secs(10),
        })
        .await
        .unwrap()
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn set_clock(&self, at: Timestamp) {
        self.clock.set(at);
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(SignedDuration::try_from(by).unwrap());
    }

    /// Writes an appointment for `halo` at `start` with its sealed token and sealed screening
    /// answers, as the booking transaction does, without outbox rows.
    pub async fn appointment(&self, start: Timestamp) -> Booking {
        let service = self.clinic.service("halo").unwrap();
        let n = Uuid::now_v7().simple().to_string();
        let client = SeedClient {
            id: ClientId::new(Uuid::now_v7()),
            name: format!("Ana María {SURNAME}"),
            email: format!("ana.{}@example.com", &n[20..]),
            phone: "+1 331 555 0199".into(),
        };
        let booking = Booking {
            id: AppointmentId::new(Uuid::now_v7()),
            reference: format!("T{}", n[24..].to_uppercase()),
            token: format!("tok-{}", Uuid::new_v4().simple()),
            email: client.email.clone(),
            start,
        };
        let appointment = SeedAppointment {
            id: booking.id,
            reference: booking.reference.clone(),
            token_hash: vec![1; 32],
            client_id: client.id,
            service_id: service.id,
            location_id: self.clinic.locations[0].id,
            staff_id: None,
            room_id: None,
            device_id: None,
            start_ms: start.as_millisecond(),
            end_ms: start.as_millisecond() + 105 * 60_000,
            status: "confirmed",
            holds: vec![],
        };
        self.store
            .insert_history(&[client], &[appointment], self.now().as_millisecond())
            .await
            .unwrap();
        let sealer = self.store.sealer();
        let id = booking.id.get();
        let token_sealed = sealer.seal(
            format!("appointments.token:{id}").as_bytes(),
            booking.token.as_bytes(),
        );
        let screening = sealer.seal(
            format!("appointments.screening:{id}").as_bytes(),
            br#"{"pregnant":true,"isotretinoin_last_dose":"2026-01-01","retinoid_last_used":"2026-11-01","cold_sore_history":true}"#,
        );
        self.exec(
            "UPDATE appointments SET token_sealed = $1, screening_sealed = $2 WHERE id = $3",
            &[Val::B(token_sealed), Val::B(screening), Val::U(id)],
        )
        .await;
        booking
    }

    /// The booking transaction's outbox rows for `b` (confirmation, reminders, care steps).
    pub fn plan(&self, b: &Booking, offsets: &[SignedDuration]) -> Vec<outbox::OutboxMessage> {
        let service = self.clinic.service("halo").unwrap();
        let zone = self.clinic.locations[0].zone.tz().clone();
        let answers = yes_answers(&service.protocol);
        let steps = medspa_core::protocol::care_plan(
            &service.protocol,
            &b.start.to_zoned(zone.clone()),
            Some(&answers),
        );
        outbox::plan_booking_messages(&MailPlan {
            appointment_id: b.id,
            recipient: &b.email,
            start: b.start,
            zone: &zone,
            care_plan: &steps,
            protocol: &service.protocol,
            reminder_offsets: offsets,
            now: self.now(),
        })
    }

    /// Books: appointment + its outbox rows (all of them, or only the confirmation).
    pub async fn book(&self, start: Timestamp, everything: bool) -> Booking {
        let b = self.appointment(start).await;
        let mut msgs = self.plan(&b, &outbox::DEFAULT_REMINDER_OFFSETS);
        if !everything {
            msgs.truncate(1);
        }
        self.store.enqueue(&msgs).await.unwrap();
        b
    }

    pub async fn rows(&self, b: &Booking) -> Vec<OutboxRow> {
        self.store.outbox_for_appointment(b.id).await.unwrap()
    }

    /// Polls until `f` holds for the appointment's rows, or panics after 10 s.
    pub async fn wait_rows(
        &self,
        b: &Booking,
        what: &str,
        f: impl Fn(&[OutboxRow]) -> bool,
    ) -> Vec<OutboxRow> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let rows = self.rows(b).await;
            if f(&rows) {
                return rows;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {rows:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs one statement on a raw connection.
    pub async fn exec(&self, sql: &str, vals: &[Val]) -> u64 {
        macro_rules! run {
            ($conn:expr) => {{
                let mut q = sqlx::query(sql);
                for v in vals {
                    q = match v {
                        Val::U(u) => q.bind(*u),
                        Val::I(i) => q.bind(*i),
                        Val::B(b) => q.bind(b.clone()),
                    };
                }
                q.execute($conn).await.unwrap().rows_affected()
            }};
        }
        match self.db.kind {
            Kind::Sqlite => {
                let path = self.db.url.trim_start_matches("sqlite://");
                let opts = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .busy_timeout(Duration::from_secs(10));
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                run!(&mut c)
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
                run!(&mut c)
            }
        }
    }

    /// One text column of every row a query returns.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        match self.db.kind {
            Kind::Sqlite => {
                let path = self.db.url.trim_start_matches("sqlite://");
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut c).await.unwrap();
                rows.into_iter().map(|r| r.0).collect()
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
                let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut c).await.unwrap();
                rows.into_iter().map(|r| r.0).collect()
            }
        }
    }

    /// What the cancel transaction does: status, pending reminders, the cancellation email.
    pub async fn cancel(&self, b: &Booking) {
        self.exec(
            "UPDATE appointments SET status = 'cancelled' WHERE id = $1",
            &[Val::U(b.id.get())],
        )
        .await;
        self.store.outbox_cancel_pending(b.id).await.unwrap();
        let msgs = outbox::plan_cancel_messages(b.id, &b.email, b.start, self.now());
        self.store.enqueue(&msgs).await.unwrap();
    }

    /// What the reschedule transaction does: new start, old reminders out, new rows in.
    pub async fn reschedule(&self, b: &Booking, to: Timestamp) -> Booking {
        self.exec(
            "UPDATE appointments SET starts_at_ms = $1, ends_at_ms = $2 WHERE id = $3",
            &[
                Val::I(to.as_millisecond()),
                Val::I(to.as_millisecond() + 105 * 60_000),
                Val::U(b.id.get()),
            ],
        )
        .await;
        self.store.outbox_cancel_pending(b.id).await.unwrap();
        let moved = Booking {
            start: to,
            ..b.clone()
        };
        let service = self.clinic.service("halo").unwrap();
        let zone = self.clinic.locations[0].zone.tz().clone();
        let steps = medspa_core::protocol::care_plan(
            &service.protocol,
            &to.to_zoned(zone.clone()),
            Some(&yes_answers(&service.protocol)),
        );
        let msgs = outbox::plan_reschedule_messages(
            &MailPlan {
                appointment_id: b.id,
                recipient: &b.email,
                start: to,
                zone: &zone,
                care_plan: &steps,
                protocol: &service.protocol,
                reminder_offsets: &outbox::DEFAULT_REMINDER_OFFSETS,
                now: self.now(),
            },
            b.start,
        );
        self.store.enqueue(&msgs).await.unwrap();
        moved
    }
}

/// Yes to every yes/no question, no dates: the plan then includes every conditional step.
pub fn yes_answers(protocol: &medspa_core::protocol::Protocol) -> medspa_core::protocol::Answers {
    let mut map = serde_json::Map::new();
    for q in &protocol.screening {
        let v = match q.kind {
            medspa_core::protocol::AnswerKind::YesNo => serde_json::Value::Bool(true),
            medspa_core::protocol::AnswerKind::Date => serde_json::Value::Null,
            medspa_core::protocol::AnswerKind::Choice => serde_json::Value::String("VI".into()),
        };
        map.insert(q.id.clone(), v);
    }
    medspa_core::protocol::Answers::parse(protocol, &map).unwrap()
}

/// A bind value for [`Env::exec`].
pub enum Val {
    U(Uuid),
    I(i64),
    B(Vec<u8>),
}

/// A running worker.
pub struct Running {
    pub handle: WorkerHandle,
    pub join: JoinHandle<()>,
    stop: Option<oneshot::Sender<()>>,
}

impl Running {
    pub fn nudge(&self) {
        self.handle.nudge();
    }
    /// Graceful stop: waits for the message in flight.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        tokio::time::timeout(Duration::from_secs(15), &mut self.join)
            .await
            .expect("worker stops")
            .unwrap();
    }
    /// A crash: the task is dropped wherever it is.
    pub async fn kill(self) {
        self.join.abort();
        let _ = self.join.await;
    }
}

/// Rows with `status`.
pub fn with_status(rows: &[OutboxRow], status: OutboxStatus) -> Vec<&OutboxRow> {
    rows.iter().filter(|r| r.status == status).collect()
}

/// Unfolds an iCalendar file and returns its properties as (name, value), checking CRLF line
/// ends and the 75-octet limit on the way; value escapes are undone.
pub fn ics_properties(ics: &str) -> Vec<(String, String)> {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "over 75 octets: {line:?}");
    }
    ics.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap();
            let value = value
                .replace("\\n", "\n")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\");
            (name.to_owned(), value)
        })
        .collect()
}

pub fn prop<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    props
        .iter()
        .find(|(k, _)| k == name)
        .map_or_else(|| panic!("{name} missing"), |(_, v)| v.as_str())
}

/// `20261123T163000Z` -> the instant.
pub fn ics_instant(v: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", v)
        .unwrap()
        .to_datetime()
        .unwrap();
    dt.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp()
}

/// Message-IDs of `mails`, asserting none repeats.
pub fn unique_ids(mails: &[ReceivedMail]) -> Vec<String> {
    let mut ids: Vec<String> = mails.iter().map(|m| m.message_id().unwrap()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "a Message-ID arrived twice");
    ids
}

/// The Message-ID the worker gives an outbox row.
pub fn message_id_of(row: &OutboxRow) -> String {
    format!("<{}@spa.example>", row.id)
}

/// Lets the worker run a little (for "nothing more arrives" checks).
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}
