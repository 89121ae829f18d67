import { describe, expect, it } from 'vitest';
import { redirectFor } from '../src/components/session';
import { gamesOf } from '../src/lib/connection';
import type { Session } from '../src/lib/session';

const player: Session = { token: 't', role: 'player', game_id: 'g', player_number: 1 };
const observer: Session = { token: 't', role: 'observer', game_id: 'g', player_number: null };

describe('session gate', () => {
  it('lets each view keep only its kind of session', () => {
    expect(redirectFor('player', player)).toBe(null);
    expect(redirectFor('player', observer)).toBe('/watch');
    expect(redirectFor('player', { ...player, player_number: null })).toBe('/watch');
    expect(redirectFor('observer', observer)).toBe(null);
    expect(redirectFor('observer', player)).toBe('/play');
    expect(redirectFor('player', null)).toBe('/');
    expect(redirectFor('observer', null)).toBe('/');
  });
});

describe('games push', () => {
  it('reads the list of a games message and nothing else', () => {
    const list = [{ game_id: 'a', status: 'setup', version: 1, round: 0, players: [{ name: '', score: 0 }, { name: '', score: 0 }], updated_at: '' }];
    expect(gamesOf({ type: 'games', data: { games: list } })).toEqual(list);
    expect(gamesOf({ type: 'games', data: {} })).toBe(null);
    expect(gamesOf({ type: 'game_state', data: { games: list } })).toBe(null);
  });
});
