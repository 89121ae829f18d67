// REST calls to the same origin. Errors come back as ApiError with the
// server's code ({"error": {"code", "message"}}) and the HTTP status.

import { dispositionName } from './download';
import type { GameState, HistoryEntry, HostInvite, Invite, JoinReply, SessionInfo } from './protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  accept?: string;
}

async function raw(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.token) headers['Authorization'] = 'Bearer ' + opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.accept) headers['Accept'] = opts.accept;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server.');
  }
  if (!res.ok) {
    let code = 'http_' + res.status;
    let message = res.statusText || 'Request failed';
    try {
      const j = await res.json();
      if (j && j.error) {
        code = j.error.code || code;
        message = j.error.message || message;
      }
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, code, message);
  }
  return res;
}

export async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const res = await raw(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function callText(path: string, opts: CallOptions = {}): Promise<string> {
  return (await raw('GET', path, opts)).text();
}

export async function callBlob(path: string, opts: CallOptions = {}): Promise<Blob> {
  return (await raw('GET', path, opts)).blob();
}

/** The body and the filename the server suggests (Content-Disposition), else `fallback`. */
export async function callFile(path: string, fallback: string, opts: CallOptions = {}): Promise<{ blob: Blob; name: string }> {
  const res = await raw('GET', path, opts);
  return { blob: await res.blob(), name: dispositionName(res.headers.get('Content-Disposition'), fallback) };
}

const enc = encodeURIComponent;

export const api = {
  join: (code: string) => call<JoinReply>('POST', '/api/join', { body: { code } }),
  getGame: (id: string, token: string | null) => call<GameState>('GET', '/api/games/' + enc(id), { token }),
  createGame: (token: string | null, body: unknown) => call<GameState>('POST', '/api/games', { token, body }),
  deleteGame: (id: string, token: string | null) => call<void>('DELETE', '/api/games/' + enc(id), { token }),
  createInvite: (id: string, token: string | null, role: 'player' | 'observer', player_number?: 1 | 2) =>
    call<Invite>('POST', '/api/games/' + enc(id) + '/invites', {
      token,
      body: player_number ? { role, player_number } : { role },
    }),
  revokeInvite: (id: string, token: string | null, code: string) =>
    call<void>('DELETE', '/api/games/' + enc(id) + '/invites/' + enc(code), { token }),
  listInvites: async (id: string, token: string | null): Promise<Invite[]> =>
    (await call<{ invites: Invite[] }>('GET', '/api/games/' + enc(id) + '/invites', { token })).invites,
  history: async (id: string, token: string | null): Promise<HistoryEntry[]> =>
    (await call<{ entries: HistoryEntry[] }>('GET', '/api/games/' + enc(id) + '/history', { token })).entries,
  historyCsv: (id: string, token: string | null) =>
    callBlob('/api/games/' + enc(id) + '/history?format=csv', { token, accept: 'text/csv' }),
  qrSvg: (id: string, token: string | null, code: string) =>
    callText('/api/games/' + enc(id) + '/qr.svg?code=' + enc(code), { token, accept: 'image/svg+xml' }),
  /** A one-time, five-minute code that pairs a phone as host (host only). */
  hostInvite: (token: string | null) => call<HostInvite>('POST', '/api/host-invites', { token }),
  /** Every live session, never a token (host only). */
  sessions: async (token: string | null): Promise<SessionInfo[]> => (await call<{ sessions: SessionInfo[] }>('GET', '/api/sessions', { token })).sessions,
  /** End a session: its requests get 401 and its sockets close at once (host only). */
  revokeSession: (token: string | null, id: string) => call<void>('DELETE', '/api/sessions/' + enc(id), { token }),
  /** Server settings: string values by key (host only). */
  settings: (token: string | null) => call<unknown>('GET', '/api/settings', { token }),
  /** A consistent SQLite snapshot of the whole database, named state-YYYYmmdd-HHMMSS.db (host only). */
  backup: (token: string | null) => callFile('/api/backup', 'state-backup.db', { token, accept: 'application/vnd.sqlite3' }),
  /** The QR code that joins the appliance's Wi-Fi (host only; 404 without wifi.ssid). */
  wifiSvg: (token: string | null) => callText('/api/wifi.svg', { token, accept: 'image/svg+xml' }),
};

/**
 * Whether this browser may act as host: with the given token, or without one
 * when the server trusts its loopback (the Pi's own screen). 'denied' asks for a token.
 */
export async function probeHost(token: string | null): Promise<'ok' | 'denied' | 'unreachable'> {
  try {
    await call('GET', '/api/games', { token });
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return 'denied';
    return 'unreachable';
  }
}

/** True if the server refuses this session token for its game (revoked, unknown). */
export async function sessionRefused(gameId: string, token: string): Promise<boolean> {
  try {
    await api.getGame(gameId, token);
    return false;
  } catch (e) {
    return e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404);
  }
}
