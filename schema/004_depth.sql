-- Migration 4: game model depth (PROTOCOL.md sections 5 and 6): per-round scores,
-- an open judge call, and the players' word on an ended game's result.

-- The per-round cells of primary and secondary as a JSON array of [primary,
-- secondary] pairs, round 1 first; trailing rounds without a score are left out
-- ('' = none). The totals stay in primary_vp/secondary_vp as their sums. A game
-- from before rounds were counted gets its totals in round 1's cell.
ALTER TABLE scores ADD COLUMN rounds TEXT NOT NULL DEFAULT '';
UPDATE scores SET rounds = '[[' || primary_vp || ',' || secondary_vp || ']]'
 WHERE primary_vp <> 0 OR secondary_vp <> 0;

-- The open judge call: judge_by 0 = none, 1 player 1, 2 player 2, 3 host; at in
-- wall-clock ms; paused = the call paused the game (judge_done resumes it).
ALTER TABLE game_state ADD COLUMN judge_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN judge_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE game_state ADD COLUMN judge_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN judge_paused INTEGER NOT NULL DEFAULT 0;

-- The result of an ended game: confirmed bit 1 player 1, bit 2 player 2. A game
-- that ended before results were confirmed keeps the result it had: final.
ALTER TABLE game_state ADD COLUMN result_confirmed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN result_disputed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE game_state ADD COLUMN result_final INTEGER NOT NULL DEFAULT 0;
UPDATE game_state SET result_final = 1 WHERE status = 'ended';

-- The round each change of the action log belongs to (a score_update's cell
-- round, else the game's round); NULL for entries logged before this migration.
ALTER TABLE actions ADD COLUMN round INTEGER;
