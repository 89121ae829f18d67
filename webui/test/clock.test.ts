import { describe, expect, it } from 'vitest';
import { ClockSync, estimateOffset, formatClock, msUntilNextTick, remainingAt, spokenClock, usedAt } from '../src/lib/clock';
import type { GameState, PlayerState } from '../src/lib/protocol';

describe('estimateOffset', () => {
  it('returns null without samples', () => {
    expect(estimateOffset([])).toBe(null);
  });
  it('uses the midpoint of the round trip', () => {
    // sent at local 1000, back at 1100; the server read 50000 → server = local + 48950
    expect(estimateOffset([{ sent: 1000, received: 1100, serverTime: 50000 }])).toEqual({ offset: 48950, rtt: 100 });
  });
  it('lets the lowest round trip win', () => {
    const e = estimateOffset([
      { sent: 0, received: 400, serverTime: 10300 }, // slow, skewed
      { sent: 1000, received: 1020, serverTime: 11010 }, // fast
      { sent: 2000, received: 2200, serverTime: 12050 },
    ]);
    expect(e).toEqual({ offset: 10000, rtt: 20 });
  });
  it('ignores samples with negative round trips or bad server times', () => {
    const e = estimateOffset([
      { sent: 100, received: 50, serverTime: 1 },
      { sent: 0, received: 10, serverTime: NaN },
      { sent: 0, received: 30, serverTime: 1015 },
    ]);
    expect(e).toEqual({ offset: 1000, rtt: 30 });
  });
});

describe('ClockSync', () => {
  it('falls back to a one-way hint until a round trip is measured', () => {
    const s = new ClockSync();
    expect(s.serverNow(5)).toBe(null);
    s.hint(10000, 100);
    expect(s.serverNow(200)).toBe(10100);
    s.add({ sent: 300, received: 310, serverTime: 20305 });
    expect(s.offset()).toBe(20000);
    expect(s.serverNow(400)).toBe(20400);
  });
  it('keeps only the newest samples', () => {
    const s = new ClockSync(2);
    s.add({ sent: 0, received: 2, serverTime: 1001 }); // best but oldest
    s.add({ sent: 10, received: 30, serverTime: 2020 });
    s.add({ sent: 40, received: 60, serverTime: 2050 });
    expect(s.estimate()).toEqual({ offset: 2000, rtt: 20 });
  });
  it('reset forgets samples but keeps the hint', () => {
    const s = new ClockSync();
    s.hint(500, 0);
    s.add({ sent: 0, received: 10, serverTime: 1005 });
    s.reset();
    expect(s.hasSample()).toBe(false);
    expect(s.offset()).toBe(500);
  });
});

function p(over: Partial<PlayerState> = {}): PlayerState {
  return {
    player_number: 1,
    name: 'A',
    faction: '',
    primary: 0,
    secondary: 0,
    score: 0,
    cp: 0,
    time_remaining: 60000,
    time_used: 0,
    is_running: false,
    flagged: false,
    connected: true,
    ...over,
  };
}
const g = (server_time: number) => ({ server_time }) as GameState;

describe('remainingAt', () => {
  it('shows a stopped clock as sent', () => {
    expect(remainingAt(p(), g(1000), 99999)).toBe(60000);
  });
  it('counts a running clock down from the state time', () => {
    expect(remainingAt(p({ is_running: true }), g(1000), 3500)).toBe(57500);
  });
  it('never goes below zero', () => {
    expect(remainingAt(p({ is_running: true }), g(0), 1e9)).toBe(0);
  });
  it('does not count up when our estimate is slightly behind the server', () => {
    expect(remainingAt(p({ is_running: true }), g(1000), 900)).toBe(60000);
  });
  it('shows the sent value before the offset is known', () => {
    expect(remainingAt(p({ is_running: true }), g(1000), null)).toBe(60000);
  });
  it('usedAt counts up', () => {
    expect(usedAt(p({ is_running: true, time_used: 500 }), g(1000), 2000)).toBe(1500);
    expect(usedAt(p({ time_used: 500 }), g(1000), 2000)).toBe(500);
  });
});

describe('formatClock', () => {
  it('formats minutes and seconds', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(9000)).toBe('0:09');
    expect(formatClock(59000)).toBe('0:59');
    expect(formatClock(60000)).toBe('1:00');
    expect(formatClock(59 * 60000 + 59000)).toBe('59:59');
  });
  it('adds hours from one hour', () => {
    expect(formatClock(3600000)).toBe('1:00:00');
    expect(formatClock(5400000)).toBe('1:30:00');
    expect(formatClock(3600000 + 65000)).toBe('1:01:05');
  });
  it('rounds partial seconds up so 0:00 means out of time', () => {
    expect(formatClock(1)).toBe('0:01');
    expect(formatClock(999)).toBe('0:01');
    expect(formatClock(1001)).toBe('0:02');
    expect(formatClock(-5)).toBe('0:00');
    expect(formatClock(NaN)).toBe('0:00');
  });
  it('speaks for screen readers', () => {
    expect(spokenClock(3661000)).toBe('1 hour 1 minute 1 second');
    expect(spokenClock(120000)).toBe('2 minutes');
    expect(spokenClock(0)).toBe('0 seconds');
  });
  it('schedules the next redraw at the second boundary', () => {
    expect(msUntilNextTick(5300)).toBe(300);
    expect(msUntilNextTick(5000)).toBe(1000);
  });
});
