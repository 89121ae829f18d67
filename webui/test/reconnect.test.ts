import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, backoffDelay, shouldReconnectNow } from '../src/lib/reconnect';

const opts = { base: 500, cap: 15000, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles up to the cap', () => {
    // rand = 1 gives the ceiling itself
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 1, opts))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });
  it('keeps at least half of the ceiling with 50% jitter', () => {
    expect(backoffDelay(0, 0, opts)).toBe(250);
    expect(backoffDelay(3, 0, opts)).toBe(2000);
    expect(backoffDelay(20, 0, opts)).toBe(7500);
  });
  it('spreads over the jitter range', () => {
    const d = backoffDelay(2, 0.5, opts);
    expect(d).toBe(1500);
  });
  it('clamps silly inputs', () => {
    expect(backoffDelay(-3, 2, opts)).toBe(500);
    expect(backoffDelay(1e6, 1, opts)).toBe(15000);
  });
  it('never exceeds the cap for any rand', () => {
    for (let a = 0; a < 40; a++) for (const r of [0, 0.3, 0.999]) expect(backoffDelay(a, r, DEFAULT_BACKOFF)).toBeLessThanOrEqual(DEFAULT_BACKOFF.cap);
  });
});

describe('Backoff', () => {
  it('grows per failure and resets on success', () => {
    const b = new Backoff(opts, () => 1);
    expect(b.next()).toBe(500);
    expect(b.next()).toBe(1000);
    expect(b.next()).toBe(2000);
    expect(b.failures()).toBe(3);
    b.reset();
    expect(b.next()).toBe(500);
  });
});

describe('shouldReconnectNow', () => {
  it('never while connected', () => {
    expect(shouldReconnectNow('visible', true, true, true)).toBe(false);
  });
  it('on visibility, focus and online when disconnected', () => {
    expect(shouldReconnectNow('visible', false, true, true)).toBe(true);
    expect(shouldReconnectNow('focus', false, true, true)).toBe(true);
    expect(shouldReconnectNow('online', false, true, true)).toBe(true);
  });
  it('not while the device says it is offline', () => {
    expect(shouldReconnectNow('visible', false, false, true)).toBe(false);
    expect(shouldReconnectNow('focus', false, false, true)).toBe(false);
  });
  it('not for a hidden page, except when the network comes back', () => {
    expect(shouldReconnectNow('focus', false, true, false)).toBe(false);
    expect(shouldReconnectNow('online', false, true, false)).toBe(true);
  });
  it('always on a manual retry', () => {
    expect(shouldReconnectNow('manual', false, false, false)).toBe(true);
  });
});
