// REST calls of the tournament contract (PROTOCOL.md section 11), on top of api.ts.

import { call, callFile } from './api';
import type { Entrant, NewEntrant } from './event';

const enc = encodeURIComponent;
const ev = (id: string) => '/api/events/' + enc(id);

export interface EventSummary {
  event_id: string;
  name: string;
  status: string;
  round: number;
  rounds?: number;
  entrants: number;
}

export interface NewEvent {
  name: string;
  rounds: number;
  round_time_ms?: number;
  scoring?: { win: number; draw: number; loss: number };
}

/** A list reply may come bare or wrapped ({events: [...]}, {entrants: [...]}), or be one entrant. */
function listOf<T>(r: unknown, key: string): T[] {
  if (Array.isArray(r)) return r as T[];
  const o = r && typeof r === 'object' ? (r as Record<string, unknown>) : {};
  return Array.isArray(o[key]) ? (o[key] as T[]) : o.entrant_id ? [o as T] : [];
}

export const eventApi = {
  list: async (token: string | null): Promise<EventSummary[]> =>
    listOf<Record<string, unknown>>(await call('GET', '/api/events', { token }), 'events').map((e) => ({
      event_id: String(e.event_id || ''),
      name: String(e.name || ''),
      status: String(e.status || ''),
      round: Number(e.round) || 0,
      rounds: Number(e.rounds) || 0,
      entrants: typeof e.entrants === 'number' ? e.entrants : Array.isArray(e.entrants) ? e.entrants.length : Number(e.entrant_count) || 0,
    })),
  create: (token: string | null, body: NewEvent) => call<unknown>('POST', '/api/events', { token, body }),
  get: (id: string, token: string | null) => call<unknown>('GET', ev(id), { token }),
  remove: (id: string, token: string | null) => call<void>('DELETE', ev(id), { token }),
  /** One entrant or many (at most 512); the reply carries each one's id and join code. */
  addEntrants: async (id: string, token: string | null, list: NewEntrant[]): Promise<Entrant[]> =>
    listOf<Entrant>(await call('POST', ev(id) + '/entrants', { token, body: list.length === 1 ? list[0] : { entrants: list } }), 'entrants'),
  /** The entrants with their join codes (host). */
  entrants: async (id: string, token: string | null): Promise<Entrant[]> => listOf<Entrant>(await call('GET', ev(id) + '/entrants', { token }), 'entrants'),
  patchEntrant: (id: string, token: string | null, entrantId: string, body: Record<string, unknown>) =>
    call<unknown>('PATCH', ev(id) + '/entrants/' + enc(entrantId), { token, body }),
  pair: (id: string, token: string | null) => call<unknown>('POST', ev(id) + '/rounds', { token, body: {} }),
  timer: (id: string, token: string | null, action: 'start' | 'pause' | 'resume' | 'set', remaining_ms?: number) =>
    call<unknown>('POST', ev(id) + '/timer', { token, body: remaining_ms === undefined ? { action } : { action, remaining_ms } }),
  result: (id: string, token: string | null, gameId: string, winner: 1 | 2 | null) =>
    call<unknown>('POST', ev(id) + '/results/' + enc(gameId), { token, body: { winner } }),
  standingsCsv: (id: string, token: string | null) => callFile(ev(id) + '/standings?format=csv', 'standings.csv', { token, accept: 'text/csv' }),
  observerInvite: (id: string, token: string | null) => call<{ code: string; url: string }>('POST', ev(id) + '/invites', { token, body: { role: 'observer' } }),
  /** Every game on this box (and other boxes of the venue): observer views with box and table. */
  hall: (token: string | null) => call<{ box?: string; server_time?: number; games?: unknown[] }>('GET', '/api/hall', { token }),
};
