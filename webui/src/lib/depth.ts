// The game model's depth as the app reads it (PROTOCOL.md sections 5 and 6):
// per-round cells, an open judge call and the players' word on a result. Pure
// functions, so the views stay small and vitest can check them.

import { settingNumber, type GameState, type PlayerNumber, type PlayerState, type RoundCell } from './protocol';

export const REASON_CHARS = 200;

/** The round a score button acts on: the current one, 1 before the start, never past settings.rounds. */
export function scoringRound(g: GameState): number {
  const rounds = Math.max(1, settingNumber(g, 'rounds', 5));
  const r = g.round || 0;
  return r < 1 ? 1 : r > rounds ? rounds : r;
}

/** Cells of rounds 1..settings.rounds; an older server without rounds shows its totals in round 1. */
export function roundCells(g: GameState, p: PlayerState): RoundCell[] {
  const n = Math.max(1, settingNumber(g, 'rounds', 5));
  const out: RoundCell[] = [];
  for (let r = 1; r <= n; r++) out.push({ round: r, primary: 0, secondary: 0 });
  if (Array.isArray(p.rounds)) {
    for (const c of p.rounds) if (c && c.round >= 1 && c.round <= n) out[c.round - 1] = { round: c.round, primary: c.primary | 0, secondary: c.secondary | 0 };
  } else {
    out[0] = { round: 1, primary: p.primary, secondary: p.secondary };
  }
  return out;
}

/** Who called, in words: a player's name, or "the host". */
export function judgeCaller(g: GameState, name: (n: PlayerNumber) => string): string {
  const j = g.judge;
  if (!j) return '';
  return j.called_by === 'player1' ? name(1) : j.called_by === 'player2' ? name(2) : 'the host';
}

/** The banner line of an open judge call, or '' when none is open. */
export function judgeLine(g: GameState, name: (n: PlayerNumber) => string): string {
  const j = g.judge;
  if (!j) return '';
  return 'Judge called by ' + judgeCaller(g, name) + (j.reason ? ': ' + j.reason : '');
}

/** A reason the server accepts: at most 200 characters, no control characters. */
export function cleanReason(s: string): string {
  return Array.from(s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()).slice(0, REASON_CHARS).join('');
}

export type ResultStage = 'none' | 'provisional' | 'disputed' | 'final';

export function resultStage(g: GameState): ResultStage {
  const r = g.result;
  if (g.status !== 'ended' || !r) return 'none';
  if (r.final) return 'final';
  return r.disputed ? 'disputed' : 'provisional';
}

/** May player `me` still say yes or no? Only on a provisional result it has not agreed to yet. */
export function awaitsWord(g: GameState, me: PlayerNumber): boolean {
  return resultStage(g) === 'provisional' && !(g.result!.confirmed || []).includes(me);
}

/** One line about the result for the player `me` (or the host when me is 0). */
export function resultLine(g: GameState, name: (n: PlayerNumber) => string, me: PlayerNumber | 0 = 0): string {
  const r = g.result;
  const stage = resultStage(g);
  if (stage === 'none' || !r) return '';
  const who = r.winner ? name(r.winner) + ' wins' : 'A draw';
  if (stage === 'final') return who + ' · result final';
  if (stage === 'disputed') return who + ' · result disputed: the judge decides';
  const got = r.confirmed || [];
  if (me && got.includes(me)) return who + ' · waiting for ' + name(me === 1 ? 2 : 1) + ' to confirm';
  if (me) return who + ' · confirm or dispute the result';
  if (got.length === 1) return who + ' · confirmed by ' + name(got[0]) + ', waiting for ' + name(got[0] === 1 ? 2 : 1);
  return who + ' · waiting for both players to confirm';
}
