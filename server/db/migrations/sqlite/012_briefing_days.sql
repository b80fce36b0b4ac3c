-- Per-day counts for briefings (docs/ARCHITECTURE.md "Briefings from daily aggregates"; server/briefing/daily.ts).
-- Kept by the chain store in each change's transaction; filled from the history at start-up when meta
-- 'briefing_days' is not the version the code writes (a store older than this migration, or a newer rule).
-- briefing_days: by day; flows of the day and changes of the end-of-day levels, by the level the hazard had then.
CREATE TABLE briefing_days (
  day          TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  city_code    TEXT NOT NULL,
  sector       TEXT NOT NULL,
  source       TEXT NOT NULL,
  level        TEXT NOT NULL,
  rejected_n   INTEGER NOT NULL DEFAULT 0,
  closed_n     INTEGER NOT NULL DEFAULT 0,
  books_n      INTEGER NOT NULL DEFAULT 0,
  open_n       INTEGER NOT NULL DEFAULT 0,
  overdue_n    INTEGER NOT NULL DEFAULT 0,
  rectified_n  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, region_code, sector, source, level)
) WITHOUT ROWID;
-- briefing_new: by day and day of discovery; what the period's new hazards were at its end.
CREATE TABLE briefing_new (
  discovered_day TEXT NOT NULL,
  day            TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  sector         TEXT NOT NULL,
  source         TEXT NOT NULL,
  level          TEXT NOT NULL,
  found_n        INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (discovered_day, day, region_code, sector, source, level)
) WITHOUT ROWID;
-- briefing_marks: the sums of every briefing_days row up to and including mark_day (a month's last day), so that
-- a sum up to any day reads one mark and at most a month of days; kept equal to that sum by every write.
CREATE TABLE briefing_marks (
  mark_day     TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  city_code    TEXT NOT NULL,
  sector       TEXT NOT NULL,
  source       TEXT NOT NULL,
  level        TEXT NOT NULL,
  rejected_n   INTEGER NOT NULL DEFAULT 0,
  closed_n     INTEGER NOT NULL DEFAULT 0,
  books_n      INTEGER NOT NULL DEFAULT 0,
  open_n       INTEGER NOT NULL DEFAULT 0,
  overdue_n    INTEGER NOT NULL DEFAULT 0,
  rectified_n  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (mark_day, region_code, sector, source, level)
) WITHOUT ROWID;
CREATE TABLE briefing_mark_days (mark_day TEXT PRIMARY KEY) WITHOUT ROWID;
