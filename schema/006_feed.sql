-- Migration 6: the change feed (PROTOCOL.md section 12). Every committed change
-- has a global sequence number. A game action keeps it in its own log row (no
-- second copy of the change); every other change (a game deleted, a row of
-- invites, sessions, host pairing or settings written) is one small row of feed.
-- Rows logged before this migration have no number: a follower starts from a
-- backup, which holds them already.
ALTER TABLE actions ADD COLUMN seq INTEGER;
CREATE UNIQUE INDEX actions_seq ON actions (seq) WHERE seq IS NOT NULL;

CREATE TABLE feed (
    seq     INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL, -- game_delete, row, or a kind a later module adds
    key     TEXT NOT NULL, -- the game id, the row's key
    at      TEXT NOT NULL, -- wall clock, ISO 8601
    payload TEXT NOT NULL  -- JSON
);

-- A follower's place in its primary's feed: the last entry it applied, written
-- in the same transaction as that entry; and, for the primary process it follows,
-- how far that process's monotonic clock is from its own (measured once, so times
-- logged before a reconnection or a restart of the follower stay comparable).
CREATE TABLE follow_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq     INTEGER NOT NULL,
    primary_boot TEXT,
    offset_ms    INTEGER
);
