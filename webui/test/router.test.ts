import { describe, expect, it } from 'vitest';
import { parseRoute } from '../src/router';

describe('parseRoute', () => {
  it('knows the app routes', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/play')).toEqual({ name: 'play' });
    expect(parseRoute('/watch')).toEqual({ name: 'watch' });
    expect(parseRoute('/display')).toEqual({ name: 'display' });
    expect(parseRoute('/host')).toEqual({ name: 'host' });
    expect(parseRoute('/overlay')).toEqual({ name: 'overlay' });
    expect(parseRoute('/host/')).toEqual({ name: 'host' });
  });
  it('reads join codes, uppercasing them', () => {
    expect(parseRoute('/j/abc234')).toEqual({ name: 'join', code: 'ABC234' });
  });
  it('sends the rest to not-found', () => {
    expect(parseRoute('/j/ABC')).toMatchObject({ name: 'notfound' });
    expect(parseRoute('/nope')).toMatchObject({ name: 'notfound' });
  });
});

describe('tournament routes', () => {
  it('knows the entrant phone, the hall board and the organiser pages', () => {
    expect(parseRoute('/event')).toEqual({ name: 'event' });
    expect(parseRoute('/hall')).toEqual({ name: 'hall', eventId: null });
    expect(parseRoute('/hall/e-1')).toEqual({ name: 'hall', eventId: 'e-1' });
    expect(parseRoute('/host/events')).toEqual({ name: 'events', eventId: null, checkin: false });
    expect(parseRoute('/host/events/e-1')).toEqual({ name: 'events', eventId: 'e-1', checkin: false });
    expect(parseRoute('/host/events/e-1/checkin')).toEqual({ name: 'events', eventId: 'e-1', checkin: true });
  });
  it('sends the rest to not-found', () => {
    expect(parseRoute('/hall/e-1/checkin')).toMatchObject({ name: 'notfound' });
    expect(parseRoute('/hall/e-1/x')).toMatchObject({ name: 'notfound' });
    expect(parseRoute('/host/events/e-1/x')).toMatchObject({ name: 'notfound' });
  });
});
