-- Per-day counts for briefings, second form (docs/ARCHITECTURE.md "Briefings from daily aggregates";
-- server/briefing/days-store.ts). Replaces migration 012's tables: each cell is kept by sector and by source apart
-- (axis 'sector' or 'source', code), the marginals the briefing reads, instead of by their product; the period's
-- new hazards are summed by day of discovery with marks (briefing_found) and only their later changes are kept by
-- both days (briefing_late). The tables start empty: meta 'briefing_days' is not the code's version (2), so the
-- first start after this migration refills them from the history.
DROP TABLE briefing_days;
DROP TABLE briefing_new;
DROP TABLE briefing_marks;
DROP TABLE briefing_mark_days;
DELETE FROM meta WHERE key = 'briefing_days';
-- briefing_days: by day; flows of the day and changes of the end-of-day levels, by the level the hazard had then.
CREATE TABLE briefing_days (
  day            TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  axis           TEXT NOT NULL,
  code           TEXT NOT NULL,
  level          TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  rejected_n     INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  books_n        INTEGER NOT NULL DEFAULT 0,
  open_n         INTEGER NOT NULL DEFAULT 0,
  overdue_n      INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, region_code, axis, code, level)
) WITHOUT ROWID;
-- briefing_found: by day of discovery, all later changes summed: found (not rejected), rectified, closed — each
-- by the level at that moment, as changes of those counts, so the sum is what those hazards count for now.
CREATE TABLE briefing_found (
  discovered_day TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  axis           TEXT NOT NULL,
  code           TEXT NOT NULL,
  level          TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  found_n        INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (discovered_day, region_code, axis, code, level)
) WITHOUT ROWID;
-- briefing_late: the same changes dated after the day of discovery, by both days: a period that ends before some
-- of its new hazards' changes takes those away (day > the period's end).
CREATE TABLE briefing_late (
  discovered_day TEXT NOT NULL,
  day            TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  axis           TEXT NOT NULL,
  code           TEXT NOT NULL,
  level          TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  found_n        INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (discovered_day, day, region_code, axis, code, level)
) WITHOUT ROWID;
-- marks: the sums of briefing_days by day, and of briefing_found by day of discovery, up to and including each
-- mark day (7th, 14th, 21st, 28th, last of the month; kept equal to those sums by every write).
CREATE TABLE briefing_day_marks (
  mark_day       TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  axis           TEXT NOT NULL,
  code           TEXT NOT NULL,
  level          TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  rejected_n     INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  books_n        INTEGER NOT NULL DEFAULT 0,
  open_n         INTEGER NOT NULL DEFAULT 0,
  overdue_n      INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (mark_day, region_code, axis, code, level)
) WITHOUT ROWID;
CREATE TABLE briefing_found_marks (
  mark_day       TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  axis           TEXT NOT NULL,
  code           TEXT NOT NULL,
  level          TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  found_n        INTEGER NOT NULL DEFAULT 0,
  rectified_n    INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (mark_day, region_code, axis, code, level)
) WITHOUT ROWID;
CREATE TABLE briefing_mark_days (mark_day TEXT PRIMARY KEY) WITHOUT ROWID;
-- briefing_trend: the briefing's trend per scope (the province, a city, a county: each hazard counts in all three):
-- new (not rejected, by its level now) on its day of discovery, closed on its day of closing.
CREATE TABLE briefing_trend (
  scope          TEXT NOT NULL,
  day            TEXT NOT NULL,
  level          TEXT NOT NULL,
  new_n          INTEGER NOT NULL DEFAULT 0,
  closed_n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, day, level)
) WITHOUT ROWID;
-- the hazards extended repeatedly (RULES.repeatedExtensions in shared/briefing-flags.ts): few, read by every briefing
CREATE INDEX hazards_extended ON hazards (id) WHERE extensions >= 2;
