// What the browser keeps between visits: the join session, the host token
// (typed, or a host session from a pairing code) and the theme. localStorage may be missing
// or refuse writes (private browsing); then it lives in memory for the visit.

import type { PlayerNumber, Role } from './protocol';

export interface Session {
  token: string;
  role: Role;
  game_id: string;
  player_number: PlayerNumber | null;
  code?: string;
}

const PREFIX = 'state-server.';
const memory: Record<string, string> = {};

function read(key: string): string | null {
  try {
    const v = window.localStorage.getItem(PREFIX + key);
    if (v !== null) return v;
  } catch {
    /* fall through */
  }
  return key in memory ? memory[key] : null;
}

function write(key: string, value: string | null): void {
  if (value === null) delete memory[key];
  else memory[key] = value;
  try {
    if (value === null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, value);
  } catch {
    /* memory keeps it */
  }
}

function readJson<T>(key: string): T | null {
  const v = read(key);
  if (!v) return null;
  try {
    return JSON.parse(v) as T;
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const s = readJson<Session>('session');
  if (!s || typeof s.token !== 'string' || !s.token || typeof s.game_id !== 'string') return null;
  if (s.role !== 'player' && s.role !== 'observer') return null;
  return s;
}

export function saveSession(s: Session): void {
  write('session', JSON.stringify(s));
}

export function clearSession(): void {
  write('session', null);
}

export function loadHostToken(): string | null {
  return read('host-token');
}

/**
 * Keeps the host token, typed or handed over, or the host session a pairing
 * code gave (`paired`): then a refusal later means the session was ended, and
 * the panel says so instead of "that token was refused".
 */
export function saveHostToken(token: string | null, paired = false): void {
  const t = token && token.trim() ? token.trim() : null;
  write('host-token', t);
  write('host-paired', t && paired ? '1' : null);
}

/** True if the kept host token came from a pairing code. */
export function hostTokenPaired(): boolean {
  return read('host-paired') === '1';
}

/** Observer sessions of the overlay, by invite code, so OBS reloads need no new join. */
export function loadOverlaySession(code: string): Session | null {
  const all = readJson<Record<string, Session>>('overlay') || {};
  return all[code] || null;
}

export function saveOverlaySession(code: string, s: Session | null): void {
  const all = readJson<Record<string, Session>>('overlay') || {};
  if (s) all[code] = s;
  else delete all[code];
  write('overlay', JSON.stringify(all));
}

export type Theme = 'dark' | 'light';

export function loadTheme(): Theme {
  const q = new URLSearchParams(location.search).get('theme');
  if (q === 'light' || q === 'dark') return q;
  return read('theme') === 'light' ? 'light' : 'dark';
}

export function saveTheme(t: Theme): void {
  write('theme', t);
}

/**
 * A host token handed over in the fragment (/host#token=...): kept like a
 * session and removed from the address bar. The fragment never reaches the server.
 */
export function takeTokenFromHash(): string | null {
  const h = location.hash.replace(/^#/, '');
  if (!h) return null;
  const t = new URLSearchParams(h).get('token');
  if (!t) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return t;
}

/** An entrant's session (PROTOCOL.md section 11): one event, one entrant, whatever table it sits at. */
export interface EntrantSession {
  token: string;
  event_id: string;
  entrant_id: string;
  code?: string;
}

export function loadEntrant(): EntrantSession | null {
  const s = readJson<EntrantSession>('entrant');
  if (!s || typeof s.token !== 'string' || !s.token || typeof s.event_id !== 'string') return null;
  if (typeof s.entrant_id === 'number') s.entrant_id = String(s.entrant_id);
  return typeof s.entrant_id === 'string' && s.entrant_id ? s : null;
}

export function saveEntrant(s: EntrantSession | null): void {
  write('entrant', s ? JSON.stringify(s) : null);
}

/** Event observer sessions of the hall board, by event id, so a TV reload needs no new join. */
export function loadHallToken(eventId: string): string | null {
  const all = readJson<Record<string, string>>('hall') || {};
  return all[eventId] || null;
}

export function saveHallToken(eventId: string, token: string | null): void {
  const all = readJson<Record<string, string>>('hall') || {};
  if (token) all[eventId] = token;
  else delete all[eventId];
  write('hall', JSON.stringify(all));
}
