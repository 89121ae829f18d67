// Clock sync and clock display math. Pure: time is always a parameter.
//
// The server's clock is the only one that counts. The client estimates
// offset = server_time - local monotonic time from heartbeat round trips and
// draws a running clock as time_remaining - (serverNow - state.server_time).
// The phone's wall clock is never used (it may be wrong or jump).

import type { GameState, PlayerState } from './protocol';

export interface SyncSample {
  /** Local monotonic time (ms) when the heartbeat was sent. */
  sent: number;
  /** Local monotonic time (ms) when its reply arrived. */
  received: number;
  /** server_time from the reply (ms since epoch). */
  serverTime: number;
}

export interface OffsetEstimate {
  offset: number;
  rtt: number;
}

/**
 * Offset from the sample with the lowest round-trip time: its midpoint is the
 * tightest bound on when the server read its clock. Null without usable samples.
 */
export function estimateOffset(samples: readonly SyncSample[]): OffsetEstimate | null {
  let best: OffsetEstimate | null = null;
  for (const s of samples) {
    const rtt = s.received - s.sent;
    if (!(rtt >= 0) || !Number.isFinite(s.serverTime)) continue;
    if (best === null || rtt < best.rtt) {
      best = { offset: s.serverTime - (s.sent + rtt / 2), rtt };
    }
  }
  return best;
}

/** Keeps the newest samples and answers "what time is it on the server". */
export class ClockSync {
  private samples: SyncSample[] = [];
  private coarse: number | null = null;
  constructor(private readonly maxSamples = 8) {}

  add(sample: SyncSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** A one-way hint (e.g. from a state's server_time) used until a round trip is measured. */
  hint(serverTime: number, receivedAt: number): void {
    if (Number.isFinite(serverTime)) this.coarse = serverTime - receivedAt;
  }

  /** Forget samples, e.g. after the phone slept and the monotonic clock may have paused. */
  reset(): void {
    this.samples = [];
  }

  estimate(): OffsetEstimate | null {
    return estimateOffset(this.samples);
  }

  hasSample(): boolean {
    return this.samples.length > 0;
  }

  offset(): number | null {
    const e = this.estimate();
    if (e) return e.offset;
    return this.coarse;
  }

  serverNow(localNow: number): number | null {
    const o = this.offset();
    return o === null ? null : localNow + o;
  }
}

/** Remaining time of a player's clock at server time `serverNow` (ms, never negative). */
export function remainingAt(p: PlayerState, game: GameState, serverNow: number | null): number {
  const base = Math.max(0, Number(p.time_remaining) || 0);
  if (!p.is_running || serverNow === null || !Number.isFinite(game.server_time)) return base;
  const elapsed = Math.max(0, serverNow - game.server_time);
  return Math.max(0, base - elapsed);
}

/** Time a player has used at `serverNow`. */
export function usedAt(p: PlayerState, game: GameState, serverNow: number | null): number {
  const base = Math.max(0, Number(p.time_used) || 0);
  if (!p.is_running || serverNow === null) return base;
  return base + Math.max(0, serverNow - game.server_time);
}

/**
 * "1:29:59", "59:59", "0:09". A countdown shows whole seconds rounded up, so it
 * reads 0:00 only when the time is really gone.
 */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil((Number(ms) || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = s < 10 ? '0' + s : String(s);
  if (h > 0) return h + ':' + (m < 10 ? '0' + m : m) + ':' + ss;
  return m + ':' + ss;
}

/** Words for screen readers: "1 hour 5 minutes 3 seconds". */
export function spokenClock(ms: number): string {
  const total = Math.max(0, Math.ceil((Number(ms) || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(h + (h === 1 ? ' hour' : ' hours'));
  if (m) parts.push(m + (m === 1 ? ' minute' : ' minutes'));
  if (s || !parts.length) parts.push(s + (s === 1 ? ' second' : ' seconds'));
  return parts.join(' ');
}

/** How long until the displayed value of a running clock changes (for scheduling redraws). */
export function msUntilNextTick(remaining: number): number {
  const r = remaining % 1000;
  return r === 0 ? 1000 : r;
}
