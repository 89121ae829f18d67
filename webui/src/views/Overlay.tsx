// "/overlay?code=<observer code>": a lower third for an OBS browser source,
// on a transparent background.

import { useEffect } from 'preact/hooks';
import { normalizeCode } from '../lib/joincode';
import { player } from '../lib/protocol';
import type { Session } from '../lib/session';
import { statusLine } from '../components/board';
import { SessionGate, useSessionConnection } from '../components/session';
import { Clock, nameOf } from '../components/ui';

export function OverlayView() {
  const code = normalizeCode(new URLSearchParams(location.search).get('code') || '');
  useEffect(() => {
    document.documentElement.classList.add('overlay-mode');
    return () => document.documentElement.classList.remove('overlay-mode');
  }, []);
  return (
    <SessionGate kind="overlay" code={code}>
      {(session, lost) => <Overlay key={session.token} session={session} lost={lost} />}
    </SessionGate>
  );
}

function Overlay(props: { session: Session; lost: () => void }) {
  const { conn, state } = useSessionConnection(props.session, props.lost);
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
    <main class="overlay" data-testid="overlay">
      <h1 class="sr">Scoreboard</h1>
      <div class="ov-bar">
        {side(1)}
        <div class="ov-mid">
          <div class="ov-round">{statusLine(g)}</div>
          {state.conn !== 'open' ? <div class="ov-off">reconnecting</div> : null}
          {g.judge ? (
            <div class="ov-judge" data-testid="ov-judge">
              Judge called
            </div>
          ) : null}
        </div>
        {side(2)}
      </div>
    </main>
  );
}
