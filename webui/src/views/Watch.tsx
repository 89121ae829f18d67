// "/watch": an observer's phone. Both sides equal; the last change stands out.

import { useEffect } from 'preact/hooks';
import { sessionRefused } from '../lib/api';
import { clearSession, loadSession } from '../lib/session';
import { keepAwake } from '../lib/wakelock';
import { navigate } from '../router';
import { Board } from '../components/board';
import { StatusDot, ThemeToggle, Toast, initialState, useConnection, useMedia } from '../components/ui';

export function WatchView() {
  const session = loadSession();
  useEffect(() => {
    if (!session) navigate('/', true);
    else if (session.role === 'player') navigate('/play', true);
  }, []);
  if (!session || session.role !== 'observer') return null;
  return <Watch token={session.token} gameId={session.game_id} />;
}

function Watch(props: { token: string; gameId: string }) {
  const { store, conn, state: s } = useConnection(() => initialState(props.gameId), {
    token: () => props.token,
    probeAuth: () => sessionRefused(props.gameId, props.token),
    onDenied: () => {
      clearSession();
      navigate('/?expired=1', true);
    },
  });
  const wide = useMedia('(min-width: 900px)');
  useEffect(() => keepAwake(), []);
  return (
    <main class={'watch-view' + (wide ? ' wide' : '')} data-testid="watch-view">
      <header class="topbar">
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <span class="muted small">Watching</span>
        <ThemeToggle />
      </header>
      {s.game ? (
        <Board g={s.game} sync={conn.sync} change={s.lastChange} size={wide ? 'tv' : 'phone'} />
      ) : (
        <p class="lead center" role="status">
          Loading the game…
        </p>
      )}
      <Toast store={store} s={s} />
    </main>
  );
}
