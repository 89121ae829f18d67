// "/overlay?code=<observer code>": a lower third for an OBS browser source,
// on a transparent background.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, sessionRefused } from '../lib/api';
import { isValidCode, normalizeCode } from '../lib/joincode';
import { player } from '../lib/protocol';
import { loadOverlaySession, loadSession, saveOverlaySession, type Session } from '../lib/session';
import { statusLine } from '../components/board';
import { Clock, initialState, nameOf, useConnection } from '../components/ui';

export function OverlayView() {
  const code = normalizeCode(new URLSearchParams(location.search).get('code') || '');
  const [session, setSession] = useState<Session | null>(() => {
    if (isValidCode(code)) return loadOverlaySession(code);
    const s = loadSession();
    return s && s.role === 'observer' ? s : null;
  });
  const [error, setError] = useState('');
  useEffect(() => {
    document.documentElement.classList.add('overlay-mode');
    return () => document.documentElement.classList.remove('overlay-mode');
  }, []);
  useEffect(() => {
    if (session || !isValidCode(code)) {
      if (!session) setError('Add ?code=<observer code> to the address.');
      return;
    }
    let retry: ReturnType<typeof setTimeout>;
    const tryJoin = () =>
      api.join(code).then(
        (r) => {
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
  if (!session) return error ? <div class="overlay-error">{error}</div> : null;
  return (
    <Overlay
      key={session.token}
      s={session}
      onDenied={() => {
        saveOverlaySession(code, null);
        setSession(null);
      }}
    />
  );
}

function Overlay(props: { s: Session; onDenied: () => void }) {
  const { conn, state } = useConnection(() => initialState(props.s.game_id), {
    token: () => props.s.token,
    probeAuth: () => sessionRefused(props.s.game_id, props.s.token),
    onDenied: props.onDenied,
  });
  const g = state.game;
  if (!g) return null;
  const side = (n: 1 | 2) => {
    const p = player(g, n);
    if (!p) return null;
    const turn = g.status === 'active' && g.current_turn === n;
    return (
      <div class={'ov-side p' + n + (turn ? ' turn' : '')}>
        <div class="ov-who">
          <div class="ov-name">{nameOf(p, n)}</div>
          <div class="ov-faction">{p.faction}</div>
        </div>
        <div class="ov-cp" title="Command points">
          {p.cp} CP
        </div>
        <Clock p={p} game={g} sync={conn.sync} class="ov-clock" />
        <div class="ov-score" data-testid={'score-' + n}>
          {p.score}
        </div>
      </div>
    );
  };
  return (
    <div class="overlay" data-testid="overlay">
      <div class="ov-bar">
        {side(1)}
        <div class="ov-mid">
          <div class="ov-round">{statusLine(g)}</div>
          {state.conn !== 'open' ? <div class="ov-off">reconnecting</div> : null}
        </div>
        {side(2)}
      </div>
    </div>
  );
}
