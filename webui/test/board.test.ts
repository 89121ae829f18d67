import { describe, expect, it } from 'vitest';
import { describeChange, statusLine } from '../src/components/board';
import type { GameState } from '../src/lib/protocol';

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
    settings: { rounds: 5 },
    players: [
      { player_number: 1, name: 'Ana' },
      { player_number: 2, name: '' },
    ],
    ...over,
  }) as unknown as GameState;

describe('statusLine', () => {
  it('says the round, pause, setup and result', () => {
    expect(statusLine(g())).toBe('Round 2 of 5');
    expect(statusLine(g({ status: 'paused' }))).toBe('Paused · Round 2 of 5');
    expect(statusLine(g({ status: 'setup' }))).toBe('Setting up');
    expect(statusLine(g({ status: 'ended', winner: 1 }))).toBe('Game over · Ana wins');
    expect(statusLine(g({ status: 'ended', winner: 2 }))).toBe('Game over · Player 2 wins');
    expect(statusLine(g({ status: 'ended', winner: null }))).toBe('Game over · Draw');
    expect(statusLine(g({ status: 'ended', winner: 2 }), 2)).toBe('Game over · You won');
    expect(statusLine(g({ status: 'ended', winner: 2 }), 1)).toBe('Game over · You lost');
  });
});

describe('describeChange', () => {
  it('writes out score changes with a sign', () => {
    expect(describeChange({ player: 1, field: 'primary', delta: 3, version: 3, at: 0 }, g())).toBe('Ana +3 primary VP');
    expect(describeChange({ player: 2, field: 'cp', delta: -1, version: 3, at: 0 }, g())).toBe('Player 2 −1 CP');
  });
  it('names whose turn it is', () => {
    expect(describeChange({ player: 1, field: 'turn', delta: null, version: 3, at: 0 }, g())).toBe('Ana’s turn');
  });
  it('leaves status changes to the headline', () => {
    expect(describeChange({ player: null, field: 'status', delta: null, version: 3, at: 0 }, g())).toBe('');
    expect(describeChange(null, g())).toBe('');
  });
});
