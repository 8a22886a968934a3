-- Key rotation (`medspa key rotate`): while a rotation runs, the key check records the key
-- it moves to as well. Instances then need both keys (MEDSPA_SECRET_KEY and
-- MEDSPA_NEW_SECRET_KEY); when every sealed value is re-sealed, the new key becomes the only
-- check value and the old key is refused. Backward compatible: an older release ignores the
-- new columns.
ALTER TABLE key_check ADD COLUMN next_check_value TEXT;
ALTER TABLE key_check ADD COLUMN rotation_started_at_ms BIGINT;

-- Hold changes, for the availability caches of several instances: every transaction that
-- changes holds bumps one of 64 counters (chosen by the connection's backend pid, so
-- concurrent bookings rarely wait on the same row), in the same transaction. Each
-- availability request reads the sum (one tiny query); a sum different from the one its
-- snapshot was loaded under means another instance committed a change, and the snapshot is
-- reloaded before answering. A commit is visible to the sum and the holds at the same moment.
CREATE TABLE hold_changes (
    slot INTEGER PRIMARY KEY CHECK (slot BETWEEN 0 AND 63),
    n    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO hold_changes (slot) SELECT generate_series(0, 63);

CREATE FUNCTION bump_hold_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hold_changes SET n = n + 1 WHERE slot = pg_backend_pid() % 64;
    RETURN NULL;
END;
$$;

-- Deferred to the commit: the counter row is locked last, after every hold is written, so
-- two bookings can never wait on each other's hold and counter in opposite order (a
-- deadlock an immediate trigger produced under concurrent bookings).
CREATE CONSTRAINT TRIGGER holds_changed
AFTER INSERT OR UPDATE OR DELETE ON holds
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION bump_hold_changes();
