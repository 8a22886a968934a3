-- The transactional outbox (PostgreSQL dialect; same file name as migrations/sqlite).
-- Every email is a row written in the same transaction as the change that caused it, then sent
-- by a worker (medspa-notify). `payload` holds non-personal render inputs only (reminder
-- offset, the protocol's generic care-step text, the appointment start it was planned for):
-- never screening answers, notes or tokens. `last_error` is a short code, never server text.

CREATE TABLE outbox (
    id             UUID PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'care_step', 'cancellation', 'reschedule', 'notice')),
    appointment_id UUID REFERENCES appointments (id) ON DELETE CASCADE,
    recipient      TEXT NOT NULL CHECK (length(recipient) > 0),
    -- Writing the same change twice must not send twice: inserts use ON CONFLICT DO NOTHING.
    dedupe_key     TEXT NOT NULL UNIQUE,
    payload        TEXT NOT NULL DEFAULT '{}',
    send_after_ms  BIGINT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'cancelled')),
    attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     TEXT,
    -- A worker owns a pending row while lease_until_ms is in the future; an expired lease
    -- (a crashed worker) makes the row claimable again.
    lease_until_ms BIGINT,
    leased_by      TEXT,
    created_at_ms  BIGINT NOT NULL,
    sent_at_ms     BIGINT
);
CREATE INDEX outbox_due ON outbox (status, send_after_ms);
CREATE INDEX outbox_appointment ON outbox (appointment_id, status);
