-- Migration 1: the tables of the original plan (one row per game, per player
-- score and clock, and the server's settings).
CREATE TABLE game_state (
    game_id      TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('setup', 'active', 'paused', 'ended')),
    round        INTEGER NOT NULL DEFAULT 0,
    current_turn INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE scores (
    game_id       TEXT NOT NULL REFERENCES game_state (game_id) ON DELETE CASCADE,
    player_number INTEGER NOT NULL CHECK (player_number IN (1, 2)),
    name          TEXT NOT NULL DEFAULT '',
    primary_vp    INTEGER NOT NULL DEFAULT 0,
    secondary_vp  INTEGER NOT NULL DEFAULT 0,
    cp            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (game_id, player_number)
);

CREATE TABLE timers (
    game_id       TEXT NOT NULL REFERENCES game_state (game_id) ON DELETE CASCADE,
    player_number INTEGER NOT NULL CHECK (player_number IN (1, 2)),
    remaining_ms  INTEGER NOT NULL,
    used_ms       INTEGER NOT NULL DEFAULT 0,
    running       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (game_id, player_number)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
