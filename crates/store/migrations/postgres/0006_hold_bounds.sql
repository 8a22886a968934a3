-- Holds are appointment-length: at most one day (the SQLite schema relies on this bound to keep
-- its overlap check an index range; the exclusion constraint here does not need it, but both
-- backends keep the same invariant).
ALTER TABLE holds ADD CONSTRAINT holds_max_length CHECK (ends_at_ms - starts_at_ms <= 86400000);
