// The three invites of a game (Player 1, Player 2, observers). Protocol 1 has
// no way to list invites, so the codes this browser created are kept locally;
// a server that answers GET .../invites is asked first.

import { api } from './api';
import type { Invite } from './protocol';
import { loadInvites, saveInvites } from './session';

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

export async function knownInvites(gameId: string, token: string | null): Promise<Invite[]> {
  const remote = await api.listInvites(gameId, token);
  if (remote) {
    saveInvites(gameId, remote);
    return remote;
  }
  return loadInvites(gameId);
}

/** Make sure each slot has an invite, creating only the missing ones. */
export async function ensureInvites(gameId: string, token: string | null, slots: Slot[] = SLOTS): Promise<Invite[]> {
  const list = await knownInvites(gameId, token);
  const have = bySlot(list);
  for (const s of slots) {
    if (have[s]) continue;
    const inv = s === 'obs' ? await api.createInvite(gameId, token, 'observer') : await api.createInvite(gameId, token, 'player', s === 'p1' ? 1 : 2);
    list.push(inv);
    saveInvites(gameId, list);
  }
  return list;
}

export async function createInvite(gameId: string, token: string | null, s: Slot): Promise<Invite[]> {
  const inv = s === 'obs' ? await api.createInvite(gameId, token, 'observer') : await api.createInvite(gameId, token, 'player', s === 'p1' ? 1 : 2);
  const list = loadInvites(gameId).concat([inv]);
  saveInvites(gameId, list);
  return list;
}

export async function revokeInvite(gameId: string, token: string | null, code: string): Promise<Invite[]> {
  await api.revokeInvite(gameId, token, code);
  const list = loadInvites(gameId).filter((i) => i.code !== code);
  saveInvites(gameId, list);
  return list;
}

/** The join URL for a code on this origin (used when the server's URL is missing). */
export function joinUrl(i: Invite): string {
  return i.url || location.origin + '/j/' + i.code;
}
