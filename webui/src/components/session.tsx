// The one gate in front of the views that run on a join session: the player's
// phone (/play), an observer's phone (/watch) and the stream overlay (/overlay).
// It finds the session, sends a browser with the wrong kind elsewhere, and knows
// what to do when the server refuses the session later.

import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, sessionRefused } from '../lib/api';
import { isValidCode } from '../lib/joincode';
import { clearSession, loadOverlaySession, loadSession, saveOverlaySession, type Session } from '../lib/session';
import { navigate } from '../router';
import { initialState, useConnection } from './ui';

export type GateKind = 'player' | 'observer' | 'overlay';

/** Where a stored session belongs, or null if `kind` may use it. */
export function redirectFor(kind: 'player' | 'observer', s: Session | null): string | null {
  if (!s) return '/';
  if (kind === 'player') return s.role === 'player' && s.player_number ? null : '/watch';
  return s.role === 'observer' ? null : '/play';
}

/**
 * Renders `children` with a session fit for `kind`; `lost` is to be called when
 * the server refuses it (revoked, game deleted). The overlay joins with its own
 * ?code= (kept per code, so an OBS reload needs no new join) or, without one,
 * borrows this browser's observer session.
 */
export function SessionGate(props: { kind: GateKind; code?: string; children: (s: Session, lost: () => void) => VNode | null }) {
  const { kind, code = '' } = props;
  const own = kind === 'overlay' && isValidCode(code);
  const [session, setSession] = useState<Session | null>(() => {
    if (own) return loadOverlaySession(code);
    const s = loadSession();
    if (kind === 'overlay') return s && s.role === 'observer' ? s : null;
    return redirectFor(kind, s) ? null : s;
  });
  const [error, setError] = useState('');
  useEffect(() => {
    if (session) return;
    if (kind !== 'overlay') {
      navigate(redirectFor(kind, loadSession()) || '/', true);
      return;
    }
    if (!own) {
      setError('Add ?code=<observer code> to the address.');
      return;
    }
    let retry: ReturnType<typeof setTimeout>;
    const tryJoin = () =>
      api.join(code).then(
        (r) => {
          if (r.role === 'host' || !r.game_id) {
            setError('That is a host pairing code: the overlay needs the observer code of a game.');
            return;
          }
          const s: Session = { token: r.token, role: r.role, game_id: r.game_id, player_number: null, code };
          saveOverlaySession(code, s);
          setSession(s);
        },
        (e) => {
          setError(e instanceof ApiError ? e.message : 'Cannot join');
          retry = setTimeout(tryJoin, 10000);
        },
      );
    tryJoin();
    return () => clearTimeout(retry);
  }, [session]);
  if (!session)
    return error ? (
      <main class="overlay-error">
        <h1 class="sr">Scoreboard</h1>
        {error}
      </main>
    ) : null;
  const lost = () => {
    if (kind === 'overlay') {
      if (own) saveOverlaySession(code, null);
      setSession(null);
      return;
    }
    clearSession();
    navigate('/?expired=1', true);
  };
  return props.children(session, lost);
}

/** The store and socket of a view behind the gate: the session's game, its token, its refusal check. */
export function useSessionConnection(s: Session, lost: () => void) {
  return useConnection(() => initialState(s.game_id, s.player_number), {
    token: () => s.token,
    probeAuth: () => sessionRefused(s.game_id, s.token),
    onDenied: lost,
  });
}
