// Tournaments (PROTOCOL.md section 11) as the web app sees them: the event
// state read tolerantly into one shape, where an entrant sits this round, the
// round timer, and the organiser's pasted entrant lists. Pure: no I/O, and
// time is always a parameter.

import type { PlayerNumber, Status } from './protocol';

export type EventStatus = 'setup' | 'running' | 'ended';

export interface Entrant {
  entrant_id: string;
  name: string;
  faction: string;
  club: string;
  dropped: boolean;
  /** Host only: the join code and its URL (for the check-in sheet). */
  code?: string;
  url?: string;
}

export interface Seat {
  player_number: PlayerNumber;
  entrant_id: string;
  name: string;
  faction: string;
  score: number;
}

export interface Judge {
  called_by: string;
  reason: string;
  at: number;
}

export interface TableResult {
  winner: PlayerNumber | null;
  confirmed: number[];
  disputed: boolean;
  final: boolean;
}

export interface Table {
  table: number;
  game_id: string;
  status: Status;
  round: number;
  current_turn: PlayerNumber | null;
  seats: [Seat, Seat];
  result: TableResult | null;
  judge: Judge | null;
  /** The box that runs the game (hall of several boxes); '' for this one. */
  box: string;
}

export interface StandingRow {
  rank: number;
  entrant_id: string;
  name: string;
  faction: string;
  club: string;
  w: number;
  d: number;
  l: number;
  points: number;
  sos: number;
  vp_for: number;
  vp_against: number;
  dropped: boolean;
}

export interface RoundTimer {
  remaining_ms: number;
  running: boolean;
}

export interface EventState {
  event_id: string;
  name: string;
  status: EventStatus;
  round: number;
  rounds: number;
  round_time_ms: number;
  timer: RoundTimer;
  entrants: Entrant[];
  tables: Table[];
  /** Entrants without a game this round. */
  byes: string[];
  standings: StandingRow[];
  server_time: number;
  version: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const pn = (v: unknown): PlayerNumber | null => (v === 1 || v === 2 ? v : null);
const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {});
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

function seatOf(raw: unknown, n: PlayerNumber): Seat {
  const p = obj(raw);
  const primary = num(p.primary);
  const secondary = num(p.secondary);
  return {
    player_number: pn(p.player_number) || n,
    entrant_id: str(p.entrant_id ?? p.id),
    name: str(p.name),
    faction: str(p.faction),
    score: typeof p.score === 'number' ? p.score : primary + secondary,
  };
}

function judgeOf(v: unknown): Judge | null {
  if (!v || typeof v !== 'object') return null;
  const j = obj(v);
  return { called_by: str(j.called_by), reason: str(j.reason), at: num(j.at) };
}

function resultOf(v: unknown): TableResult | null {
  if (!v || typeof v !== 'object') return null;
  const r = obj(v);
  return { winner: pn(r.winner), confirmed: arr(r.confirmed).filter((x) => x === 1 || x === 2), disputed: r.disputed === true, final: r.final === true };
}

const STATUSES: Status[] = ['setup', 'active', 'paused', 'ended'];

/**
 * One table of the event state (or of GET /api/hall). Both entrants come as
 * `players` (as in a game state), `entrants`, or `a`/`b`; a hall entry is a
 * whole observer game state with `table` and `box`.
 */
export function tableOf(raw: unknown): Table {
  const t = obj(raw);
  const list = arr(t.players).length ? arr(t.players) : arr(t.entrants).length ? arr(t.entrants) : [t.a ?? t.player1, t.b ?? t.player2];
  const st = str(t.status) as Status;
  return {
    table: num(t.table),
    game_id: str(t.game_id),
    status: STATUSES.indexOf(st) >= 0 ? st : 'setup',
    round: num(t.game_round ?? t.round),
    current_turn: pn(t.current_turn),
    seats: [seatOf(list[0], 1), seatOf(list[1], 2)],
    result: resultOf(t.result),
    judge: judgeOf(t.judge),
    box: str(t.box),
  };
}

function standingOf(raw: unknown, i: number): StandingRow {
  const r = obj(raw);
  const e = obj(r.entrant);
  return {
    rank: num(r.rank, i + 1),
    entrant_id: str(r.entrant_id ?? e.entrant_id),
    name: str(r.name ?? e.name),
    faction: str(r.faction ?? e.faction),
    club: str(r.club ?? e.club),
    w: num(r.w ?? r.wins),
    d: num(r.d ?? r.draws),
    l: num(r.l ?? r.losses),
    points: num(r.points),
    sos: num(r.sos),
    vp_for: num(r.vp_for),
    vp_against: num(r.vp_against),
    dropped: r.dropped === true || e.dropped === true,
  };
}

function entrantOf(raw: unknown): Entrant {
  const e = obj(raw);
  const out: Entrant = { entrant_id: str(e.entrant_id ?? e.id), name: str(e.name), faction: str(e.faction), club: str(e.club), dropped: e.dropped === true };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.url === 'string') out.url = e.url;
  return out;
}

/** The event state of `event_state` or GET /api/events/{id}, or null if it is not one. */
export function normalizeEvent(raw: unknown): EventState | null {
  const e = obj(raw);
  const id = str(e.event_id);
  if (!id) return null;
  const st = str(e.status);
  const timer = obj(e.timer);
  const tables = arr(e.tables).map(tableOf);
  tables.sort((a, b) => a.table - b.table);
  return {
    event_id: id,
    name: str(e.name),
    status: st === 'running' || st === 'ended' ? st : 'setup',
    round: num(e.round),
    rounds: num(e.rounds),
    round_time_ms: num(e.round_time_ms),
    timer: { remaining_ms: Math.max(0, num(timer.remaining_ms)), running: timer.running === true },
    entrants: arr(e.entrants).map(entrantOf),
    tables,
    byes: arr(e.byes).map((b) => str(typeof b === 'object' ? obj(b).entrant_id : b)).filter(Boolean),
    standings: arr(e.standings).map(standingOf),
    server_time: num(e.server_time),
    version: num(e.version, -1),
  };
}

/**
 * The event state after an `event_state`. One socket delivers in order, so the
 * newest message wins; only a state carrying an older `version` than the one shown
 * is dropped. `server_time` is not compared: the box's wall clock may step back
 * (a Pi without a real-time clock meeting NTP) and must not freeze the page.
 */
export function reduceEvent(prev: EventState | null, raw: unknown): EventState | null {
  const next = normalizeEvent(raw);
  if (!next) return prev;
  if (!prev || prev.event_id !== next.event_id) return next;
  return next.version >= 0 && prev.version >= 0 && next.version < prev.version ? prev : next;
}

/** Where an entrant is this round. */
export type Place =
  | { kind: 'table'; table: Table; me: PlayerNumber; opponent: Seat }
  | { kind: 'bye' }
  | { kind: 'dropped' }
  | { kind: 'waiting' };

export function placeOf(e: EventState, entrant: string | number): Place {
  const entrantId = String(entrant);
  const me = e.entrants.find((x) => x.entrant_id === entrantId);
  if (me && me.dropped) return { kind: 'dropped' };
  for (const t of e.tables) {
    for (let i = 0; i < 2; i++) {
      if (t.seats[i].entrant_id === entrantId) return { kind: 'table', table: t, me: t.seats[i].player_number, opponent: t.seats[1 - i] };
    }
  }
  if (e.round > 0 && (e.byes.indexOf(entrantId) >= 0 || e.tables.length > 0)) return { kind: 'bye' };
  return { kind: 'waiting' };
}

/** The round timer's remaining time at server time `serverNow`. */
export function timerLeft(e: EventState, serverNow: number): number {
  const t = e.timer;
  if (!t.running) return t.remaining_ms;
  return Math.max(0, t.remaining_ms - Math.max(0, serverNow - e.server_time));
}

/** "1:05:09", "45:00", "0:07": minutes and seconds, with hours when there are any; rounds up so 0:00 means over. */
export function formatTimer(ms: number): string {
  const s = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? h + ':' + String(m).padStart(2, '0') + ':' + ss : m + ':' + ss;
}

/** Tables that need the organiser first: judge calls, then disputes, then results to finalise, then the rest by number. */
export function tablesByUrgency(tables: Table[]): Table[] {
  const rank = (t: Table) => (t.judge ? 0 : t.result && t.result.disputed ? 1 : t.status === 'ended' && !(t.result && t.result.final) ? 2 : 3);
  return tables.slice().sort((a, b) => rank(a) - rank(b) || a.table - b.table);
}

/** True while some table of the round has no final result (the next round cannot be paired). */
export function roundOpen(e: EventState): boolean {
  return e.tables.some((t) => !(t.result && t.result.final));
}

export interface NewEntrant {
  name: string;
  faction?: string;
  club?: string;
}

export const MAX_ENTRANTS = 512;
const FIELD_CHARS = 40;

/** Splits one CSV line (RFC 4180 quotes) or, when it has tabs (a spreadsheet paste), on tabs. */
function splitLine(line: string): string[] {
  if (line.indexOf('\t') >= 0 && line.indexOf('"') < 0) return line.split('\t');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',' || c === ';' || c === '\t') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

export interface ParsedEntrants {
  entrants: NewEntrant[];
  /** One line each: what was wrong with which line (1-based). */
  errors: string[];
}

/**
 * A pasted list or CSV: one entrant a line, `name[,faction[,club]]` (commas,
 * semicolons or tabs). A first line that names its columns (name, faction,
 * club in any order) is a header and sets the order. Blank lines are skipped;
 * names and factions over 40 characters, and more than 512 entrants, are errors.
 */
export function parseEntrants(text: string): ParsedEntrants {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const entrants: NewEntrant[] = [];
  const errors: string[] = [];
  let cols = { name: 0, faction: 1, club: 2 };
  let first = true;
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const f = splitLine(line).map((x) => x.trim());
    if (first) {
      first = false;
      const low = f.map((x) => x.toLowerCase());
      if (low.indexOf('name') >= 0) {
        cols = { name: low.indexOf('name'), faction: low.indexOf('faction'), club: low.indexOf('club') };
        return;
      }
    }
    const name = f[cols.name] || '';
    const faction = cols.faction >= 0 ? f[cols.faction] || '' : '';
    const club = cols.club >= 0 ? f[cols.club] || '' : '';
    if (!name) return void errors.push('Line ' + (i + 1) + ': no name');
    if (name.length > FIELD_CHARS || faction.length > FIELD_CHARS || club.length > FIELD_CHARS)
      return void errors.push('Line ' + (i + 1) + ': over ' + FIELD_CHARS + ' characters');
    const e: NewEntrant = { name };
    if (faction) e.faction = faction;
    if (club) e.club = club;
    entrants.push(e);
  });
  if (entrants.length > MAX_ENTRANTS) errors.push(entrants.length + ' entrants: at most ' + MAX_ENTRANTS + ' at once');
  return { entrants, errors };
}

/** Splits a list into pages of `per` (the check-in sheet prints eight to a page). */
export function pages<T>(list: T[], per = 8): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
  return out;
}

/** Who holds the turn at a table, as words for the board. */
export function turnText(t: Table): string {
  if (t.judge) return 'Judge called';
  if (t.status === 'ended') {
    if (t.result && t.result.disputed) return 'Disputed';
    if (!t.result || t.result.winner === null) return t.result && t.result.final ? 'Draw' : 'Ended';
    return t.seats[t.result.winner - 1].name + (t.result.final ? ' won' : ' won (to confirm)');
  }
  if (t.status === 'setup') return 'Not started';
  if (t.status === 'paused') return 'Paused';
  return t.current_turn ? (t.seats[t.current_turn - 1].name || 'Player ' + t.current_turn) + '’s turn' + (t.round ? ' · R' + t.round : '') : 'Playing';
}
