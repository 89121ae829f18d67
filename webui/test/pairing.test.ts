import { describe, expect, it } from 'vitest';
import { ago, msLeft, newHostSessions, sessionWho, sortSessions } from '../src/lib/pairing';
import type { SessionInfo } from '../src/lib/protocol';

const at = (iso: string) => Date.parse(iso);
const sess = (id: string, role: SessionInfo['role'], game: string | null, n: 1 | 2 | null, created: string): SessionInfo => ({
  session_id: id,
  role,
  game_id: game,
  event_id: null,
  player_number: n,
  created_at: created,
  last_seen_at: null,
  address: null,
});

describe('pairing countdown', () => {
  it('counts to the expiry on the server clock and stops at zero', () => {
    const exp = '2026-11-30T10:05:00Z';
    expect(msLeft(exp, at('2026-11-30T10:00:00Z'))).toBe(300000);
    expect(msLeft(exp, at('2026-11-30T10:04:59.500Z'))).toBe(500);
    expect(msLeft(exp, at('2026-11-30T10:05:00Z'))).toBe(0);
    expect(msLeft(exp, at('2026-11-30T11:00:00Z'))).toBe(0);
    expect(msLeft('not a date', at('2026-11-30T10:00:00Z'))).toBe(0);
    expect(msLeft(exp, NaN)).toBe(0);
  });
});

describe('sessions list', () => {
  it('names each session', () => {
    expect(sessionWho(sess('s-1', 'player', 'g-1', 2, ''))).toBe('Player 2');
    expect(sessionWho(sess('s-1', 'player', 'g-1', null, ''))).toBe('Player');
    expect(sessionWho(sess('h-1', 'host', null, null, ''))).toBe('Host');
    expect(sessionWho(sess('s-2', 'observer', 'g-1', null, ''))).toBe('Observer');
  });

  it('says how long ago in words, on the server clock', () => {
    const now = at('2026-11-30T10:00:00Z');
    expect(ago(null, now)).toBe('never');
    expect(ago('2026-11-30T10:00:00Z', now)).toBe('just now');
    expect(ago('2026-11-30T10:00:03Z', now)).toBe('just now'); // a little ahead: clocks differ
    expect(ago('2026-11-30T09:59:30Z', now)).toBe('30 s ago');
    expect(ago('2026-11-30T09:48:00Z', now)).toBe('12 min ago');
    expect(ago('2026-11-30T07:00:00Z', now)).toBe('3 h ago');
    expect(ago('2026-11-28T09:00:00Z', now)).toBe('2 d ago');
    expect(ago('garbage', now)).toBe('garbage');
  });

  it('puts hosts first, then game by game: players in order, observers, oldest first', () => {
    const list = [
      sess('s-5', 'observer', 'g-a', null, '2026-11-30T10:00:00Z'),
      sess('s-4', 'player', 'g-b', 1, '2026-11-30T10:00:00Z'),
      sess('s-3', 'player', 'g-a', 2, '2026-11-30T10:00:00Z'),
      sess('s-2', 'player', 'g-a', 1, '2026-11-30T10:01:00Z'),
      sess('s-1', 'player', 'g-a', 1, '2026-11-30T10:00:00Z'),
      sess('h-1', 'host', null, null, '2026-11-30T10:02:00Z'),
    ];
    expect(sortSessions(list).map((s) => s.session_id)).toEqual(['h-1', 's-1', 's-2', 's-3', 's-5', 's-4']);
    expect(list[0].session_id).toBe('s-5'); // the input is left alone
  });

  it('sees a phone paired when a host session appears that was not there before', () => {
    const before = [sess('h-1', 'host', null, null, ''), sess('s-1', 'player', 'g', 1, '')];
    expect(newHostSessions(before, before)).toEqual([]);
    expect(newHostSessions(before, [...before, sess('s-2', 'player', 'g', 2, '')])).toEqual([]);
    const h2 = sess('h-2', 'host', null, null, '');
    expect(newHostSessions(before, [before[1], h2])).toEqual([h2]);
  });
});
