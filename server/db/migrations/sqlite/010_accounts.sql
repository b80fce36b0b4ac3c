-- People's accounts, their sessions, evidence files (their metadata is in the hazards' history), and the hash-chained record of every change to who may
-- act (tokens created and revoked, users created, disabled, given a new password, sessions opened).
CREATE TABLE users (
  username      TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  region        TEXT NOT NULL,
  source        TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change   INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
);

CREATE TABLE sessions (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  username    TEXT NOT NULL REFERENCES users(username),
  created_at  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  ended_at    TEXT
);
CREATE INDEX sessions_ended ON sessions (ended_at);

CREATE TABLE auth_changes (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  subject   TEXT NOT NULL,
  data      TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);

-- PostgreSQL keeps the bytes in the database so every node serves them; SQLite keeps them as files in DATA_DIR
CREATE TABLE attachment_blobs (
  sha256 TEXT PRIMARY KEY,
  bytes  BLOB NOT NULL
);
