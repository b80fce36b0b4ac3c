-- PostgreSQL twin of migrations/sqlite/001_init.sql: the same tables, columns and meaning.
-- Every text column is COLLATE "C" (byte order, as SQLite's BINARY): ids, codes, ISO times and days sort and
-- compare exactly as in the embedded store whatever the cluster's locale, so lists and cursors agree.
-- JSON stays TEXT (actor, payload, input): the chain hashes the stored text, so it must come back byte for byte.

-- The change sequence: every change to every hazard (and every turn of the day), append-only,
-- each row chained to the previous one by a SHA-256 hash. Current state derives from it.
CREATE TABLE changes (
  seq         BIGINT PRIMARY KEY,
  hazard_id   TEXT COLLATE "C",
  kind        TEXT COLLATE "C" NOT NULL,
  at          TEXT COLLATE "C" NOT NULL,
  recorded_at TEXT COLLATE "C" NOT NULL,
  actor       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  prev_hash   TEXT COLLATE "C" NOT NULL,
  hash        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX changes_hazard ON changes (hazard_id, seq);

-- Current state of each hazard: a projection of `changes`, written in the same transaction.
CREATE TABLE hazards (
  id             TEXT COLLATE "C" PRIMARY KEY,
  region_code    TEXT COLLATE "C" NOT NULL,
  city_code      TEXT COLLATE "C" NOT NULL,
  sector         TEXT COLLATE "C" NOT NULL,
  level          TEXT COLLATE "C" NOT NULL,
  status         TEXT COLLATE "C" NOT NULL,
  source         TEXT COLLATE "C" NOT NULL,
  deadline       TEXT COLLATE "C",
  listed_by      TEXT COLLATE "C",
  discovered_at  TEXT COLLATE "C" NOT NULL,
  discovered_day TEXT COLLATE "C" NOT NULL,
  reported_at    TEXT COLLATE "C" NOT NULL,
  updated_at     TEXT COLLATE "C" NOT NULL,
  closed_at      TEXT COLLATE "C",
  closed_day     TEXT COLLATE "C",
  extensions     INTEGER NOT NULL DEFAULT 0,
  created_seq    BIGINT NOT NULL,
  updated_seq    BIGINT NOT NULL,
  content_hash   TEXT COLLATE "C" NOT NULL,
  input          TEXT NOT NULL
);
CREATE INDEX hazards_newest ON hazards (discovered_at DESC, id DESC);
CREATE INDEX hazards_region ON hazards (region_code, discovered_at DESC);
CREATE INDEX hazards_city ON hazards (city_code, discovered_at DESC);
CREATE INDEX hazards_open_deadline ON hazards (status, deadline);
CREATE INDEX hazards_day ON hazards (discovered_day);
CREATE INDEX hazards_closed_day ON hazards (closed_day) WHERE closed_day IS NOT NULL;

CREATE TABLE tokens (
  id          TEXT COLLATE "C" PRIMARY KEY,
  hash        TEXT COLLATE "C" NOT NULL UNIQUE,
  role        TEXT COLLATE "C" NOT NULL,
  region      TEXT COLLATE "C" NOT NULL,
  name        TEXT NOT NULL,
  created_at  TEXT COLLATE "C" NOT NULL,
  revoked_at  TEXT COLLATE "C"
);

CREATE TABLE meta (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
