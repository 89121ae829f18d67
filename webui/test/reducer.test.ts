import { describe, expect, it } from 'vitest';
import { diffStates, initialState, isBusy, isLive, reduce, type Action, type ClientState } from '../src/lib/reducer';
import type { GameState } from '../src/lib/protocol';

function game(over: Partial<GameState> = {}, p1: Record<string, unknown> = {}, p2: Record<string, unknown> = {}): GameState {
  const base = (n: 1 | 2) => ({
    player_number: n,
    name: n === 1 ? 'Ana' : 'Ben',
    faction: '',
    primary: 0,
    secondary: 0,
    score: 0,
    cp: 0,
    time_remaining: 5400000,
    time_used: 0,
    is_running: false,
    flagged: false,
    connected: true,
  });
  return {
    game_id: 'g-1',
    version: 1,
    status: 'active',
    round: 1,
    current_turn: 1,
    first_player: 1,
    winner: null,
    players: [{ ...base(1), ...p1 } as any, { ...base(2), ...p2 } as any],
    attacker: 1,
    game_time: 0,
    settings: { clock_ms: 5400000, rounds: 5, cp_per_turn: 1 },
    server_time: 1000,
    ...over,
  };
}

const run = (s: ClientState, ...actions: Action[]) => actions.reduce(reduce, s);
const msg = (epoch: number, type: string, data: unknown): Action => ({ kind: 'message', epoch, msg: { type, data }, now: 0 });

function connected(gameId = 'g-1', pn: 1 | 2 | null = 1): ClientState {
  return run(
    initialState(gameId, pn),
    { kind: 'connecting', epoch: 1 },
    { kind: 'open', epoch: 1 },
    msg(1, 'connect', { role: 'player', player_number: pn, game_id: gameId, client_id: 'x', server_time: 5, protocol: 1 }),
  );
}

describe('reducer: connection', () => {
  it('goes connecting → open and learns its role', () => {
    const s = connected();
    expect(s.conn).toBe('open');
    expect(s.role).toBe('player');
    expect(s.playerNumber).toBe(1);
    expect(isLive(s)).toBe(false); // no state yet on this connection
  });
  it('is live once a state arrives', () => {
    const s = reduce(connected(), msg(1, 'game_state', game()));
    expect(isLive(s)).toBe(true);
    expect(s.game!.version).toBe(1);
  });
  it('drops messages from an older socket', () => {
    let s = connected();
    s = reduce(s, { kind: 'connecting', epoch: 2 });
    s = reduce(s, msg(1, 'game_state', game({ version: 9 })));
    expect(s.game).toBe(null);
  });
  it('marks the picture stale on close and replaces it fully after reconnect', () => {
    let s = reduce(connected(), msg(1, 'game_state', game({ version: 5 }, { primary: 3, score: 3 })));
    s = reduce(s, { kind: 'closed', epoch: 1, retryAt: 500, offline: false, now: 0 });
    expect(s.conn).toBe('reconnecting');
    expect(s.fresh).toBe(false);
    s = run(s, { kind: 'connecting', epoch: 2 }, { kind: 'open', epoch: 2 });
    // after an undo elsewhere the version may be anything; the new connection's state wins
    s = reduce(s, msg(2, 'game_state', game({ version: 4 }, { primary: 0, score: 0 })));
    expect(s.game!.version).toBe(4);
    expect(s.game!.players[0].primary).toBe(0);
    expect(isLive(s)).toBe(true);
  });
  it('ignores an older version within one connection', () => {
    let s = reduce(connected(), msg(1, 'game_state', game({ version: 5 })));
    s = reduce(s, msg(1, 'game_state', game({ version: 4 })));
    expect(s.game!.version).toBe(5);
  });
  it('says offline when the device is offline', () => {
    const s = reduce(connected(), { kind: 'closed', epoch: 1, retryAt: null, offline: true, now: 0 });
    expect(s.conn).toBe('offline');
  });
  it('ignores states of other games', () => {
    const s = reduce(connected('g-1'), msg(1, 'game_state', game({ game_id: 'g-2' })));
    expect(s.game).toBe(null);
  });
  it('adopts the game of the first state when none was chosen', () => {
    const s = reduce(connected('', null), msg(1, 'game_state', game({ game_id: 'g-7' })));
    expect(s.gameId).toBe('g-7');
  });
  it('ignores malformed states', () => {
    const s = reduce(connected(), msg(1, 'game_state', { game_id: 'g-1' }));
    expect(s.game).toBe(null);
  });
  it('select switches game and clears the old one', () => {
    let s = reduce(connected(), msg(1, 'game_state', game()));
    s = reduce(s, { kind: 'select', gameId: 'g-2' });
    expect(s.gameId).toBe('g-2');
    expect(s.game).toBe(null);
  });
});

describe('reducer: requests', () => {
  it('is busy until the ack', () => {
    let s = reduce(connected(), { kind: 'sent', id: 'c-1', type: 'score_update', now: 0 });
    expect(isBusy(s)).toBe(true);
    s = reduce(s, msg(1, 'ack', { ref: 'c-1', version: 2 }));
    expect(isBusy(s)).toBe(false);
  });
  it('an error ends the wait and shows a notice', () => {
    let s = reduce(connected(), { kind: 'sent', id: 'c-1', type: 'turn_change', now: 0 });
    s = reduce(s, msg(1, 'error', { ref: 'c-1', code: 'conflict', message: 'x', version: 7 }));
    expect(isBusy(s)).toBe(false);
    expect(s.notice!.code).toBe('conflict');
  });
  it('an error for someone else’s request leaves ours pending', () => {
    let s = reduce(connected(), { kind: 'sent', id: 'c-1', type: 'undo', now: 0 });
    s = reduce(s, msg(1, 'error', { code: 'rate_limited', message: 'slow down' }));
    expect(isBusy(s)).toBe(true);
  });
  it('expires requests without an answer', () => {
    let s = reduce(connected(), { kind: 'sent', id: 'c-1', type: 'undo', now: 0 });
    s = reduce(s, { kind: 'expire', now: 5000, maxAge: 8000 });
    expect(isBusy(s)).toBe(true);
    s = reduce(s, { kind: 'expire', now: 9000, maxAge: 8000 });
    expect(isBusy(s)).toBe(false);
    expect(s.notice!.code).toBe('timeout');
  });
  it('a lost connection drops pending requests and warns', () => {
    let s = reduce(connected(), { kind: 'sent', id: 'c-1', type: 'undo', now: 0 });
    s = reduce(s, { kind: 'closed', epoch: 1, retryAt: 1, offline: false, now: 0 });
    expect(isBusy(s)).toBe(false);
    expect(s.notice).not.toBe(null);
  });
});

describe('reducer: changes and turns', () => {
  it('counts the turn passing to me (to vibrate) once', () => {
    let s = reduce(connected('g-1', 2), msg(1, 'game_state', game({ current_turn: 1 })));
    expect(s.yourTurn).toBe(0);
    s = reduce(s, msg(1, 'game_state', game({ version: 2, current_turn: 2 })));
    expect(s.yourTurn).toBe(1);
    s = reduce(s, msg(1, 'game_state', game({ version: 3, current_turn: 2 }, { cp: 1 })));
    expect(s.yourTurn).toBe(1);
  });
  it('does not buzz when a paused game is not my turn', () => {
    const s = reduce(connected('g-1', 2), msg(1, 'game_state', game({ status: 'paused', current_turn: 2 })));
    expect(s.yourTurn).toBe(0);
  });
  it('records the last change', () => {
    let s = reduce(connected(), msg(1, 'game_state', game()));
    s = reduce(s, msg(1, 'game_state', game({ version: 2 }, { primary: 3, score: 3 })));
    expect(s.lastChange).toMatchObject({ player: 1, field: 'primary', delta: 3, version: 2 });
    // a clock-only state keeps the highlight
    s = reduce(s, msg(1, 'game_state', game({ version: 2 }, { primary: 3, score: 3 })));
    expect(s.lastChange!.field).toBe('primary');
  });
});

describe('diffStates', () => {
  it('finds score, turn, round and status changes', () => {
    const a = game();
    expect(diffStates(a, game({ version: 2 }, {}, { secondary: 2, score: 2 }), 0)).toMatchObject({ player: 2, field: 'secondary', delta: 2 });
    expect(diffStates(a, game({ version: 2 }, { cp: 2 }), 0)).toMatchObject({ player: 1, field: 'cp', delta: 2 });
    expect(diffStates(a, game({ version: 2, current_turn: 2 }), 0)).toMatchObject({ player: 2, field: 'turn' });
    expect(diffStates(a, game({ version: 2, round: 2, current_turn: 2 }), 0)).toMatchObject({ field: 'round', delta: 1 });
    expect(diffStates(a, game({ version: 2, status: 'paused' }), 0)).toMatchObject({ field: 'status' });
    expect(diffStates(a, game({ version: 2 }, { name: 'Anna' }), 0)).toMatchObject({ player: 1, field: 'name' });
  });
  it('reports nothing for the same version, another game, or no previous state', () => {
    expect(diffStates(game(), game({}, { primary: 9 }), 0)).toBe(null);
    expect(diffStates(game(), game({ game_id: 'x', version: 2 }), 0)).toBe(null);
    expect(diffStates(null, game(), 0)).toBe(null);
  });
  it('names the turn rather than the CP every player gains with it', () => {
    const c = diffStates(game(), game({ version: 2, current_turn: 2 }, { cp: 1 }, { cp: 1 }), 0);
    expect(c).toMatchObject({ field: 'turn', player: 2 });
  });
  it('puts VP before everything else', () => {
    const c = diffStates(game(), game({ version: 2, current_turn: 2 }, { primary: 5, score: 5 }), 0);
    expect(c).toMatchObject({ field: 'primary', delta: 5 });
  });
});
