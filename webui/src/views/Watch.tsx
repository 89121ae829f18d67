// "/watch": an observer's phone. Both sides equal; the last change stands out.

import { useEffect } from 'preact/hooks';
import type { Session } from '../lib/session';
import { keepAwake } from '../lib/wakelock';
import { Board } from '../components/board';
import { JudgeBanner } from '../components/depth';
import { SessionGate, useSessionConnection } from '../components/session';
import { StatusDot, ThemeToggle, Toast, useMedia } from '../components/ui';

export function WatchView() {
  return <SessionGate kind="observer">{(session, lost) => <Watch session={session} lost={lost} />}</SessionGate>;
}

function Watch(props: { session: Session; lost: () => void }) {
  const { store, conn, state: s } = useSessionConnection(props.session, props.lost);
  const wide = useMedia('(min-width: 900px)');
  useEffect(() => keepAwake(), []);
  return (
    <main class={'watch-view' + (wide ? ' wide' : '')} data-testid="watch-view">
      <header class="topbar">
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <h1 class="topbar-label muted small">Watching</h1>
        <ThemeToggle />
      </header>
      {s.game ? (
        <>
          <JudgeBanner g={s.game} />
          <Board g={s.game} sync={conn.sync} change={s.lastChange} size={wide ? 'tv' : 'phone'} />
        </>
      ) : (
        <p class="lead center" role="status">
          Loading the game…
        </p>
      )}
      <Toast store={store} s={s} />
    </main>
  );
}
