// "/display": the big screen (the Pi's own display or a TV). A large
// scoreboard, the clocks, and QR codes until the players have joined.

import { useEffect, useRef, useState } from 'preact/hooks';
import { probeHost } from '../lib/api';
import { SLOTS, bySlot, ensureInvites, slotLabel, type Slot } from '../lib/invites';
import { player, type Invite } from '../lib/protocol';
import { keepAwake } from '../lib/wakelock';
import { Board } from '../components/board';
import { JudgeBanner } from '../components/depth';
import { useGameList } from '../components/gamelist';
import { HostLogin, useHostAuth } from '../components/hostauth';
import { Qr, StatusDot, Toast, initialState, useConnection } from '../components/ui';
import { WifiQr, useWifi } from '../components/wifi';
import { step } from '../lib/wifi';

export function DisplayView() {
  const [auth, submit, , lost] = useHostAuth();
  if (auth.state === 'checking') return <main class="display-view" />;
  if (auth.state === 'unreachable')
    return (
      <main class="page narrow center">
        <p class="lead">Waiting for the server…</p>
      </main>
    );
  if (auth.state === 'need-token')
    return (
      <main class="page narrow">
        <h1>Big screen</h1>
        <HostLogin refused={auth.refused} ended={auth.ended} onSubmit={submit} />
      </main>
    );
  return <Display token={auth.token} onDenied={lost} />;
}

function Display({ token, onDenied }: { token: string | null; onDenied: () => void }) {
  const pinned = new URLSearchParams(location.search).get('game');
  const { store, conn, state: s } = useConnection(() => initialState(pinned), {
    token: () => token,
    probeAuth: () => probeHost(token).then((r) => r === 'denied'),
    onDenied,
  });
  const [invites, setInvites] = useState<Invite[]>([]);
  const joined = useRef<Record<number, boolean>>({});
  const wifi = useWifi(token);
  const g = s.game;
  useEffect(() => keepAwake(), []);

  // Without ?game=, follow the most recently updated game (the list comes newest
  // first), but never switch away from one that is being played.
  const games = useGameList(conn);
  useEffect(() => {
    if (pinned || !games || !games.length) return;
    const id = games[0].game_id;
    const cur = store.get();
    const busy = cur.game && (cur.game.status === 'active' || cur.game.status === 'paused');
    if (id !== cur.gameId && !busy) conn.select(id);
  }, [games]);

  useEffect(() => {
    joined.current = {};
    setInvites([]);
    if (!s.gameId) return;
    let alive = true;
    ensureInvites(s.gameId, token).then(
      (l) => alive && setInvites(l),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [s.gameId]);

  if (!g) {
    return (
      <main class="display-view empty" data-testid="display-view">
        <header class="display-top">
          <StatusDot s={s} />
          <h1 class="topbar-label muted">State Server</h1>
        </header>
        <p class="lead center">{s.gameId ? 'Loading the game…' : 'No game yet. Create one in the host panel (/host).'}</p>
      </main>
    );
  }

  for (const n of [1, 2]) if (player(g, n)?.connected) joined.current[n] = true;
  const slots = bySlot(invites);
  const waiting = (SLOTS as Slot[]).filter((sl) => {
    if (!slots[sl]) return false;
    if (sl === 'obs') return g.status === 'setup' || !joined.current[1] || !joined.current[2];
    return !joined.current[sl === 'p1' ? 1 : 2] && g.status !== 'ended';
  });
  const obsCorner = !waiting.length && slots.obs && g.status !== 'ended';

  return (
    <main class={'display-view' + (waiting.length ? ' with-qr' : '') + (obsCorner && wifi ? ' corner2' : '')} data-testid="display-view">
      <header class="display-top">
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <h1 class={obsCorner ? 'sr' : 'topbar-label muted'}>State Server</h1>
      </header>
      <JudgeBanner g={g} />
      <Board g={g} sync={conn.sync} change={s.lastChange} size="tv" />
      {waiting.length ? (
        <section class={'qr-strip' + (wifi ? ' steps' : '')} aria-label="Join codes">
          {wifi ? (
            <figure class="qr-card wifi" key="wifi" data-testid="qr-wifi">
              <WifiQr wifi={wifi} token={token} />
              <figcaption>
                <div class="qr-title">{step(wifi, 1, 'Join Wi-Fi')}</div>
                <div class="qr-ssid" data-testid="wifi-ssid">
                  {wifi.ssid}
                </div>
              </figcaption>
            </figure>
          ) : null}
          {waiting.map((sl) => {
            const inv = slots[sl]!;
            const p = sl === 'p1' ? player(g, 1) : sl === 'p2' ? player(g, 2) : undefined;
            return (
              <figure class={'qr-card ' + sl} key={inv.code} data-testid={'qr-' + sl}>
                <Qr gameId={g.game_id} code={inv.code} token={token} label={slotLabel(sl)} />
                <figcaption>
                  <div class="qr-title">{step(wifi, 2, sl === 'obs' ? 'Watch' : (p && p.name) || slotLabel(sl))}</div>
                  <div class="qr-code mono">{inv.code}</div>
                </figcaption>
              </figure>
            );
          })}
        </section>
      ) : null}
      {obsCorner ? (
        <div class="qr-corner">
          {wifi ? (
            <figure data-testid="qr-wifi">
              <WifiQr wifi={wifi} token={token} />
              <figcaption>
                {step(wifi, 1, 'Wi-Fi')}
                <span class="ssid" title={wifi.ssid} data-testid="wifi-ssid">
                  {wifi.ssid}
                </span>
              </figcaption>
            </figure>
          ) : null}
          <figure data-testid="qr-corner">
            <Qr gameId={g.game_id} code={slots.obs!.code} token={token} label="Observers" />
            <figcaption>
              {wifi ? (
                <>
                  {step(wifi, 2, 'Watch')}
                  <span class="mono ssid">{slots.obs!.code}</span>
                </>
              ) : (
                <>
                  Watch: <span class="mono">{slots.obs!.code}</span>
                </>
              )}
            </figcaption>
          </figure>
        </div>
      ) : null}
      <Toast store={store} s={s} />
    </main>
  );
}
