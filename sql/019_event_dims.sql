-- 019_event_dims.sql: the dimensions the breakdowns (#46) group by that events
-- lacked, filled at ingest (handlers/event_dims.c). Nullable: rows stored
-- before this migration keep NULL and the breakdowns fall back where they can
-- (source_group on the older source column).
ALTER TABLE events
    ADD COLUMN os           text,     -- iOS / Android / Windows / macOS / Linux / Chrome OS / Other
    ADD COLUMN country      text,     -- ISO 3166-1 alpha-2 of the client address; never the address
    ADD COLUMN region       text,     -- ISO 3166-2 (DE-BY), only from an operator's MMDB
    ADD COLUMN utm_source   text,
    ADD COLUMN utm_medium   text,
    ADD COLUMN utm_campaign text,
    ADD COLUMN source_group text;     -- Google, Bing, …, AI assistants, Social, a host, Direct / None
