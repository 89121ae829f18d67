-- Migration 5: tournaments (PROTOCOL.md section 11). An event, its entrants, its
-- games and byes round by round (the table's game is an ordinary game), the
-- results the host gave, the round timer, and the join codes and sessions of its
-- entrants and observers (apart from the games' invites, whose rows must name a game).
CREATE TABLE events (
    event_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('setup', 'running', 'ended')),
    round         INTEGER NOT NULL DEFAULT 0,
    rounds        INTEGER NOT NULL,
    round_time_ms INTEGER NOT NULL,
    score_win     INTEGER NOT NULL DEFAULT 3,
    score_draw    INTEGER NOT NULL DEFAULT 1,
    score_loss    INTEGER NOT NULL DEFAULT 0,
    settings      TEXT NOT NULL DEFAULT '{}', -- JSON object: every game of the event starts with it
    seed          INTEGER NOT NULL DEFAULT 0, -- round 1's shuffle
    -- The round timer: remaining as of the last write; a running timer stores its
    -- end on the wall clock so that a restart knows how much is left.
    timer_remaining_ms INTEGER NOT NULL DEFAULT 0,
    timer_running      INTEGER NOT NULL DEFAULT 0,
    timer_end_wall_ms  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE event_entrants (
    event_id   TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    entrant_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    faction    TEXT NOT NULL DEFAULT '',
    club       TEXT NOT NULL DEFAULT '',
    dropped    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, entrant_id)
);

-- One row per table of a round (b = 0 and table_no = 0 for a bye). game_id names
-- the game played there; the result columns hold what the host decided.
CREATE TABLE event_games (
    event_id   TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    round      INTEGER NOT NULL,
    table_no   INTEGER NOT NULL,
    a          INTEGER NOT NULL,
    b          INTEGER NOT NULL,
    game_id    TEXT NOT NULL DEFAULT '',
    by_host    INTEGER NOT NULL DEFAULT 0,
    winner     INTEGER NOT NULL DEFAULT 0, -- by the host: 1, 2, or 0 for a draw
    vp_set     INTEGER NOT NULL DEFAULT 0,
    vp_a       INTEGER NOT NULL DEFAULT 0,
    vp_b       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, round, table_no, a)
);
CREATE INDEX event_games_game ON event_games (game_id);

-- Join codes of an event: role 'entrant' (entrant_id set) or 'observer'.
CREATE TABLE event_invites (
    code       TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('entrant', 'observer')),
    entrant_id INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX event_invites_event ON event_invites (event_id);

CREATE TABLE event_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    invite_code  TEXT NOT NULL REFERENCES event_invites (code) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT,
    last_addr    TEXT
);
CREATE INDEX event_sessions_invite ON event_sessions (invite_code);
