-- Per-day counts for briefings (server/hazards/daily-counts.ts, docs/ARCHITECTURE.md "Briefings from daily
-- aggregates"): flows of the day (new_count, major_count, closed_count) and the change of the end-of-day levels
-- (open_delta, overdue_delta),
-- by county × sector × level × source. Written in the transaction of each change; filled from the history by the
-- store on first open (meta daily_counts).
CREATE TABLE daily_counts (
  day         TEXT NOT NULL,
  region_code TEXT NOT NULL,
  city_code   TEXT NOT NULL,
  sector      TEXT NOT NULL,
  level       TEXT NOT NULL,
  source      TEXT NOT NULL,
  new_count     INTEGER NOT NULL DEFAULT 0,
  major_count   INTEGER NOT NULL DEFAULT 0,
  closed_count  INTEGER NOT NULL DEFAULT 0,
  open_delta    INTEGER NOT NULL DEFAULT 0,
  overdue_delta INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, region_code, sector, level, source)
);
CREATE INDEX daily_counts_city ON daily_counts (city_code, day);
CREATE INDEX daily_counts_region ON daily_counts (region_code, day);
-- the closures of a period (time to close, the fast_closure flag) without reading the wide rows
CREATE INDEX hazards_closures ON hazards (discovered_day, status, closed_day, region_code, discovered_at, closed_at);
