-- Migration 2: what the product needs beyond the original plan: the rest of the
-- game state, per-game settings, the action log (history and undo), invites and
-- sessions (tokens stored only as SHA-256 hashes), and secrets kept away from
-- the settings API.
ALTER TABLE game_state ADD COLUMN first_player INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN attacker INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN winner INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN draw INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN game_time_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN game_time_running INTEGER NOT NULL DEFAULT 0;
-- A game that had started had a first player; the original plan did not record
-- who, and player 1 is what a start without a roll-off means.
UPDATE game_state SET first_player = 1 WHERE status <> 'setup';
UPDATE game_state SET game_time_running = 1 WHERE status = 'active';

ALTER TABLE scores ADD COLUMN faction TEXT NOT NULL DEFAULT '';
ALTER TABLE scores ADD COLUMN private_json TEXT NOT NULL DEFAULT '{}';

ALTER TABLE timers ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;

CREATE TABLE game_settings (
    game_id  TEXT NOT NULL REFERENCES game_state (game_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL, -- JSON text of the value
    type     INTEGER NOT NULL, -- 1 string, 2 number, 3 boolean
    PRIMARY KEY (game_id, key)
);

-- One row per accepted change; version is the game's version after it.
CREATE TABLE actions (
    game_id      TEXT NOT NULL REFERENCES game_state (game_id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    at           TEXT NOT NULL,    -- wall clock, ISO 8601
    mono_ms      INTEGER NOT NULL, -- monotonic clock of the process that logged it
    boot         TEXT NOT NULL,    -- which process run: mono_ms means nothing in another
    actor        TEXT NOT NULL,    -- host, player1, player2, server
    type         TEXT NOT NULL,
    data         TEXT NOT NULL,    -- the request's data as JSON (private notes left out)
    before_state TEXT,             -- full state before the change (NULL when it created the game)
    undone_by    INTEGER,          -- version of the undo that reverted it
    PRIMARY KEY (game_id, version)
);

CREATE TABLE invites (
    code          TEXT PRIMARY KEY,
    game_id       TEXT NOT NULL REFERENCES game_state (game_id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('player', 'observer')),
    player_number INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX invites_game ON invites (game_id);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    invite_code TEXT NOT NULL REFERENCES invites (code) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
CREATE INDEX sessions_invite ON sessions (invite_code);

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
