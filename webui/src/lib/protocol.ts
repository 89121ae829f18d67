// Types of the wire contract (PROTOCOL.md, protocol 1). Only what the app reads.

export type Role = 'host' | 'player' | 'observer' | 'none';
export type Status = 'setup' | 'active' | 'paused' | 'ended';
export type PlayerNumber = 1 | 2;

export interface PlayerState {
  player_number: PlayerNumber;
  name: string;
  faction: string;
  primary: number;
  secondary: number;
  score: number;
  cp: number;
  time_remaining: number;
  time_used: number;
  is_running: boolean;
  flagged: boolean;
  connected: boolean;
  /** Present only for the player itself (and the host). */
  private?: Record<string, unknown> | null;
  /** Per-round cells, rounds 1..settings.rounds; primary and secondary are their sums. */
  rounds?: RoundCell[];
}

export interface RoundCell {
  round: number;
  primary: number;
  secondary: number;
}

/** An open judge call (state.judge); `at` is wall-clock ms. */
export interface JudgeCall {
  called_by: 'player1' | 'player2' | 'host';
  reason: string;
  at: number;
  /** The call paused the game: judge_done resumes it. */
  paused?: boolean;
}

/** The players' word on an ended game (state.result). */
export interface GameResult {
  winner: PlayerNumber | null;
  confirmed: PlayerNumber[];
  disputed: boolean;
  final: boolean;
}

export type SettingValue = string | number | boolean;

export interface GameState {
  game_id: string;
  version: number;
  status: Status;
  round: number;
  current_turn: PlayerNumber | 0 | null;
  first_player: PlayerNumber | 0 | null;
  winner: PlayerNumber | 0 | null;
  players: PlayerState[];
  attacker: PlayerNumber | 0 | null;
  game_time: number;
  judge?: JudgeCall | null;
  /** null until the game has ended. */
  result?: GameResult | null;
  settings: Record<string, SettingValue>;
  created_at?: string;
  updated_at?: string;
  server_time: number;
}

export interface Envelope {
  type: string;
  data?: any;
  timestamp?: string;
  game_id?: string;
  id?: string;
}

export interface JoinReply {
  token: string;
  role: Role;
  /** null for a host pairing code */
  game_id: string | null;
  player_number?: PlayerNumber | null;
  /** An entrant's or an event observer's code (section 11). */
  event_id?: string | null;
  /** An integer on the server; kept as a string here. */
  entrant_id?: string | number | null;
}

export interface Invite {
  code: string;
  url: string;
  role: Role;
  player_number?: PlayerNumber | null;
}

/** POST /api/host-invites: a pairing code that makes one phone host, valid once and for 5 minutes. */
export interface HostInvite {
  code: string;
  url: string;
  role: 'host';
  expires_at: string;
}

/** One live session of GET /api/sessions (never its token). */
export interface SessionInfo {
  session_id: string;
  role: Role | 'entrant';
  game_id: string | null;
  event_id: string | null;
  player_number: PlayerNumber | null;
  created_at: string;
  last_seen_at: string | null;
  address: string | null;
}

/** One game of GET /api/games and of the `games` push (src/view.c view_summary), newest-updated first. */
export interface GameSummary {
  game_id: string;
  status: Status;
  version: number;
  round: number;
  players: { name: string; score: number }[];
  updated_at: string;
}

/** One row of GET /api/games/{id}/history. */
export interface HistoryEntry {
  version: number;
  at: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
  undone_by: number | null;
  /** The round the change belongs to; null for entries logged before rounds were recorded. */
  round?: number | null;
}

/** Types that change a game and so are answered with ack or error. */
export const CHANGE_TYPES = [
  'game_setup',
  'score_update',
  'timer_update',
  'turn_change',
  'game_start',
  'game_pause',
  'game_resume',
  'game_end',
  'settings_update',
  'undo',
  'judge_call',
  'judge_done',
  'result_confirm',
] as const;

export function player(game: GameState | null, n: number): PlayerState | undefined {
  if (!game || !Array.isArray(game.players)) return undefined;
  return game.players.find((p) => p.player_number === n) || game.players[n - 1];
}

export function other(n: PlayerNumber): PlayerNumber {
  return n === 1 ? 2 : 1;
}

export function settingNumber(game: GameState | null, key: string, fallback: number): number {
  const v = game && game.settings ? game.settings[key] : undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** A player's name in a game list entry. */
export function summaryName(s: GameSummary, n: 1 | 2): string {
  const p = s.players[n - 1];
  return (p && p.name) || 'Player ' + n;
}
