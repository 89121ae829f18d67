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
