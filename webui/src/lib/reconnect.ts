// Reconnect policy: exponential back-off with jitter, pure.

export interface BackoffOptions {
  /** First delay (ms). */
  base: number;
  /** Upper bound (ms). */
  cap: number;
  /** Fraction of the delay that is random, 0..1. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { base: 500, cap: 15000, jitter: 0.5 };

/**
 * Delay before attempt number `attempt` (0 = first retry). The deterministic part
 * doubles each time up to `cap`; `rand` in [0,1) spreads phones that lost the
 * same Wi-Fi over time so they do not all knock at once.
 */
export function backoffDelay(attempt: number, rand: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const n = Math.max(0, Math.min(30, Math.floor(attempt)));
  const ceiling = Math.min(opts.cap, opts.base * Math.pow(2, n));
  const r = Math.min(1, Math.max(0, rand));
  const fixed = ceiling * (1 - opts.jitter);
  return Math.round(fixed + ceiling * opts.jitter * r);
}

export type WakeReason = 'visible' | 'online' | 'focus' | 'manual';

/**
 * Whether an event should cut a pending back-off short and reconnect now.
 * Not while the page is hidden or the device says it is offline.
 */
export function shouldReconnectNow(reason: WakeReason, connected: boolean, online: boolean, visible: boolean): boolean {
  if (connected) return false;
  if (!online && reason !== 'manual') return false;
  if (!visible && reason !== 'manual' && reason !== 'online') return false;
  return true;
}

/** Small state machine: how many attempts failed in a row. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF, private readonly random: () => number = Math.random) {}
  next(): number {
    const d = backoffDelay(this.attempt, this.random(), this.opts);
    this.attempt++;
    return d;
  }
  reset(): void {
    this.attempt = 0;
  }
  failures(): number {
    return this.attempt;
  }
}
