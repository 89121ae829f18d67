// The WebSocket side: one socket per view, reconnecting on its own.
// Decisions live in pure modules (reconnect.ts, clock.ts, reducer.ts); this file
// only wires browser events to them.

import { ClockSync } from './clock';
import type { Envelope, GameSummary } from './protocol';
import { followMove } from './moved';
import { Backoff, shouldReconnectNow, type WakeReason } from './reconnect';
import type { Store } from './store';

const HEARTBEAT_EVERY = 10000;
const HEARTBEAT_DEAD = 6000;
const BURST = 5;
const PENDING_MAX_AGE = 8000;

export interface ConnectionOptions {
  store: Store;
  /** Session token, or null (loopback host). Read on every attempt. */
  token: () => string | null;
  /**
   * Called after several attempts in a row never opened, or when the server
   * says role "none": resolves true if the credentials are refused for good.
   */
  probeAuth?: () => Promise<boolean>;
  onDenied?: () => void;
}

const mono = (): number => (typeof performance !== 'undefined' && performance.now ? performance.now() : Date.now());

export function wsUrl(token: string | null, loc: { protocol: string; host: string } = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + loc.host + '/ws' + (token ? '?token=' + encodeURIComponent(token) : '');
}

export class Connection {
  readonly sync = new ClockSync();
  private ws: WebSocket | null = null;
  private epoch = 0;
  private seq = 0;
  private backoff = new Backoff();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private hbTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingTimer: ReturnType<typeof setInterval> | null = null;
  private hbOut: { id: string; sent: number }[] = [];
  private burstLeft = 0;
  private opened = false;
  private stopped = true;
  private unlisten: (() => void)[] = [];
  private gamesFn: ((list: GameSummary[]) => void) | null = null;
  private isHost = false;
  /** Id of the last subscribe_games sent: its refusal (an older server) is not the user's business. */
  private gamesReq = '';
  private eventFn: ((data: unknown) => void) | null = null;
  private eventId = '';

  constructor(private readonly opts: ConnectionOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const on = (target: EventTarget, ev: string, fn: () => void) => {
      target.addEventListener(ev, fn);
      this.unlisten.push(() => target.removeEventListener(ev, fn));
    };
    on(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') this.wake('visible');
    });
    on(window, 'online', () => this.wake('online'));
    on(window, 'focus', () => this.wake('focus'));
    on(window, 'pageshow', () => this.wake('visible'));
    on(window, 'offline', () => this.goOffline());
    this.pendingTimer = setInterval(() => {
      this.opts.store.dispatch({ kind: 'expire', now: mono(), maxAge: PENDING_MAX_AGE });
    }, 1000);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.unlisten.forEach((f) => f());
    this.unlisten = [];
    if (this.pendingTimer) clearInterval(this.pendingTimer);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    this.epoch++;
    if (ws) ws.close(1000);
  }

  /** Subscribe to another game on the open socket (host switching games). */
  select(gameId: string | null): void {
    this.opts.store.dispatch({ kind: 'select', gameId });
    if (gameId && this.isOpen()) this.send({ type: 'subscribe', game_id: gameId });
  }

  /**
   * Follow the list of games (host only): the server pushes it at once and after
   * every change, and this socket subscribes again after each reconnect. Returns
   * the function that stops it.
   */
  watchGames(fn: (list: GameSummary[]) => void): () => void {
    this.gamesFn = fn;
    if (this.isOpen() && this.isHost) this.subscribeGames();
    return () => {
      if (this.gamesFn !== fn) return;
      this.gamesFn = null;
      if (this.isOpen()) this.send({ type: 'unsubscribe_games' });
    };
  }

  /**
   * Follow an event (subscribe_event): `fn` gets the data of every event_state,
   * now and after each change, and this socket subscribes again after each
   * reconnect. Returns the function that stops it.
   */
  watchEvent(eventId: string, fn: (data: unknown) => void): () => void {
    this.eventFn = fn;
    this.eventId = eventId;
    if (this.isOpen()) this.subscribeEvent();
    return () => {
      if (this.eventFn === fn) this.eventFn = null;
    };
  }

  private subscribeEvent(): void {
    if (this.eventFn) this.send({ type: 'subscribe_event', data: { event_id: this.eventId } });
  }

  private subscribeGames(): void {
    this.gamesReq = 'g-' + ++this.seq;
    this.send({ type: 'subscribe_games', id: this.gamesReq });
  }

  isOpen(): boolean {
    return !!this.ws && this.ws.readyState === 1 && this.opened;
  }

  /**
   * Send a change with a request id; the store marks it pending until its ack
   * or error. Returns the id, or null when not connected.
   */
  request(type: string, data: Record<string, unknown> = {}): string | null {
    const gameId = this.opts.store.get().gameId;
    if (!this.isOpen()) {
      this.opts.store.dispatch({
        kind: 'notice',
        notice: { kind: 'error', code: 'offline', message: 'Not connected. Wait for the green dot and try again.', at: mono() },
      });
      return null;
    }
    const id = 'c-' + ++this.seq;
    const msg: Envelope = { type, data, id };
    if (gameId) msg.game_id = gameId;
    this.opts.store.dispatch({ kind: 'sent', id, type, now: mono() });
    this.send(msg);
    return id;
  }

  /** Ask for the current state again. */
  refresh(): void {
    const gameId = this.opts.store.get().gameId;
    if (gameId && this.isOpen()) this.send({ type: 'game_state', game_id: gameId, data: {} });
    this.subscribeEvent();
  }

  /** Force a new socket now (e.g. a user tapped "retry"). */
  reconnectNow(): void {
    this.wake('manual');
  }

  private send(msg: Envelope): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.retryTimer = null;
    this.hbTimer = null;
  }

  private open(): void {
    if (this.stopped) return;
    this.clearTimers();
    const epoch = ++this.epoch;
    this.opened = false;
    this.hbOut = [];
    const { store } = this.opts;
    store.dispatch({ kind: 'connecting', epoch });
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(this.opts.token()));
    } catch {
      this.closed(epoch);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (epoch !== this.epoch) return;
      this.opened = true;
      this.backoff.reset();
      store.dispatch({ kind: 'open', epoch });
      this.startBurst();
    };
    ws.onmessage = (ev) => {
      if (epoch !== this.epoch) return;
      let msg: Envelope;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      const now = mono();
      if (msg.type === 'heartbeat') return this.onHeartbeat(msg, now);
      // Switchover: the server moved; this page goes on at the new address.
      if (msg.type === 'server_moved' && msg.data && typeof msg.data.url === 'string') {
        const gameId = store.get().gameId;
        if (followMove(msg.data.url, gameId)) this.stop();
        return;
      }
      if (msg.type === 'connect') this.onConnect(msg);
      if (msg.type === 'error' && this.gamesReq && msg.data && msg.data.ref === this.gamesReq) return;
      if (msg.type === 'event_state') {
        if (msg.data && !this.sync.hasSample()) this.sync.hint(Number(msg.data.server_time), now);
        if (this.eventFn) this.eventFn(msg.data);
        return;
      }
      if (msg.type === 'games') {
        const list = gamesOf(msg);
        if (list && this.gamesFn) this.gamesFn(list);
        return;
      }
      if (msg.type === 'game_state' && msg.data && !this.sync.hasSample()) this.sync.hint(Number(msg.data.server_time), now);
      if (msg.type === 'error' && msg.data && msg.data.code === 'conflict') this.refresh();
      // A revoked or unknown session: the server says so and closes (1008).
      if (msg.type === 'error' && msg.data && msg.data.code === 'unauthorized' && !msg.data.ref) this.checkAuth(true);
      store.dispatch({ kind: 'message', epoch, msg, now });
    };
    ws.onclose = (ev) => {
      if (epoch !== this.epoch) return;
      if (ev.code === 1008) this.checkAuth(false);
      this.closed(epoch);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private onConnect(msg: Envelope): void {
    const d = msg.data || {};
    if (typeof d.server_time === 'number' && !this.sync.hasSample()) this.sync.hint(d.server_time, mono());
    if (d.role === 'none') {
      this.checkAuth(true);
      return;
    }
    const s = this.opts.store.get();
    this.isHost = d.role === 'host';
    // An entrant without a table this round (section 11) has no game to follow.
    const gameId = this.isHost ? s.gameId : d.role === 'entrant' ? null : d.game_id || s.gameId;
    if (gameId) this.send({ type: 'subscribe', game_id: gameId });
    if (this.isHost && this.gamesFn) this.subscribeGames();
    this.subscribeEvent();
  }

  private checkAuth(refused: boolean): void {
    const probe = this.opts.probeAuth;
    const deny = () => {
      this.stop();
      this.opts.onDenied && this.opts.onDenied();
    };
    if (!probe) {
      if (refused) deny();
      return;
    }
    probe().then(
      (bad) => {
        if (bad) deny();
      },
      () => undefined,
    );
  }

  private closed(epoch: number): void {
    if (epoch !== this.epoch || this.stopped) return;
    this.clearTimers();
    this.ws = null;
    this.opened = false;
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    const delay = this.backoff.next();
    if (this.backoff.failures() === 4 || this.backoff.failures() % 10 === 0) this.checkAuth(false);
    this.opts.store.dispatch({ kind: 'closed', epoch, retryAt: offline ? null : mono() + delay, offline, now: mono() });
    if (!offline) this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private goOffline(): void {
    if (this.stopped) return;
    const ws = this.ws;
    const epoch = this.epoch;
    this.ws = null;
    if (ws) ws.close();
    this.closed(epoch);
  }

  private wake(reason: WakeReason): void {
    if (this.stopped) return;
    const online = navigator.onLine !== false;
    const visible = document.visibilityState !== 'hidden';
    if (this.isOpen()) {
      // The socket may be a corpse after the phone slept: prove it is alive and
      // fetch the whole state again rather than trust what is on screen.
      if (reason === 'visible' || reason === 'focus') {
        this.sync.reset();
        this.startBurst();
        this.refresh();
      }
      return;
    }
    if (!shouldReconnectNow(reason, false, online, visible)) return;
    if (this.ws && this.ws.readyState === 0 && reason !== 'manual') return; // already trying
    this.backoff.reset();
    const old = this.ws;
    this.ws = null;
    this.epoch++;
    if (old) old.close();
    this.open();
  }

  private startBurst(): void {
    this.burstLeft = BURST;
    this.heartbeat();
  }

  private heartbeat(): void {
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.hbTimer = null;
    if (!this.ws || this.ws.readyState !== 1) return;
    const id = 'hb-' + ++this.seq;
    this.hbOut.push({ id, sent: mono() });
    this.send({ type: 'heartbeat', id });
    this.hbTimer = setTimeout(() => this.dead(), HEARTBEAT_DEAD);
  }

  /** No heartbeat answer in time: the link is dead even if the socket does not know yet. */
  private dead(): void {
    const ws = this.ws;
    const epoch = this.epoch;
    this.ws = null;
    if (ws) ws.close();
    this.closed(epoch);
  }

  private onHeartbeat(msg: Envelope, now: number): void {
    const d = msg.data || {};
    let i = typeof d.ref === 'string' ? this.hbOut.findIndex((h) => h.id === d.ref) : -1;
    if (i < 0) i = 0; // replies come in order
    const out = this.hbOut[i];
    if (!out) return;
    this.hbOut.splice(0, i + 1);
    if (typeof d.server_time === 'number') this.sync.add({ sent: out.sent, received: now, serverTime: d.server_time });
    if (this.burstLeft > 0) this.burstLeft--;
    if (this.hbOut.length === 0) {
      if (this.hbTimer) clearTimeout(this.hbTimer);
      this.hbTimer = setTimeout(() => this.heartbeat(), this.burstLeft > 0 ? 120 : HEARTBEAT_EVERY);
    }
  }
}

/** The list in a `games` message, or null if the message is not one. */
export function gamesOf(msg: Envelope): GameSummary[] | null {
  return msg.type === 'games' && msg.data && Array.isArray(msg.data.games) ? (msg.data.games as GameSummary[]) : null;
}
