-- 017_ingest.sql: what #43's Plausible-compatible ingest carries besides a
-- beacon's fields. Plausible's tracker sends a revenue ({amount, currency}) with
-- a goal, and marks events that are not a visitor's action as non-interactive
-- (they do not end a bounce). NULL: no revenue; interactive (the default).
-- Adding nullable columns without a default rewrites no partition.

ALTER TABLE events
    ADD COLUMN revenue numeric(18, 4) CHECK (revenue IS NULL OR revenue >= 0),
    ADD COLUMN currency text CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'),
    ADD COLUMN interactive boolean;
