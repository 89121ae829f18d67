// "/host": the host panel. Create games, set them up, run them, hand out
// invites, read the history, pair phones as host, end sessions and download a
// backup. The pieces live in views/host/.

import { useEffect, useState } from 'preact/hooks';
import { ensureInvites } from '../lib/invites';
import { probeHost } from '../lib/api';
import { isBusy } from '../lib/reducer';
import { useGameList } from '../components/gamelist';
import { HostLogin, useHostAuth } from '../components/hostauth';
import { StatusDot, ThemeToggle, Toast, initialState, useConnection } from '../components/ui';
import { GameControls } from './host/GameControls';
import { GamesCard } from './host/GamesCard';
import { NewGame } from './host/NewGame';
import { SessionsCard } from './host/SessionsCard';
import { BackupCard } from './host/BackupCard';

export function HostView() {
  const [auth, submit, signOut, lost] = useHostAuth();
  if (auth.state === 'checking') return <main class="page" />;
  if (auth.state === 'unreachable')
    return (
      <main class="page narrow center">
        <h1 class="brand">Host panel</h1>
        <p class="lead">Cannot reach the server. Retrying…</p>
      </main>
    );
  if (auth.state === 'need-token')
    return (
      <main class="page narrow" data-testid="host-login">
        <header class="topbar">
          <h1 class="brand">Host panel</h1>
          <ThemeToggle />
        </header>
        <HostLogin refused={auth.refused} ended={auth.ended} onSubmit={submit} />
      </main>
    );
  return <Host token={auth.token} onSignOut={auth.token ? signOut : null} onDenied={lost} />;
}

function Host(props: { token: string | null; onSignOut: (() => void) | null; onDenied: () => void }) {
  const token = props.token;
  const initial = new URLSearchParams(location.search).get('game');
  const { store, conn, state: s } = useConnection(() => initialState(initial), {
    token: () => token,
    probeAuth: () => probeHost(token).then((r) => r === 'denied'),
    onDenied: props.onDenied,
  });
  const games = useGameList(conn);
  const [creating, setCreating] = useState(false);
  const [invitesRev, setInvitesRev] = useState(0);

  const select = (id: string | null) => {
    conn.select(id);
    const q = id ? '?game=' + encodeURIComponent(id) : '';
    history.replaceState(null, '', '/host' + q);
  };
  // Open the newest game when none is chosen yet.
  useEffect(() => {
    if (games && games.length && !store.get().gameId) select(games[0].game_id);
  }, [games]);

  // The server's clock for the pairing countdown; this device's until a heartbeat measured it.
  const serverNow = () => conn.sync.serverNow(performance.now()) ?? Date.now();
  // The host-wide cards close the right column: pairing and sessions, then the backup.
  const sessionsCard = (
    <>
      <SessionsCard token={token} serverNow={serverNow} games={games} />
      <BackupCard token={token} />
    </>
  );
  const gamesCard = <GamesCard games={games} selected={s.gameId} onSelect={select} onNew={() => setCreating(true)} />;

  return (
    <main class="page host-view" data-testid="host-view">
      <header class="topbar">
        <h1 class="brand">Host panel</h1>
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <div class="row">
          <a class="btn ghost" href="/host/events" data-testid="events-link">
            Events
          </a>
          <a class="btn ghost" href={s.gameId ? '/display?game=' + encodeURIComponent(s.gameId) : '/display'} target="_blank" rel="noopener">
            Big screen
          </a>
          <ThemeToggle />
          {props.onSignOut ? (
            <button class="btn ghost" onClick={props.onSignOut}>
              Forget token
            </button>
          ) : null}
        </div>
      </header>

      {s.gameId && s.game ? (
        <GameControls key={s.gameId} top={gamesCard} g={s.game} conn={conn} busy={isBusy(s)} live={s.conn === 'open' && s.fresh} token={token} invitesRev={invitesRev} change={s.lastChange} bottom={sessionsCard} onDeleted={() => select(null)} />
      ) : (
        <>
          {gamesCard}
          {s.gameId ? <p class="muted">Loading game…</p> : null}
          {sessionsCard}
        </>
      )}

      {creating ? (
        <NewGame
          token={token}
          onClose={() => setCreating(false)}
          onCreated={async (g) => {
            setCreating(false);
            // The pushed list may select the new game before its invites exist: read them again after.
            select(g.game_id);
            try {
              await ensureInvites(g.game_id, token);
            } catch {
              /* shown as missing invites */
            }
            setInvitesRev((n) => n + 1);
          }}
        />
      ) : null}
      <Toast store={store} s={s} />
    </main>
  );
}
