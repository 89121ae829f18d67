// The three invites of a game (Player 1, Player 2, observers), as the server
// lists them (GET /api/games/{id}/invites, host only).

import { api } from './api';
import type { Invite } from './protocol';

export type Slot = 'p1' | 'p2' | 'obs';
export const SLOTS: Slot[] = ['p1', 'p2', 'obs'];

export function slotOf(i: Invite): Slot | null {
  if (i.role === 'observer') return 'obs';
  if (i.role === 'player' && i.player_number === 1) return 'p1';
  if (i.role === 'player' && i.player_number === 2) return 'p2';
  return null;
}

export function slotLabel(s: Slot): string {
  return s === 'p1' ? 'Player 1' : s === 'p2' ? 'Player 2' : 'Observers';
}

/** The newest invite per slot among `list`. */
export function bySlot(list: Invite[]): Partial<Record<Slot, Invite>> {
  const out: Partial<Record<Slot, Invite>> = {};
  for (const i of list) {
    const s = slotOf(i);
    if (s) out[s] = i;
  }
  return out;
}

function create(gameId: string, token: string | null, s: Slot): Promise<Invite> {
  return s === 'obs' ? api.createInvite(gameId, token, 'observer') : api.createInvite(gameId, token, 'player', s === 'p1' ? 1 : 2);
}

/** Make sure each slot has an invite, creating only the missing ones. */
export async function ensureInvites(gameId: string, token: string | null, slots: Slot[] = SLOTS): Promise<Invite[]> {
  const list = await api.listInvites(gameId, token);
  const have = bySlot(list);
  for (const s of slots) if (!have[s]) list.push(await create(gameId, token, s));
  return list;
}

export async function createInvite(gameId: string, token: string | null, s: Slot): Promise<Invite[]> {
  await create(gameId, token, s);
  return api.listInvites(gameId, token);
}

export async function revokeInvite(gameId: string, token: string | null, code: string): Promise<Invite[]> {
  await api.revokeInvite(gameId, token, code);
  return api.listInvites(gameId, token);
}
