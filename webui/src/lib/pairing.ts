// Host pairing and the sessions list of the host panel: the pure parts
// (countdown, labels, order). Times are parameters; the server's clock counts.

import type { SessionInfo } from './protocol';

/** Milliseconds until `expiresAt` (ISO) at server time `serverNow`; 0 once past, and for a date that does not parse. */
export function msLeft(expiresAt: string, serverNow: number): number {
  const t = Date.parse(expiresAt);
  if (!Number.isFinite(t) || !Number.isFinite(serverNow)) return 0;
  return Math.max(0, t - serverNow);
}

/** "Host", "Player 1", "Observer": who a session is. */
export function sessionWho(s: SessionInfo): string {
  if (s.role === 'player') return s.player_number ? 'Player ' + s.player_number : 'Player';
  if (s.role === 'host') return 'Host';
  if (s.role === 'observer') return 'Observer';
  if (s.role === 'entrant') return 'Entrant';
  return String(s.role);
}

/** "just now", "5 s ago", "12 min ago", "3 h ago", "2 d ago"; "never" without a time. */
export function ago(iso: string | null, serverNow: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = Math.max(0, Math.floor((serverNow - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' d ago';
}

const RANK: Record<string, number> = { host: 0, player: 1, observer: 2, entrant: 3 };

/** Hosts first, then game by game (players in order, then observers), oldest first: a phone is found with its game. */
export function sortSessions(list: SessionInfo[]): SessionInfo[] {
  return list.slice().sort((a, b) => {
    const h = (a.role === 'host' ? 0 : 1) - (b.role === 'host' ? 0 : 1);
    if (h) return h;
    const g = (a.game_id || '').localeCompare(b.game_id || '');
    if (g) return g;
    const r = (RANK[a.role] ?? 9) - (RANK[b.role] ?? 9);
    if (r) return r;
    const p = (a.player_number || 0) - (b.player_number || 0);
    if (p) return p;
    return (Date.parse(a.created_at) || 0) - (Date.parse(b.created_at) || 0);
  });
}

/** Host sessions of `after` that `before` did not have: a phone has just been paired. */
export function newHostSessions(before: SessionInfo[], after: SessionInfo[]): SessionInfo[] {
  const had = new Set(before.map((s) => s.session_id));
  return after.filter((s) => s.role === 'host' && !had.has(s.session_id));
}
