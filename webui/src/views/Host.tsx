// "/host": the host panel. Create games, set them up, run them, hand out
// invites, read the history.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, probeHost } from '../lib/api';
import { remainingAt } from '../lib/clock';
import { SLOTS, bySlot, createInvite, ensureInvites, joinUrl, knownInvites, revokeInvite, slotLabel, type Slot } from '../lib/invites';
import { gameIdOf, player, settingNumber, summaryName, summaryScore, type GameState, type GameSummary, type Invite, type PlayerNumber } from '../lib/protocol';
import { isBusy } from '../lib/reducer';
import type { Connection } from '../lib/connection';
import { Board } from '../components/board';
import { HostLogin, useHostAuth } from '../components/hostauth';
import { Icon } from '../components/icons';
import { Clock, Confirm, Modal, Qr, StatusDot, TapButton, ThemeToggle, Toast, initialState, nameOf, useConnection } from '../components/ui';
import { WifiQr, useWifi } from '../components/wifi';
import { step, wifiNote } from '../lib/wifi';

export function HostView() {
  const [auth, submit, signOut] = useHostAuth();
  if (auth.state === 'checking') return <main class="page" />;
  if (auth.state === 'unreachable')
    return (
      <main class="page narrow center">
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
        <HostLogin refused={auth.refused} onSubmit={submit} />
      </main>
    );
  return <Host token={auth.token} onSignOut={auth.token ? signOut : null} onDenied={signOut} />;
}

function Host(props: { token: string | null; onSignOut: (() => void) | null; onDenied: () => void }) {
  const token = props.token;
  const initial = new URLSearchParams(location.search).get('game');
  const { store, conn, state: s } = useConnection(() => initialState(initial), {
    token: () => token,
    probeAuth: () => probeHost(token).then((r) => r === 'denied'),
    onDenied: props.onDenied,
  });
  const [games, setGames] = useState<GameSummary[]>([]);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState('');

  const refreshGames = async () => {
    try {
      const list = await api.listGames(token);
      list.sort((a, b) => String(b.updated_at || '').localeCompare(String(a.updated_at || '')));
      setGames(list);
      if (!store.get().gameId && list.length) select(gameIdOf(list[0]));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Cannot list games');
    }
  };
  const select = (id: string | null) => {
    conn.select(id);
    const q = id ? '?game=' + encodeURIComponent(id) : '';
    history.replaceState(null, '', '/host' + q);
  };
  useEffect(() => {
    refreshGames();
    const t = setInterval(refreshGames, 15000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (s.game) refreshGamesSoon();
  }, [s.game && s.game.status]);
  const refreshGamesSoon = () => setTimeout(refreshGames, 300);

  const gamesCard = (
      <section class="card" aria-labelledby="games-h">
        <div class="card-head">
          <h2 id="games-h">Games</h2>
          <button class="btn primary" onClick={() => setCreating(true)} data-testid="new-game">
            <Icon name="plus" size={20} /> New game
          </button>
        </div>
        {games.length ? (
          <ul class="game-list">
            {games.map((g) => {
              const id = gameIdOf(g);
              return (
                <li key={id}>
                  <button class={'game-item' + (id === s.gameId ? ' selected' : '')} aria-pressed={id === s.gameId} onClick={() => select(id)}>
                    <span class="gi-names">
                      {summaryName(g, 1)} vs {summaryName(g, 2)}
                    </span>
                    {summaryScore(g, 1) !== null ? (
                      <span class="gi-score mono">
                        {summaryScore(g, 1)}–{summaryScore(g, 2)}
                      </span>
                    ) : null}
                    <span class={'pill ' + g.status}>{g.status}</span>
                    <span class="muted small mono">{id}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : (
          <p class="muted">No games yet.</p>
        )}
      </section>
  );

  return (
    <main class="page host-view" data-testid="host-view">
      <header class="topbar">
        <h1 class="brand">Host panel</h1>
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <div class="row">
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
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}

      {s.gameId && s.game ? (
        <GameControls key={s.gameId} top={gamesCard} g={s.game} conn={conn} busy={isBusy(s)} live={s.conn === 'open' && s.fresh} token={token} change={s.lastChange} onDeleted={() => (select(null), refreshGames())} />
      ) : (
        <>
          {gamesCard}
          {s.gameId ? <p class="muted">Loading game…</p> : null}
        </>
      )}

      {creating ? (
        <NewGame
          token={token}
          onClose={() => setCreating(false)}
          onCreated={async (g) => {
            setCreating(false);
            try {
              await ensureInvites(g.game_id, token);
            } catch {
              /* shown as missing invites */
            }
            select(g.game_id);
            refreshGames();
          }}
        />
      ) : null}
      <Toast store={store} s={s} />
    </main>
  );
}

function NewGame(props: { token: string | null; onClose: () => void; onCreated: (g: GameState) => void }) {
  const [p1, setP1] = useState('');
  const [p2, setP2] = useState('');
  const [minutes, setMinutes] = useState(90);
  const [rounds, setRounds] = useState(5);
  const [cp, setCp] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <Modal title="New game" onClose={props.onClose}>
      <form
        class="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            const g = await api.createGame(props.token, {
              player1_name: p1.trim(),
              player2_name: p2.trim(),
              settings: { clock_ms: Math.round(minutes * 60000), rounds, cp_per_turn: cp },
            });
            props.onCreated(g);
          } catch (err) {
            setError(err instanceof ApiError ? err.message : 'Could not create the game');
            setBusy(false);
          }
        }}
      >
        <label>
          <span>Player 1 name</span>
          <input value={p1} maxLength={40} data-testid="new-p1" onInput={(e) => setP1((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>Player 2 name</span>
          <input value={p2} maxLength={40} data-testid="new-p2" onInput={(e) => setP2((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>Clock per player (minutes)</span>
          <input type="number" min={1} max={600} value={minutes} onInput={(e) => setMinutes(Number((e.target as HTMLInputElement).value) || 90)} />
        </label>
        <label>
          <span>Rounds</span>
          <input type="number" min={1} max={20} value={rounds} onInput={(e) => setRounds(Number((e.target as HTMLInputElement).value) || 5)} />
        </label>
        <label>
          <span>CP per turn (both players)</span>
          <input type="number" min={0} max={10} value={cp} onInput={(e) => setCp(Math.max(0, Number((e.target as HTMLInputElement).value) || 0))} />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <div class="row end">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={busy} data-testid="create-game">
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

function rollD6(): number {
  const a = new Uint8Array(1);
  do crypto.getRandomValues(a);
  while (a[0] >= 252);
  return (a[0] % 6) + 1;
}

function GameControls(props: {
  top: ComponentChildren;
  g: GameState;
  conn: Connection;
  busy: boolean;
  live: boolean;
  token: string | null;
  change: import('../lib/reducer').Change | null;
  onDeleted: () => void;
}) {
  const { g, conn, busy, live, token } = props;
  const [dialog, setDialog] = useState<'end' | 'delete' | null>(null);
  const [rolls, setRolls] = useState<Record<string, string>>({});
  const off = !live || busy;
  const send = (type: string, data: Record<string, unknown> = {}) => conn.request(type, data);
  const p1 = player(g, 1);
  const p2 = player(g, 2);

  const rollOff = (key: 'attacker' | 'first_player') => {
    let a = rollD6();
    let b = rollD6();
    let rerolls = 0;
    while (a === b && rerolls < 20) {
      a = rollD6();
      b = rollD6();
      rerolls++;
    }
    const winner: PlayerNumber = a > b ? 1 : 2;
    setRolls({ ...rolls, [key]: nameOf(p1, 1) + ' ' + a + ' – ' + b + ' ' + nameOf(p2, 2) + ': ' + nameOf(player(g, winner), winner) + ' wins' });
    send('game_setup', { [key]: winner });
  };

  return (
    <div class="host-grid">
      <div class="col">
      {props.top}
      <section class="card" aria-labelledby="game-h">
        <div class="card-head">
          <h2 id="game-h">
            {nameOf(p1, 1)} vs {nameOf(p2, 2)} <span class={'pill ' + g.status}>{g.status}</span>
          </h2>
          <span class="muted small mono">
            {g.game_id} · v{g.version}
          </span>
        </div>
        <Board g={g} sync={conn.sync} change={props.change} />
        <div class="row wrap controls" role="group" aria-label="Game controls">
          {g.status === 'setup' ? (
            <TapButton class="primary" disabled={off} onTap={() => send('game_start')} testid="start">
              Start game
            </TapButton>
          ) : null}
          {g.status === 'active' ? (
            <TapButton disabled={off} onTap={() => send('game_pause')} testid="pause">
              Pause
            </TapButton>
          ) : null}
          {g.status === 'paused' ? (
            <TapButton class="primary" disabled={off} onTap={() => send('game_resume')} testid="resume">
              Resume
            </TapButton>
          ) : null}
          {g.status === 'active' ? (
            <TapButton disabled={off} guard={1000} onTap={() => send('turn_change', { expected_version: g.version })} testid="host-turn">
              End turn ({nameOf(player(g, g.current_turn || 1), g.current_turn || 1)})
            </TapButton>
          ) : null}
          {g.status !== 'ended' && g.status !== 'setup' ? (
            <TapButton class="danger" disabled={off} onTap={() => setDialog('end')} testid="end">
              End game
            </TapButton>
          ) : null}
          <TapButton icon="undo" disabled={off} onTap={() => send('undo')} testid="host-undo">
            Undo last
          </TapButton>
        </div>
      </section>

      <section class="card" aria-labelledby="setup-h">
        <h2 id="setup-h">Players and roll-offs</h2>
        <div class="two-col">
          {[1, 2].map((n) => {
            const p = player(g, n)!;
            if (!p) return null;
            return <PlayerAdmin key={n} g={g} n={n as PlayerNumber} conn={conn} off={off} />;
          })}
        </div>
        <div class="two-col">
          {(['attacker', 'first_player'] as const).map((key) => (
            <div class="rolloff" key={key}>
              <h3>{key === 'attacker' ? 'Attacker' : 'First turn'}</h3>
              <div class="row wrap">
                <TapButton icon="dice" disabled={off || g.status !== 'setup'} onTap={() => rollOff(key)} testid={'roll-' + key}>
                  Roll off
                </TapButton>
                {[1, 2].map((n) => (
                  <button
                    class={'btn seg' + (g[key] === n ? ' on' : '')}
                    aria-pressed={g[key] === n}
                    disabled={off || g.status !== 'setup'}
                    onClick={() => send('game_setup', { [key]: n })}
                    key={n}
                  >
                    {nameOf(player(g, n), n)}
                  </button>
                ))}
              </div>
              {rolls[key] ? <p class="muted small">{rolls[key]}</p> : null}
            </div>
          ))}
        </div>
      </section>

      <SettingsCard g={g} conn={conn} off={off} />
      </div>
      <div class="col">
      <InvitesCard gameId={g.game_id} token={token} />
      <HistoryCard g={g} token={token} />

      <section class="card">
        <h2>Danger zone</h2>
        <button class="btn danger" onClick={() => setDialog('delete')}>
          Delete this game
        </button>
      </section>
      </div>

      {dialog === 'end' ? (
        <Modal title="End the game" onClose={() => setDialog(null)}>
          <p>Who won? “By score” lets the higher score win.</p>
          <div class="row wrap">
            <button class="btn" onClick={() => (send('game_end'), setDialog(null))} data-testid="end-by-score">
              By score
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: 1 }), setDialog(null))}>
              {nameOf(p1, 1)}
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: 2 }), setDialog(null))}>
              {nameOf(p2, 2)}
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: null }), setDialog(null))}>
              Draw
            </button>
          </div>
        </Modal>
      ) : null}
      {dialog === 'delete' ? (
        <Confirm
          title="Delete game?"
          text="The game and its history are removed for good. Phones that joined it are disconnected."
          yes="Delete"
          danger
          onYes={async () => {
            try {
              await api.deleteGame(g.game_id, token);
              props.onDeleted();
            } catch {
              /* the list refresh shows what happened */
            }
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}

function PlayerAdmin(props: { g: GameState; n: PlayerNumber; conn: Connection; off: boolean }) {
  const { g, n, conn, off } = props;
  const p = player(g, n)!;
  const [name, setName] = useState(p.name);
  useEffect(() => setName(p.name), [p.name]);
  const send = (type: string, data: Record<string, unknown>) => conn.request(type, data);
  const score = (d: Record<string, unknown>) => send('score_update', { player_number: n, ...d });
  const remainingNow = () => remainingAt(p, g, conn.sync.serverNow(performance.now()));
  return (
    <div class={'player-admin p' + n}>
      <h3>Player {n}</h3>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          send('game_setup', { ['player' + n + '_name']: name.trim() });
        }}
      >
        <input aria-label={'Player ' + n + ' name'} value={name} maxLength={40} disabled={g.status !== 'setup'} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid={'admin-name-' + n} />
        <button class="btn" type="submit" disabled={off || g.status !== 'setup' || name.trim() === p.name} title="Names can change during setup">
          Rename
        </button>
      </form>
      <table class="mini">
        <tbody>
          {(['primary', 'secondary', 'cp'] as const).map((f) => (
            <tr key={f}>
              <th scope="row">{f === 'cp' ? 'CP' : f[0].toUpperCase() + f.slice(1)}</th>
              <td>
                <TapButton class="small" icon="minus" label={'Player ' + n + ' ' + f + ' minus one'} disabled={off || p[f] <= 0} onTap={() => score({ [f + '_delta']: -1 })} guard={200} />
              </td>
              <td class="num">{p[f]}</td>
              <td>
                <TapButton class="small" icon="plus" label={'Player ' + n + ' ' + f + ' plus one'} disabled={off} onTap={() => score({ [f + '_delta']: 1 })} guard={200} />
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">Clock</th>
            <td>
              <TapButton class="small" label={'Player ' + n + ' clock minus one minute'} disabled={off} onTap={() => send('timer_update', { player_number: n, action: 'set', time_remaining: Math.max(0, remainingNow() - 60000) })}>
                −1′
              </TapButton>
            </td>
            <td class="num">
              <Clock p={p} game={g} sync={conn.sync} class="inline" />
            </td>
            <td>
              <TapButton class="small" label={'Player ' + n + ' clock plus one minute'} disabled={off} onTap={() => send('timer_update', { player_number: n, action: 'set', time_remaining: remainingNow() + 60000 })}>
                +1′
              </TapButton>
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function SettingsCard(props: { g: GameState; conn: Connection; off: boolean }) {
  const { g } = props;
  const [minutes, setMinutes] = useState(settingNumber(g, 'clock_ms', 5400000) / 60000);
  const [rounds, setRounds] = useState(settingNumber(g, 'rounds', 5));
  const [cp, setCp] = useState(settingNumber(g, 'cp_per_turn', 0));
  useEffect(() => {
    setMinutes(settingNumber(g, 'clock_ms', 5400000) / 60000);
    setRounds(settingNumber(g, 'rounds', 5));
    setCp(settingNumber(g, 'cp_per_turn', 0));
  }, [g.settings]);
  return (
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          props.conn.request('settings_update', { clock_ms: Math.round(minutes * 60000), rounds, cp_per_turn: cp });
        }}
      >
        <label class="inline">
          <span>Clock (min)</span>
          <input type="number" min={1} max={600} value={minutes} onInput={(e) => setMinutes(Number((e.target as HTMLInputElement).value) || 1)} />
        </label>
        <label class="inline">
          <span>Rounds</span>
          <input type="number" min={1} max={20} value={rounds} onInput={(e) => setRounds(Number((e.target as HTMLInputElement).value) || 1)} />
        </label>
        <label class="inline">
          <span>CP per turn</span>
          <input type="number" min={0} max={10} value={cp} onInput={(e) => setCp(Math.max(0, Number((e.target as HTMLInputElement).value) || 0))} />
        </label>
        <button class="btn" type="submit" disabled={props.off}>
          Save settings
        </button>
      </form>
      {g.status !== 'setup' ? <p class="muted small">A new clock length applies to games not yet started; use the clock buttons above to correct a running game.</p> : null}
    </section>
  );
}

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

function InvitesCard(props: { gameId: string; token: string | null }) {
  const [list, setList] = useState<Invite[]>([]);
  const [shown, setShown] = useState<Invite | null>(null);
  const [wifiShown, setWifiShown] = useState(false);
  const wifi = useWifi(props.token);
  const [error, setError] = useState('');
  useEffect(() => {
    knownInvites(props.gameId, props.token).then(setList, () => undefined);
  }, [props.gameId]);
  const run = async (f: () => Promise<Invite[]>) => {
    setError('');
    try {
      setList(await f());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Failed');
    }
  };
  const slots = bySlot(list);
  return (
    <section class="card" aria-labelledby="inv-h">
      <div class="card-head">
        <h2 id="inv-h">Invites</h2>
        <button class="btn" onClick={() => run(() => ensureInvites(props.gameId, props.token))} data-testid="make-invites">
          Create missing
        </button>
      </div>
      {error ? <p class="error">{error}</p> : null}
      {wifi ? (
        <div class="wifi-line" data-testid="invite-wifi">
          <div>
            <strong>{step(wifi, 1, 'Join Wi-Fi')}:</strong>{' '}
            <span class="ssid" data-testid="host-wifi-ssid">
              {wifi.ssid}
            </span>
            <div class="muted small">{cap(wifiNote(wifi))}</div>
          </div>
          <button class="btn small" onClick={() => setWifiShown(true)} data-testid="host-wifi-qr">
            QR
          </button>
        </div>
      ) : null}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">For</th>
            <th scope="col">Code</th>
            <th scope="col">Link</th>
            <th scope="col">
              <span class="sr">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(SLOTS as Slot[]).map((sl) => {
            const inv = slots[sl];
            return (
              <tr key={sl} data-testid={'invite-' + sl}>
                <th scope="row">{step(wifi, 2, slotLabel(sl))}</th>
                <td class="mono" data-testid={'invite-code-' + sl}>
                  {inv ? inv.code : '—'}
                </td>
                <td class="url">{inv ? <a href={joinUrl(inv)}>{joinUrl(inv)}</a> : null}</td>
                <td class="row">
                  {inv ? (
                    <>
                      <button class="btn small" onClick={() => setShown(inv)}>
                        QR
                      </button>
                      <button class="btn small danger" onClick={() => run(() => revokeInvite(props.gameId, props.token, inv.code))}>
                        Revoke
                      </button>
                    </>
                  ) : (
                    <button class="btn small" onClick={() => run(() => createInvite(props.gameId, props.token, sl))}>
                      Create
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted small">A code works again until it is revoked, so a phone that lost its session can rejoin. Revoking ends the sessions made from it.</p>
      {shown ? (
        <Modal title={'Invite · ' + shown.code} onClose={() => setShown(null)}>
          <div class="center">
            <Qr gameId={props.gameId} code={shown.code} token={props.token} label="Invite" />
            <p class="mono big-code">{shown.code}</p>
            <p class="small url">{joinUrl(shown)}</p>
          </div>
        </Modal>
      ) : null}
      {wifiShown && wifi ? (
        <Modal title="Join Wi-Fi" onClose={() => setWifiShown(false)}>
          <div class="center">
            <WifiQr wifi={wifi} token={props.token} />
            <p class="big-ssid">{wifi.ssid}</p>
            <p class="small muted">
              {cap(wifiNote(wifi))}. Scan it with the phone’s camera to join, then scan a join code.
            </p>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const PREFERRED = ['seq', 'id', 'version', 'timestamp', 'at', 'created_at', 'actor', 'type', 'action', 'role', 'player_number', 'data', 'undone', 'undone_by', 'reverted'];

function HistoryCard(props: { g: GameState; token: string | null }) {
  const [rows, setRows] = useState<Record<string, unknown>[] | null>(null);
  const [error, setError] = useState('');
  const load = async () => {
    setError('');
    try {
      const r = (await api.history(props.g.game_id, props.token)) as unknown;
      const list = Array.isArray(r) ? r : r && typeof r === 'object' ? (r as any).history || (r as any).actions || (r as any).entries || [] : [];
      setRows(list as Record<string, unknown>[]);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Cannot load history');
    }
  };
  useEffect(() => {
    if (rows) load();
  }, [props.g.version]);
  const download = async () => {
    try {
      const blob = await api.historyCsv(props.g.game_id, props.token);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = props.g.game_id + '-history.csv';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Download failed');
    }
  };
  let cols: string[] = [];
  if (rows && rows.length) {
    const keys = new Set<string>();
    rows.slice(0, 20).forEach((r) => Object.keys(r || {}).forEach((k) => keys.add(k)));
    cols = PREFERRED.filter((k) => keys.has(k));
    keys.forEach((k) => cols.indexOf(k) < 0 && cols.push(k));
    cols = cols.slice(0, 8);
  }
  return (
    <section class="card" aria-labelledby="hist-h">
      <div class="card-head">
        <h2 id="hist-h">History</h2>
        <div class="row">
          <button class="btn" onClick={load} data-testid="history-load">
            {rows ? 'Refresh' : 'Show'}
          </button>
          <button class="btn" onClick={download} data-testid="history-csv">
            <Icon name="download" size={20} /> CSV
          </button>
        </div>
      </div>
      {error ? <p class="error">{error}</p> : null}
      {rows ? (
        rows.length ? (
          <div class="table-wrap">
            <table class="list history">
              <thead>
                <tr>
                  {cols.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows
                  .slice()
                  .reverse()
                  .slice(0, 200)
                  .map((r, i) => (
                    <tr key={i}>
                      {cols.map((c) => (
                        <td key={c}>{cell((r as any)[c])}</td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">Nothing yet.</p>
        )
      ) : null}
    </section>
  );
}
