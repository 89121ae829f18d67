// The client's view of one game and of its connection, as a pure reducer.
// Everything the server says arrives here as an action; views only read.

import type { Envelope, GameState, PlayerNumber, Role } from './protocol';

export type ConnStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline';

export interface Change {
  /** The player whose value changed, or null for game-wide changes. */
  player: PlayerNumber | null;
  field: 'primary' | 'secondary' | 'cp' | 'name' | 'faction' | 'turn' | 'round' | 'status' | 'clock';
  delta: number | null;
  version: number;
  at: number;
}

export interface Notice {
  kind: 'error' | 'info';
  code: string;
  message: string;
  at: number;
}

export interface ClientState {
  conn: ConnStatus;
  /** Counts connections; messages from an older socket are dropped. */
  epoch: number;
  /** Local time of the next reconnect attempt while reconnecting. */
  retryAt: number | null;
  role: Role | null;
  clientId: string | null;
  playerNumber: PlayerNumber | null;
  gameId: string | null;
  game: GameState | null;
  /** True once the current connection has delivered a state (the picture is not stale). */
  fresh: boolean;
  lastChange: Change | null;
  pending: Record<string, { type: string; at: number }>;
  notice: Notice | null;
  /** Goes up each time the turn passes to this client's player (to vibrate). */
  yourTurn: number;
}

export type Action =
  | { kind: 'connecting'; epoch: number }
  | { kind: 'open'; epoch: number }
  | { kind: 'closed'; epoch: number; retryAt: number | null; offline: boolean; now: number }
  | { kind: 'message'; epoch: number; msg: Envelope; now: number }
  | { kind: 'sent'; id: string; type: string; now: number }
  | { kind: 'expire'; now: number; maxAge: number }
  | { kind: 'select'; gameId: string | null }
  | { kind: 'notice'; notice: Notice | null };

export function initialState(gameId: string | null = null, playerNumber: PlayerNumber | null = null): ClientState {
  return {
    conn: 'idle',
    epoch: 0,
    retryAt: null,
    role: null,
    clientId: null,
    playerNumber,
    gameId,
    game: null,
    fresh: false,
    lastChange: null,
    pending: {},
    notice: null,
    yourTurn: 0,
  };
}

const ERROR_TEXT: Record<string, string> = {
  conflict: 'The game changed in the meantime. Showing the latest state.',
  forbidden: 'Not allowed.',
  unauthorized: 'This session is not valid any more.',
  invalid_state: 'Not possible right now.',
  rate_limited: 'Too fast. Try again in a moment.',
  not_found: 'Game not found.',
  bad_message: 'The server refused that value.',
  timeout: 'No answer from the server. Check the score before trying again.',
  internal: 'Server error.',
};

export function errorText(code: string, message?: string): string {
  return ERROR_TEXT[code] || message || code;
}

const VP_FIELDS = ['primary', 'secondary'] as const;

/** The most notable difference between two states of the same game, or null. */
export function diffStates(prev: GameState | null, next: GameState, now: number): Change | null {
  if (!prev || prev.game_id !== next.game_id || prev.version === next.version) return null;
  const mk = (player: PlayerNumber | null, field: Change['field'], delta: number | null): Change => ({
    player,
    field,
    delta,
    version: next.version,
    at: now,
  });
  const pairs = (next.players || []).map((np) => ({ np, pp: (prev.players || []).find((p) => p.player_number === np.player_number) }));
  // VP first; then what the game did (a turn change also hands out CP, and
  // "Ben's turn" says more than "+1 CP"); then CP alone.
  for (const { np, pp } of pairs) {
    if (!pp) continue;
    for (const f of VP_FIELDS) if (pp[f] !== np[f]) return mk(np.player_number, f, np[f] - pp[f]);
  }
  if (prev.status !== next.status) return mk(null, 'status', null);
  if (prev.round !== next.round) return mk(null, 'round', next.round - prev.round);
  if (prev.current_turn !== next.current_turn) return mk((next.current_turn || null) as PlayerNumber | null, 'turn', null);
  for (const { np, pp } of pairs) if (pp && pp.cp !== np.cp) return mk(np.player_number, 'cp', np.cp - pp.cp);
  for (const np of next.players || []) {
    const pp = (prev.players || []).find((p) => p.player_number === np.player_number);
    if (!pp) continue;
    if (pp.name !== np.name) return mk(np.player_number, 'name', null);
    if (pp.faction !== np.faction) return mk(np.player_number, 'faction', null);
    if (pp.time_remaining !== np.time_remaining && !np.is_running && !pp.is_running) return mk(np.player_number, 'clock', null);
  }
  return null;
}

function isMyTurn(g: GameState | null, n: PlayerNumber | null): boolean {
  return !!g && !!n && g.status === 'active' && g.current_turn === n;
}

function withoutPending(pending: ClientState['pending'], ref: unknown): ClientState['pending'] {
  if (typeof ref !== 'string' || !(ref in pending)) return pending;
  const copy = { ...pending };
  delete copy[ref];
  return copy;
}

function onMessage(s: ClientState, msg: Envelope, now: number): ClientState {
  const d = msg.data && typeof msg.data === 'object' ? msg.data : {};
  switch (msg.type) {
    case 'connect': {
      const pn = d.player_number === 1 || d.player_number === 2 ? (d.player_number as PlayerNumber) : s.playerNumber;
      return {
        ...s,
        role: (typeof d.role === 'string' ? d.role : 'none') as Role,
        clientId: typeof d.client_id === 'string' ? d.client_id : s.clientId,
        playerNumber: d.role === 'player' ? pn : s.playerNumber,
        gameId: typeof d.game_id === 'string' && d.game_id && d.role !== 'host' ? d.game_id : s.gameId,
      };
    }
    case 'game_state': {
      const g = d as GameState;
      if (!g || typeof g.game_id !== 'string' || !Array.isArray(g.players)) return s;
      if (s.gameId && g.game_id !== s.gameId) return s;
      // Within one connection states arrive in order; an older version is a late duplicate.
      if (s.fresh && s.game && s.game.game_id === g.game_id && g.version < s.game.version) return s;
      const change = diffStates(s.game, g, now);
      const turned = isMyTurn(g, s.playerNumber) && !isMyTurn(s.game, s.playerNumber);
      return {
        ...s,
        game: g,
        gameId: s.gameId || g.game_id,
        fresh: true,
        lastChange: change || (s.game && s.game.game_id === g.game_id ? s.lastChange : null),
        yourTurn: turned ? s.yourTurn + 1 : s.yourTurn,
      };
    }
    case 'ack':
      return { ...s, pending: withoutPending(s.pending, d.ref) };
    case 'error': {
      const code = typeof d.code === 'string' ? d.code : 'error';
      return {
        ...s,
        pending: withoutPending(s.pending, d.ref),
        notice: { kind: 'error', code, message: errorText(code, d.message), at: now },
      };
    }
    default:
      return s;
  }
}

export function reduce(s: ClientState, a: Action): ClientState {
  switch (a.kind) {
    case 'connecting':
      return { ...s, conn: 'connecting', epoch: a.epoch, fresh: false, retryAt: null };
    case 'open':
      if (a.epoch !== s.epoch) return s;
      return { ...s, conn: 'open', retryAt: null };
    case 'closed': {
      if (a.epoch !== s.epoch) return s;
      const lost = Object.keys(s.pending).length > 0;
      return {
        ...s,
        conn: a.offline ? 'offline' : 'reconnecting',
        retryAt: a.retryAt,
        fresh: false,
        pending: {},
        notice: lost
          ? { kind: 'error', code: 'timeout', message: 'Connection lost before the server answered. Check the score once it is back.', at: a.now }
          : s.notice,
      };
    }
    case 'message':
      if (a.epoch !== s.epoch) return s;
      return onMessage(s, a.msg, a.now);
    case 'sent':
      return { ...s, pending: { ...s.pending, [a.id]: { type: a.type, at: a.now } } };
    case 'expire': {
      const old = Object.keys(s.pending).filter((id) => a.now - s.pending[id].at >= a.maxAge);
      if (!old.length) return s;
      const pending = { ...s.pending };
      for (const id of old) delete pending[id];
      return { ...s, pending, notice: { kind: 'error', code: 'timeout', message: errorText('timeout'), at: a.now } };
    }
    case 'select':
      if (a.gameId === s.gameId) return s;
      return { ...s, gameId: a.gameId, game: null, fresh: false, lastChange: null };
    case 'notice':
      return { ...s, notice: a.notice };
  }
}

/** True while a change this client sent awaits its ack or error. */
export function isBusy(s: ClientState): boolean {
  for (const _ in s.pending) return true;
  return false;
}

/** Live means: connected and holding a state sent on this connection. */
export function isLive(s: ClientState): boolean {
  return s.conn === 'open' && s.fresh;
}
