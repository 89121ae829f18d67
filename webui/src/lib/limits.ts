// The server's limits (PROTOCOL.md section 8; the numbers are src/game.h's), in
// the one place the app reads them. test/limits.test.ts compares them with game.h.

/** Names and factions: at most this many characters (code points). */
export const NAME_CHARS = 40;
/** A player's `private` object: at most this many bytes of JSON text. */
export const PRIVATE_BYTES = 1024;
/** Settings per game, key length (bytes of [A-Za-z0-9._-]) and value length (characters). */
export const SETTINGS_MAX = 32;
export const SETTING_KEY_MAX = 40;
export const SETTING_VALUE_CHARS = 200;
/** Primary and secondary VP: 0..SCORE_MAX each. */
export const SCORE_MAX = 999;
/** Command points: 0..CP_MAX. */
export const CP_MAX = 99;
/** settings.clock_ms: one player's clock, and the cap of a clock correction. */
export const CLOCK_MS_DEFAULT = 5400000;
export const CLOCK_MS_MIN = 60000;
export const CLOCK_MS_MAX = 86400000;
/** settings.rounds. */
export const ROUNDS_DEFAULT = 5;
export const ROUNDS_MIN = 1;
export const ROUNDS_MAX = 99;
/** settings.cp_per_turn: CP both players gain at each turn start. */
export const CP_PER_TURN_DEFAULT = 0;
export const CP_PER_TURN_MAX = 10;

export type ScoreField = 'primary' | 'secondary' | 'cp';

/** The highest value a score field takes. */
export function fieldMax(f: ScoreField): number {
  return f === 'cp' ? CP_MAX : SCORE_MAX;
}

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** True if a trimmed name or faction fits. */
export function nameFits(s: string): boolean {
  return charCount(s.trim()) <= NAME_CHARS;
}

/** Bytes of the JSON text the server stores for `private`. */
export function privateBytes(obj: Record<string, unknown>): number {
  return new TextEncoder().encode(JSON.stringify(obj)).length;
}

/** n as an integer within [lo, hi]; NaN gives lo. */
export function clampInt(n: number, lo: number, hi: number): number {
  if (!Number.isFinite(n)) return lo;
  return Math.min(hi, Math.max(lo, Math.round(n)));
}

/** The three game settings the host edits, from form values, within the server's bounds. */
export function gameSettings(minutes: number, rounds: number, cpPerTurn: number): { clock_ms: number; rounds: number; cp_per_turn: number } {
  return {
    clock_ms: clampInt(minutes * 60000, CLOCK_MS_MIN, CLOCK_MS_MAX),
    rounds: clampInt(rounds, ROUNDS_MIN, ROUNDS_MAX),
    cp_per_turn: clampInt(cpPerTurn, 0, CP_PER_TURN_MAX),
  };
}
