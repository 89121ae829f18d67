-- Migration 3: host pairing, sessions that can be listed and revoked one by one,
-- (PROTOCOL.md sections 3 and 10), and the clocks' once-a-second checkpoint.

-- One-time host pairing codes, valid for five minutes.
CREATE TABLE host_invites (
    code       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_ms INTEGER NOT NULL, -- wall clock, ms since the epoch
    used_at    TEXT
);

-- Host sessions made from those codes; the host token itself is not a session.
CREATE TABLE host_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    invite_code  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT,
    last_addr    TEXT
);

ALTER TABLE sessions ADD COLUMN revoked_at TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN last_addr TEXT;

-- Where running clocks were at the last once-a-second checkpoint: one small row a
-- game, written alone (one statement, one page), instead of the timers and game
-- rows. It counts only while the game is still at the version it names: a change
-- writes the full rows and leaves it behind.
CREATE TABLE clock_checkpoints (
    game_id         TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    p1_remaining_ms INTEGER NOT NULL,
    p1_used_ms      INTEGER NOT NULL,
    p2_remaining_ms INTEGER NOT NULL,
    p2_used_ms      INTEGER NOT NULL,
    game_time_ms    INTEGER NOT NULL
);
