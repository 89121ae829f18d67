// Switchover (PROTOCOL.md section 12): the server says `server_moved` and closes
// with 1012. The app goes to the same page on the new address and carries what
// this browser keeps (the join session, the host token) in the URL fragment,
// which a browser never sends to a server, so no server log holds it; the new
// page stores it for its own origin and removes the fragment at once. The
// tokens work there because the new server's database is a copy of this one's.

import { hostTokenPaired, loadHostToken, loadSession, saveHostToken, saveSession, type Session } from './session';

const KEY = 'moved';

interface Handover {
  session?: Session | null;
  host?: string | null;
  paired?: boolean;
}

function b64url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/**
 * The address to go to: the new server's origin, this page's path and query
 * (with the game shown, for pages that choose one), and the hand-over in the
 * fragment. Null when url is not an http(s) URL.
 */
export function movedUrl(
  url: string,
  here: { pathname: string; search: string },
  gameId: string | null,
  keep: Handover,
): string | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
  const q = new URLSearchParams(here.search);
  if (gameId && (here.pathname === '/host' || here.pathname === '/display') && !q.get('game')) q.set('game', gameId);
  const search = q.toString();
  const frag = new URLSearchParams();
  frag.set(KEY, b64url(JSON.stringify(keep)));
  return target.origin + here.pathname + (search ? '?' + search : '') + '#' + frag.toString();
}

/** Goes to the new server (called on server_moved). */
export function followMove(url: string, gameId: string | null): boolean {
  const keep: Handover = { session: loadSession(), host: loadHostToken(), paired: hostTokenPaired() };
  const to = movedUrl(url, location, gameId, keep);
  if (!to) return false;
  location.replace(to);
  return true;
}

/**
 * On start-up: a hand-over in the fragment is stored for this origin and the
 * fragment leaves the address bar (and the history). True if there was one.
 */
export function takeMoved(): boolean {
  const h = location.hash.replace(/^#/, '');
  if (!h) return false;
  const v = new URLSearchParams(h).get(KEY);
  if (!v) return false;
  history.replaceState(history.state, '', location.pathname + location.search);
  let keep: Handover;
  try {
    keep = JSON.parse(unb64url(v)) as Handover;
  } catch {
    return false;
  }
  if (keep.session && typeof keep.session.token === 'string') saveSession(keep.session);
  if (typeof keep.host === 'string' && keep.host) saveHostToken(keep.host, !!keep.paired);
  return true;
}
