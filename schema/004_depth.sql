-- Migration 4: game model depth (PROTOCOL.md sections 5 and 6): per-round scores,
-- an open judge call, and the players' word on an ended game's result.

-- The per-round cells of primary and secondary as a JSON array of [primary,
-- secondary] pairs, round 1 first; trailing rounds without a score are left out
-- ('' = none). The totals stay in primary_vp/secondary_vp as their sums. A game
-- from before rounds were counted gets its totals in round 1's cell.
ALTER TABLE scores ADD COLUMN rounds TEXT NOT NULL DEFAULT '';
UPDATE scores SET rounds = '[[' || primary_vp || ',' || secondary_vp || ']]'
 WHERE primary_vp <> 0 OR secondary_vp <> 0;

-- The open judge call and the result of an ended game, in a table of their own
-- with a row only while there is something to keep: most changes touch neither,
-- and the game_state row that every change rewrites stays as narrow as it was.
-- judge_by 0 = none, 1 player 1, 2 player 2, 3 host; judge_at in wall-clock ms;
-- judge_paused = the call paused the game (judge_done resumes it);
-- result_confirmed bit 1 player 1, bit 2 player 2.
CREATE TABLE game_outcomes (
    game_id          TEXT PRIMARY KEY REFERENCES game_state (game_id) ON DELETE CASCADE,
    judge_by         INTEGER NOT NULL DEFAULT 0,
    judge_reason     TEXT NOT NULL DEFAULT '',
    judge_at         INTEGER NOT NULL DEFAULT 0,
    judge_paused     INTEGER NOT NULL DEFAULT 0,
    result_confirmed INTEGER NOT NULL DEFAULT 0,
    result_disputed  INTEGER NOT NULL DEFAULT 0,
    result_final     INTEGER NOT NULL DEFAULT 0
);
-- A game that ended before results were confirmed keeps the result it had: final.
INSERT INTO game_outcomes (game_id, result_final) SELECT game_id, 1 FROM game_state WHERE status = 'ended';

-- The round each change of the action log belongs to (a score_update's cell
-- round, else the game's round); NULL for entries logged before this migration.
ALTER TABLE actions ADD COLUMN round INTEGER;
