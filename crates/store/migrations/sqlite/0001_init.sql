-- medspa schema, SQLite dialect. Same file names as migrations/postgres; keep them in step.
-- Ids are UUIDs (BLOB here, UUID on PostgreSQL); instants are UTC Unix milliseconds (INTEGER);
-- civil dates are 'YYYY-MM-DD' text; booleans are 0/1.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE locations (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    timezone    TEXT NOT NULL CHECK (length(timezone) > 0),
    street      TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    hours_json  TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE closures (
    id          BLOB PRIMARY KEY NOT NULL,
    location_id BLOB NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on)
);
CREATE INDEX closures_location ON closures (location_id, starts_on);

-- Every bookable thing (staff member, room, device) is a resource: one id space, so one hold
-- table and one overlap guard cover all three.
CREATE TABLE resources (
    id          BLOB PRIMARY KEY NOT NULL,
    location_id BLOB NOT NULL REFERENCES locations (id),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'device')),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    category    TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX resources_location ON resources (location_id, kind, position);

CREATE TABLE staff (
    resource_id BLOB PRIMARY KEY NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    title       TEXT NOT NULL DEFAULT '',
    bio         TEXT NOT NULL DEFAULT '',
    hours_json  TEXT NOT NULL,
    breaks_json TEXT NOT NULL
);

CREATE TABLE services (
    id                    BLOB PRIMARY KEY NOT NULL,
    slug                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL CHECK (length(name) > 0),
    kind                  TEXT NOT NULL CHECK (kind IN ('treatment', 'consultation')),
    summary               TEXT NOT NULL DEFAULT '',
    description           TEXT NOT NULL DEFAULT '',
    suits                 TEXT NOT NULL DEFAULT '',
    price_cents           INTEGER NOT NULL CHECK (price_cents >= 0),
    segments_json         TEXT NOT NULL,
    buffer_before_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
    buffer_after_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
    downtime_days         INTEGER NOT NULL DEFAULT 0 CHECK (downtime_days >= 0),
    consultation_required INTEGER NOT NULL DEFAULT 0 CHECK (consultation_required IN (0, 1)),
    protocol_json         TEXT NOT NULL,
    faq_json              TEXT NOT NULL DEFAULT '[]',
    position              INTEGER NOT NULL DEFAULT 0,
    active                INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE staff_services (
    staff_id   BLOB NOT NULL REFERENCES staff (resource_id) ON DELETE CASCADE,
    service_id BLOB NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
);

CREATE TABLE time_off (
    id           BLOB PRIMARY KEY NOT NULL,
    staff_id     BLOB NOT NULL REFERENCES staff (resource_id) ON DELETE CASCADE,
    starts_at_ms INTEGER NOT NULL,
    ends_at_ms   INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX time_off_staff ON time_off (staff_id, starts_at_ms);

-- Clients. Contact details are personal data; health data lives sealed (encrypted) in *_sealed.
CREATE TABLE clients (
    id            BLOB PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_norm    TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    intake_sealed BLOB,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX clients_email ON clients (email_norm);

CREATE TABLE appointments (
    id               BLOB PRIMARY KEY NOT NULL,
    reference        TEXT NOT NULL UNIQUE,
    token_hash       BLOB NOT NULL,
    client_id        BLOB NOT NULL REFERENCES clients (id),
    service_id       BLOB NOT NULL REFERENCES services (id),
    location_id      BLOB NOT NULL REFERENCES locations (id),
    staff_id         BLOB REFERENCES resources (id),
    room_id          BLOB REFERENCES resources (id),
    device_id        BLOB REFERENCES resources (id),
    starts_at_ms     INTEGER NOT NULL,
    ends_at_ms       INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled', 'completed', 'no_show')),
    screening_sealed BLOB,
    notes_sealed     BLOB,
    series_id        BLOB,
    series_index     INTEGER NOT NULL DEFAULT 1 CHECK (series_index >= 1),
    source           TEXT NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'staff', 'demo', 'import')),
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX appointments_start ON appointments (location_id, starts_at_ms);
CREATE INDEX appointments_client ON appointments (client_id, starts_at_ms);

-- One row per resource an appointment holds, buffers included. No two active holds of one
-- resource may overlap: enforced below by triggers (PostgreSQL: an exclusion constraint).
CREATE TABLE holds (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id BLOB NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    resource_id    BLOB NOT NULL REFERENCES resources (id),
    starts_at_ms   INTEGER NOT NULL,
    ends_at_ms     INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX holds_resource ON holds (resource_id, starts_at_ms) WHERE active = 1;
CREATE INDEX holds_appointment ON holds (appointment_id);
CREATE INDEX holds_window ON holds (starts_at_ms) WHERE active = 1;

-- Holds are never longer than a day in practice, but the guard must not rely on that: it
-- checks every active hold of the resource that starts before the new one ends.
CREATE TRIGGER holds_no_overlap_insert
BEFORE INSERT ON holds
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource_id = NEW.resource_id AND h.active = 1
      AND h.starts_at_ms < NEW.ends_at_ms AND NEW.starts_at_ms < h.ends_at_ms
)
BEGIN
    SELECT RAISE(ABORT, 'holds_no_overlap');
END;

CREATE TRIGGER holds_no_overlap_update
BEFORE UPDATE OF active, starts_at_ms, ends_at_ms, resource_id ON holds
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource_id = NEW.resource_id AND h.active = 1 AND h.id <> NEW.id
      AND h.starts_at_ms < NEW.ends_at_ms AND NEW.starts_at_ms < h.ends_at_ms
)
BEGIN
    SELECT RAISE(ABORT, 'holds_no_overlap');
END;

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,
    email_norm    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'provider', 'front_desk')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms INTEGER NOT NULL
);

-- Who changed what, when and from where. Never holds health data or contact details.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    ip          TEXT,
    request_id  TEXT
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, at_ms);
