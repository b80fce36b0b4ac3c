-- The change sequence: every change to every hazard (and every turn of the day), append-only,
-- each row chained to the previous one by a SHA-256 hash. Current state derives from it.
CREATE TABLE changes (
  seq         INTEGER PRIMARY KEY,
  hazard_id   TEXT,
  kind        TEXT NOT NULL,
  at          TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX changes_hazard ON changes (hazard_id, seq);

-- Current state of each hazard: a projection of `changes`, written in the same transaction.
CREATE TABLE hazards (
  id             TEXT PRIMARY KEY,
  region_code    TEXT NOT NULL,
  city_code      TEXT NOT NULL,
  sector         TEXT NOT NULL,
  level          TEXT NOT NULL,
  status         TEXT NOT NULL,
  source         TEXT NOT NULL,
  deadline       TEXT,
  listed_by      TEXT,
  discovered_at  TEXT NOT NULL,
  discovered_day TEXT NOT NULL,
  reported_at    TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  closed_at      TEXT,
  closed_day     TEXT,
  extensions     INTEGER NOT NULL DEFAULT 0,
  created_seq    INTEGER NOT NULL,
  updated_seq    INTEGER NOT NULL,
  content_hash   TEXT NOT NULL,
  input          TEXT NOT NULL
);
CREATE INDEX hazards_newest ON hazards (discovered_at DESC, id DESC);
CREATE INDEX hazards_region ON hazards (region_code, discovered_at DESC);
CREATE INDEX hazards_city ON hazards (city_code, discovered_at DESC);
CREATE INDEX hazards_open_deadline ON hazards (status, deadline);
CREATE INDEX hazards_day ON hazards (discovered_day);
CREATE INDEX hazards_closed_day ON hazards (closed_day) WHERE closed_day IS NOT NULL;

CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL,
  region      TEXT NOT NULL,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
