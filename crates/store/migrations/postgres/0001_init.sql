-- medspa schema, PostgreSQL dialect. Same file names as migrations/sqlite; keep them in step.
-- Ids are UUIDs; instants are UTC Unix milliseconds (BIGINT); civil dates are 'YYYY-MM-DD' text.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE locations (
    id          UUID PRIMARY KEY,
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
    id          UUID PRIMARY KEY,
    location_id UUID NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on)
);
CREATE INDEX closures_location ON closures (location_id, starts_on);

CREATE TABLE resources (
    id          UUID PRIMARY KEY,
    location_id UUID NOT NULL REFERENCES locations (id),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'device')),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    category    TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX resources_location ON resources (location_id, kind, position);

CREATE TABLE staff (
    resource_id UUID PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    title       TEXT NOT NULL DEFAULT '',
    bio         TEXT NOT NULL DEFAULT '',
    hours_json  TEXT NOT NULL,
    breaks_json TEXT NOT NULL
);

CREATE TABLE services (
    id                    UUID PRIMARY KEY,
    slug                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL CHECK (length(name) > 0),
    kind                  TEXT NOT NULL CHECK (kind IN ('treatment', 'consultation')),
    summary               TEXT NOT NULL DEFAULT '',
    description           TEXT NOT NULL DEFAULT '',
    suits                 TEXT NOT NULL DEFAULT '',
    price_cents           BIGINT NOT NULL CHECK (price_cents >= 0),
    segments_json         TEXT NOT NULL,
    buffer_before_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
    buffer_after_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
    downtime_days         INTEGER NOT NULL DEFAULT 0 CHECK (downtime_days >= 0),
    consultation_required BOOLEAN NOT NULL DEFAULT FALSE,
    protocol_json         TEXT NOT NULL,
    faq_json              TEXT NOT NULL DEFAULT '[]',
    position              INTEGER NOT NULL DEFAULT 0,
    active                BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE staff_services (
    staff_id   UUID NOT NULL REFERENCES staff (resource_id) ON DELETE CASCADE,
    service_id UUID NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
);

CREATE TABLE time_off (
    id           UUID PRIMARY KEY,
    staff_id     UUID NOT NULL REFERENCES staff (resource_id) ON DELETE CASCADE,
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms   BIGINT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX time_off_staff ON time_off (staff_id, starts_at_ms);

CREATE TABLE clients (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_norm    TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    intake_sealed BYTEA,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX clients_email ON clients (email_norm);

CREATE TABLE appointments (
    id               UUID PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    token_hash       BYTEA NOT NULL,
    client_id        UUID NOT NULL REFERENCES clients (id),
    service_id       UUID NOT NULL REFERENCES services (id),
    location_id      UUID NOT NULL REFERENCES locations (id),
    staff_id         UUID REFERENCES resources (id),
    room_id          UUID REFERENCES resources (id),
    device_id        UUID REFERENCES resources (id),
    starts_at_ms     BIGINT NOT NULL,
    ends_at_ms       BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled', 'completed', 'no_show')),
    screening_sealed BYTEA,
    notes_sealed     BYTEA,
    series_id        UUID,
    series_index     INTEGER NOT NULL DEFAULT 1 CHECK (series_index >= 1),
    source           TEXT NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'staff', 'demo', 'import')),
    created_at_ms    BIGINT NOT NULL,
    updated_at_ms    BIGINT NOT NULL,
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX appointments_start ON appointments (location_id, starts_at_ms);
CREATE INDEX appointments_client ON appointments (client_id, starts_at_ms);

-- One row per resource an appointment holds, buffers included. The exclusion constraint is
-- the last guard against double booking: no two active holds of one resource overlap, whatever
-- writes them.
CREATE TABLE holds (
    id             BIGSERIAL PRIMARY KEY,
    appointment_id UUID NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    resource_id    UUID NOT NULL REFERENCES resources (id),
    starts_at_ms   BIGINT NOT NULL,
    ends_at_ms     BIGINT NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK (ends_at_ms > starts_at_ms),
    CONSTRAINT holds_no_overlap EXCLUDE USING gist (
        resource_id WITH =,
        int8range(starts_at_ms, ends_at_ms) WITH &&
    ) WHERE (active)
);
CREATE INDEX holds_appointment ON holds (appointment_id);
CREATE INDEX holds_window ON holds (starts_at_ms) WHERE active;

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL,
    email_norm    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'provider', 'front_desk')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    ip          TEXT,
    request_id  TEXT
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, at_ms);
