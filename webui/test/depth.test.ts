import { describe, expect, it } from 'vitest';
import { awaitsWord, cleanReason, judgeLine, resultLine, resultStage, roundCells, scoringRound } from '../src/lib/depth';
import type { GameState, PlayerNumber } from '../src/lib/protocol';

const g = (over: Partial<GameState> = {}): GameState =>
  ({
    game_id: 'g',
    version: 3,
    status: 'active',
    round: 2,
    current_turn: 1,
    first_player: 1,
    winner: null,
    attacker: 1,
    game_time: 0,
    server_time: 0,
    settings: { rounds: 3 },
    players: [
      { player_number: 1, name: 'Ana', primary: 9, secondary: 2, rounds: [{ round: 1, primary: 4, secondary: 0 }, { round: 2, primary: 5, secondary: 2 }, { round: 3, primary: 0, secondary: 0 }] },
      { player_number: 2, name: 'Ben', primary: 6, secondary: 1 },
    ],
    ...over,
  }) as unknown as GameState;
const name = (n: PlayerNumber) => (n === 1 ? 'Ana' : 'Ben');

describe('scoringRound', () => {
  it('is the current round, 1 before the start, at most settings.rounds', () => {
    expect(scoringRound(g())).toBe(2);
    expect(scoringRound(g({ status: 'setup', round: 0 }))).toBe(1);
    expect(scoringRound(g({ round: 7 }))).toBe(3);
    expect(scoringRound(g({ round: 4, settings: {} }))).toBe(4); // default 5 rounds
  });
});

describe('roundCells', () => {
  it('reads the cells of rounds 1..settings.rounds', () => {
    const s = g();
    expect(roundCells(s, s.players[0]).map((c) => [c.primary, c.secondary])).toEqual([[4, 0], [5, 2], [0, 0]]);
  });
  it('puts the totals of a server without rounds in round 1', () => {
    const s = g();
    expect(roundCells(s, s.players[1]).map((c) => [c.round, c.primary, c.secondary])).toEqual([[1, 6, 1], [2, 0, 0], [3, 0, 0]]);
  });
});

describe('judge', () => {
  it('names who called and why', () => {
    expect(judgeLine(g(), name)).toBe('');
    expect(judgeLine(g({ judge: { called_by: 'player2', reason: 'line of sight', at: 1 } }), name)).toBe('Judge called by Ben: line of sight');
    expect(judgeLine(g({ judge: { called_by: 'host', reason: '', at: 1 } }), name)).toBe('Judge called by the host');
  });
  it('cleans a reason to what the server takes', () => {
    expect(cleanReason('  a\nb\tc  ')).toBe('a b c');
    expect(Array.from(cleanReason('é'.repeat(250))).length).toBe(200);
  });
});

describe('result', () => {
  const ended = (result: GameState['result'], winner: PlayerNumber | null = 1) => g({ status: 'ended', winner, result });
  it('has stages', () => {
    expect(resultStage(g())).toBe('none');
    expect(resultStage(ended({ winner: 1, confirmed: [], disputed: false, final: false }))).toBe('provisional');
    expect(resultStage(ended({ winner: 1, confirmed: [1], disputed: true, final: false }))).toBe('disputed');
    expect(resultStage(ended({ winner: 1, confirmed: [1, 2], disputed: false, final: true }))).toBe('final');
  });
  it('asks a player only while its word is missing on a provisional result', () => {
    const r = ended({ winner: 1, confirmed: [2], disputed: false, final: false });
    expect(awaitsWord(r, 1)).toBe(true);
    expect(awaitsWord(r, 2)).toBe(false);
    expect(awaitsWord(ended({ winner: 1, confirmed: [], disputed: true, final: false }), 1)).toBe(false);
    expect(awaitsWord(g(), 1)).toBe(false);
  });
  it('says where the result stands', () => {
    expect(resultLine(g(), name)).toBe('');
    expect(resultLine(ended({ winner: 1, confirmed: [], disputed: false, final: false }), name)).toBe('Ana wins · waiting for both players to confirm');
    expect(resultLine(ended({ winner: 1, confirmed: [2], disputed: false, final: false }), name)).toBe('Ana wins · confirmed by Ben, waiting for Ana');
    expect(resultLine(ended({ winner: 1, confirmed: [2], disputed: false, final: false }), name, 2)).toBe('Ana wins · waiting for Ana to confirm');
    expect(resultLine(ended({ winner: 1, confirmed: [2], disputed: false, final: false }), name, 1)).toBe('Ana wins · confirm or dispute the result');
    expect(resultLine(ended({ winner: null, confirmed: [1], disputed: true, final: false }, null), name)).toBe('A draw · result disputed: the judge decides');
    expect(resultLine(ended({ winner: 2, confirmed: [1, 2], disputed: false, final: true }, 2), name)).toBe('Ben wins · result final');
  });
});
