import { describe, expect, it } from 'vitest';
import { movedUrl } from '../src/lib/moved';

const session = { token: 'tok-123', role: 'player' as const, game_id: 'g-1', player_number: 1 as const };

function handover(url: string): Record<string, unknown> {
  const frag = new URLSearchParams(new URL(url).hash.slice(1)).get('moved') || '';
  return JSON.parse(Buffer.from(frag.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

describe('movedUrl', () => {
  it('keeps the page and carries the session in the fragment, never in the query', () => {
    const to = movedUrl('http://10.0.0.9:8766', { pathname: '/play', search: '' }, 'g-1', { session, host: null })!;
    const u = new URL(to);
    expect(u.origin).toBe('http://10.0.0.9:8766');
    expect(u.pathname).toBe('/play');
    expect(u.search).toBe('');
    expect(to.split('#')[0]).not.toContain('tok-123');
    expect(handover(to)).toEqual({ session, host: null });
  });

  it('names the game shown on the host panel and the display', () => {
    const host = movedUrl('http://b:1', { pathname: '/host', search: '' }, 'g-7', { host: 'secret-host-token' })!;
    expect(new URL(host).searchParams.get('game')).toBe('g-7');
    expect(host.split('#')[0]).not.toContain('secret');
    expect(handover(host).host).toBe('secret-host-token');
    const pinned = movedUrl('http://b:1', { pathname: '/display', search: '?game=g-2' }, 'g-7', {})!;
    expect(new URL(pinned).searchParams.get('game')).toBe('g-2');
    const player = movedUrl('http://b:1/', { pathname: '/play', search: '' }, 'g-7', {})!;
    expect(new URL(player).searchParams.get('game')).toBeNull();
  });

  it('refuses anything but http and https', () => {
    expect(movedUrl('javascript:alert(1)', { pathname: '/play', search: '' }, null, {})).toBeNull();
    expect(movedUrl('not a url', { pathname: '/play', search: '' }, null, {})).toBeNull();
    expect(movedUrl('https://box.local', { pathname: '/watch', search: '' }, null, {})).toMatch(/^https:\/\/box\.local\/watch#moved=/);
  });
});
