import { describe, expect, it } from 'vitest';
import {
  formatTimer,
  normalizeEvent,
  pages,
  parseEntrants,
  placeOf,
  reduceEvent,
  roundOpen,
  tableOf,
  tablesByUrgency,
  timerLeft,
  turnText,
  type EventState,
} from '../src/lib/event';
import { round1, round2, setupState } from './fixtures/event';

const ev = (raw: unknown) => normalizeEvent(raw) as EventState;

describe('normalizeEvent', () => {
  it('reads the contract shape, tables in number order', () => {
    const e = ev(round1());
    expect(e.event_id).toBe('e-1');
    expect(e.status).toBe('running');
    expect(e.tables.map((t) => t.table)).toEqual([1, 2]);
    expect(e.tables[0].seats[0]).toEqual({ player_number: 1, entrant_id: 'n-ana', name: 'Ana', faction: 'Aeldari', score: 12 });
    expect(e.tables[0].judge).toEqual({ called_by: 'player2', reason: 'Line of sight', at: 1900 });
    expect(e.timer).toEqual({ remaining_ms: 9000000, running: true });
  });
  it('refuses what is not an event', () => {
    expect(normalizeEvent(null)).toBeNull();
    expect(normalizeEvent({ name: 'x' })).toBeNull();
    expect(normalizeEvent([1])).toBeNull();
  });
  it('takes the entrants of a table as players, entrants or a/b, and totals from primary + secondary', () => {
    const a = tableOf({ table: 3, game_id: 'g', entrants: [{ entrant_id: 'x', name: 'X', primary: 4, secondary: 3 }, { id: 'y', name: 'Y', score: 2 }] });
    expect(a.seats.map((s) => [s.entrant_id, s.score, s.player_number])).toEqual([
      ['x', 7, 1],
      ['y', 2, 2],
    ]);
    const b = tableOf({ table: 4, game_id: 'h', a: { entrant_id: 'p', name: 'P' }, b: { entrant_id: 'q', name: 'Q' }, status: 'bogus' });
    expect(b.seats[1].entrant_id).toBe('q');
    expect(b.status).toBe('setup');
  });
  it('reads a hall entry (an observer game state with box and table)', () => {
    const t = tableOf({ game_id: 'g-9', box: 'box-b', table: 7, event_id: 'e-1', status: 'active', round: 3, current_turn: 1, players: [{ player_number: 1, name: 'A', faction: 'F', primary: 10, secondary: 5, score: 15 }, { player_number: 2, name: 'B', score: 3 }] });
    expect(t).toMatchObject({ table: 7, box: 'box-b', status: 'active', current_turn: 1 });
    expect(t.seats[0].score).toBe(15);
  });
  it('reads standings rows with long or short W/D/L names', () => {
    const e = ev({ ...setupState(), standings: [{ rank: 2, entrant: { entrant_id: 'n-a', name: 'A' }, wins: 2, draws: 1, losses: 0, points: 7, sos: 4, vp_for: 80, vp_against: 40 }] });
    expect(e.standings[0]).toMatchObject({ rank: 2, entrant_id: 'n-a', name: 'A', w: 2, d: 1, l: 0, points: 7 });
  });
});

describe('reduceEvent', () => {
  it('takes each state in the order the socket delivers, even when the server clock stepped back', () => {
    const a = reduceEvent(null, round1(2000));
    const b = reduceEvent(a, round2(3000));
    expect(b!.round).toBe(2);
    expect(reduceEvent(b, round2(1000))!.server_time).toBe(1000);
  });
  it('orders by version when the server sends one', () => {
    const a = reduceEvent(null, { ...round1(5000), version: 7 });
    expect(reduceEvent(a, { ...round2(4000), version: 8 })!.round).toBe(2);
    expect(reduceEvent(a, { ...round2(9000), version: 6 })).toBe(a);
  });
  it('ignores garbage and takes another event outright', () => {
    const a = reduceEvent(null, round1());
    expect(reduceEvent(a, { nope: 1 })).toBe(a);
    expect(reduceEvent(a, { ...setupState(), event_id: 'e-2', server_time: 1 })!.event_id).toBe('e-2');
  });
});

describe('placeOf: the entrant follows its table', () => {
  it('waits before round 1', () => {
    expect(placeOf(ev(setupState()), 'n-ana')).toEqual({ kind: 'waiting' });
  });
  it('sits at its round-1 table, then moves to its round-2 table with the other player number', () => {
    const p1 = placeOf(ev(round1()), 'n-ana');
    expect(p1.kind).toBe('table');
    if (p1.kind !== 'table') return;
    expect([p1.table.table, p1.table.game_id, p1.me, p1.opponent.name]).toEqual([1, 'g-1', 1, 'Ben']);
    const p2 = placeOf(ev(round2()), 'n-ana');
    if (p2.kind !== 'table') throw new Error('no table');
    expect([p2.table.table, p2.table.game_id, p2.me, p2.opponent.name]).toEqual([1, 'g-3', 2, 'Cy']);
    const d2 = placeOf(ev(round2()), 'n-dee');
    if (d2.kind !== 'table') throw new Error('no table');
    expect([d2.table.table, d2.me, d2.opponent.entrant_id]).toEqual([2, 2, 'n-ben']);
  });
  it('has a bye when paired out of a running round, and knows when it dropped', () => {
    const e = round2();
    e.tables = e.tables.slice(0, 1);
    expect(placeOf(ev(e), 'n-ben')).toEqual({ kind: 'bye' });
    expect(placeOf(ev({ ...setupState(), round: 1, byes: ['n-ben'] }), 'n-ben')).toEqual({ kind: 'bye' });
    const d = round2();
    d.entrants = d.entrants.map((x) => (x.entrant_id === 'n-ana' ? { ...x, dropped: true } : x));
    expect(placeOf(ev(d), 'n-ana')).toEqual({ kind: 'dropped' });
  });
});

describe('round timer', () => {
  it('counts down from the server figure while running, never below 0', () => {
    const e = ev(round1(2000));
    expect(timerLeft(e, 2000)).toBe(9000000);
    expect(timerLeft(e, 62000)).toBe(8940000);
    expect(timerLeft(e, 1e12)).toBe(0);
    expect(timerLeft(e, 1000)).toBe(9000000); // a server clock behind the state
  });
  it('stands still while paused', () => {
    const e = ev(round2(3000));
    expect(timerLeft(e, 999999)).toBe(9000000);
  });
  it('formats minutes and seconds, hours when there are any, rounding up', () => {
    expect(formatTimer(9000000)).toBe('2:30:00');
    expect(formatTimer(45 * 60000)).toBe('45:00');
    expect(formatTimer(59001)).toBe('1:00');
    expect(formatTimer(7000)).toBe('0:07');
    expect(formatTimer(1)).toBe('0:01');
    expect(formatTimer(0)).toBe('0:00');
    expect(formatTimer(-5)).toBe('0:00');
  });
});

describe('the organiser sees what needs it first', () => {
  it('judge calls, then disputes, then results to finalise, then by table', () => {
    const t = (table: number, extra: object) => tableOf({ table, game_id: 'g' + table, status: 'active', players: [{}, {}], ...extra });
    const list = [
      t(1, {}),
      t(2, { status: 'ended', result: { winner: 1, confirmed: [1], disputed: false, final: false } }),
      t(3, { status: 'ended', result: { winner: 2, confirmed: [1], disputed: true, final: false } }),
      t(4, { judge: { called_by: 'host', reason: '', at: 1 } }),
      t(5, { status: 'ended', result: { winner: 1, confirmed: [1, 2], disputed: false, final: true } }),
    ];
    expect(tablesByUrgency(list).map((x) => x.table)).toEqual([4, 3, 2, 1, 5]);
  });
  it('a round is open until every table is final', () => {
    const e = ev(round1());
    expect(roundOpen(e)).toBe(true);
    e.tables.forEach((x) => (x.result = { winner: null, confirmed: [1, 2], disputed: false, final: true }));
    expect(roundOpen(e)).toBe(false);
  });
  it('says whose turn it is and what the result is', () => {
    const e = ev(round1());
    expect(turnText(e.tables[0])).toBe('Judge called');
    expect(turnText({ ...e.tables[0], judge: null })).toBe('Ben’s turn · R2');
    expect(turnText({ ...e.tables[0], judge: null, status: 'ended', result: { winner: 1, confirmed: [1], disputed: false, final: false } })).toBe('Ana won (to confirm)');
    expect(turnText({ ...e.tables[0], judge: null, status: 'ended', result: { winner: null, confirmed: [1, 2], disputed: false, final: true } })).toBe('Draw');
    expect(turnText(e.tables[1])).toBe('Not started');
  });
});

describe('parseEntrants', () => {
  it('reads one name a line, with faction and club', () => {
    expect(parseEntrants('Ana, Aeldari, North\n\nBen;Orks\r\nCy\n')).toEqual({
      entrants: [{ name: 'Ana', faction: 'Aeldari', club: 'North' }, { name: 'Ben', faction: 'Orks' }, { name: 'Cy' }],
      errors: [],
    });
  });
  it('follows a header row in any order, and quoted CSV fields', () => {
    const r = parseEntrants('\uFEFFClub,Name,Faction\r\n"Dice, Inc.","O\'Neil ""Oz""",Tau\r\n');
    expect(r.entrants).toEqual([{ name: 'O\'Neil "Oz"', faction: 'Tau', club: 'Dice, Inc.' }]);
    expect(r.errors).toEqual([]);
  });
  it('takes a spreadsheet paste (tabs)', () => {
    expect(parseEntrants('Ana\tAeldari\tNorth\nBen\t\tSouth').entrants).toEqual([
      { name: 'Ana', faction: 'Aeldari', club: 'North' },
      { name: 'Ben', club: 'South' },
    ]);
  });
  it('names the bad lines', () => {
    const r = parseEntrants('Ana\n,Orks\n' + 'x'.repeat(41));
    expect(r.entrants).toEqual([{ name: 'Ana' }]);
    expect(r.errors).toEqual(['Line 2: no name', 'Line 3: over 40 characters']);
  });
  it('allows 512 and refuses 513', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => 'P' + i).join('\n');
    expect(parseEntrants(list(512)).errors).toEqual([]);
    expect(parseEntrants(list(513)).errors).toEqual(['513 entrants: at most 512 at once']);
  });
});

describe('pages of the check-in sheet', () => {
  it('eight to a page', () => {
    const p = pages(Array.from({ length: 17 }, (_, i) => i));
    expect(p.map((x) => x.length)).toEqual([8, 8, 1]);
    expect(pages([])).toEqual([]);
  });
});
