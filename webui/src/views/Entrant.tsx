// "/event": an entrant's phone for the whole tournament. It follows the event
// (event_state) and, while the entrant is paired, shows the player screen of its
// table; a new round moves it to the next table on the same socket, without a
// reload. Between rounds, on a bye, or dropped it shows the event and standings.

import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { eventApi } from '../lib/eventapi';
import { placeOf, type EventState, type Place, type TableResult } from '../lib/event';
import { loadEntrant, saveEntrant, type EntrantSession } from '../lib/session';
import type { GameState } from '../lib/protocol';
import { navigate } from '../router';
import { RoundTimer, Standings, roundLabel, useEventState } from '../components/event';
import { Modal, StatusDot, ThemeToggle, Toast, initialState, useConnection } from '../components/ui';
import { PlayerScreen } from './Player';

export function EntrantView() {
  const session = loadEntrant();
  useEffect(() => {
    if (!session) navigate('/', true);
  }, []);
  return session ? <Entrant session={session} /> : null;
}

/** True if the server refuses the entrant's token for its event. */
async function refused(s: EntrantSession): Promise<boolean> {
  try {
    await eventApi.get(s.event_id, s.token);
    return false;
  } catch (e) {
    return e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404);
  }
}

function Entrant({ session }: { session: EntrantSession }) {
  const lost = () => {
    saveEntrant(null);
    navigate('/?expired=1', true);
  };
  const c = useConnection(() => initialState(null, null), { token: () => session.token, probeAuth: () => refused(session), onDenied: lost });
  const ev = useEventState(c.conn, session.event_id);
  const place = ev ? placeOf(ev, session.entrant_id) : null;
  const gameId = place && place.kind === 'table' ? place.table.game_id : null;
  // A new pairing: follow the entrant to its table on the same socket.
  useEffect(() => {
    if (gameId && c.store.get().gameId !== gameId) c.conn.select(gameId);
  }, [gameId]);

  if (ev && place && place.kind === 'table') {
    return <PlayerScreen store={c.store} conn={c.conn} state={c.state} me={place.me} top={<EventBar ev={ev} place={place} conn={c.conn} game={c.state.game} me={session.entrant_id} />} />;
  }
  return (
    <main class="page narrow entrant-view" data-testid="entrant-view">
      <header class="topbar">
        <StatusDot s={c.state} onRetry={() => c.conn.reconnectNow()} />
        <h1 class="brand">{ev ? ev.name : 'Tournament'}</h1>
        <ThemeToggle />
      </header>
      {ev && place ? (
        <>
          <section class="card event-head">
            <div class="eh-line">
              <span>{roundLabel(ev)}</span>
              {ev.round > 0 && ev.status !== 'ended' ? <RoundTimer ev={ev} conn={c.conn} /> : null}
            </div>
            <p class="lead" data-testid="entrant-place">
              {placeText(place, ev)}
            </p>
          </section>
          <section class="card">
            <h2>Standings</h2>
            <Standings rows={ev.standings} me={session.entrant_id} />
          </section>
        </>
      ) : (
        <p class="lead center" role="status">
          Loading the event…
        </p>
      )}
      <Toast store={c.store} s={c.state} />
    </main>
  );
}

function placeText(p: Place, ev: EventState): string {
  if (ev.status === 'ended') return 'The event is over. Thank you for playing!';
  if (p.kind === 'dropped') return 'You have dropped from the event. Your results stay in the standings.';
  if (p.kind === 'bye') return 'You have a bye this round: it counts as a win. Next round’s table shows here.';
  return ev.round === 0 ? 'You are checked in. Your table shows here when round 1 is paired.' : 'Waiting for the next round. Your table shows here when it is paired.';
}

/** Judge and result of the game: the depth fields of the game state, else what the event says of the table. */
function gameExtra(g: GameState | null, fallback: { result: TableResult | null; judge: unknown }) {
  const x = (g || {}) as { judge?: unknown; result?: TableResult | null };
  return { judge: x.judge !== undefined ? x.judge : fallback.judge, result: x.result !== undefined ? x.result : fallback.result };
}

/** The event over the player screen: table, opponent, round timer, "Call a judge", and the result to confirm. */
function EventBar(props: { ev: EventState; place: Extract<Place, { kind: 'table' }>; conn: ReturnType<typeof useConnection>['conn']; game: GameState | null; me: string }) {
  const { ev, place, conn } = props;
  const [dialog, setDialog] = useState<'judge' | 'standings' | null>(null);
  const [reason, setReason] = useState('');
  const t = place.table;
  const g = props.game && props.game.game_id === t.game_id ? props.game : null;
  const { judge, result } = gameExtra(g, t);
  const ended = g ? g.status === 'ended' : t.status === 'ended';
  const mine = result && result.confirmed.indexOf(place.me) >= 0;
  const opp = place.opponent;
  return (
    <section class="event-bar" aria-label="Tournament" data-testid="event-bar" data-table={t.table} data-game={t.game_id}>
      <div class="eb-row">
        <span class="eb-table" data-testid="entrant-table">
          Table {t.table}
        </span>
        <span class="eb-vs" data-testid="entrant-opponent">
          vs {opp.name || 'opponent'}
          {opp.faction ? <span class="muted"> · {opp.faction}</span> : null}
        </span>
        <RoundTimer ev={ev} conn={conn} class="small" />
      </div>
      <div class="eb-row">
        <span class="muted small">Event: {roundLabel(ev)}</span>
        <button class="btn ghost" onClick={() => setDialog('standings')} data-testid="entrant-standings">
          Standings
        </button>
        {judge ? (
          <span class="judge-flag" role="status" data-testid="judge-called">
            Judge called
          </span>
        ) : (
          <button class="btn" onClick={() => setDialog('judge')} disabled={ended && !!(result && result.final)} data-testid="call-judge">
            Call a judge
          </button>
        )}
      </div>
      {ended && result && !result.final ? (
        <div class="eb-result" role="group" aria-label="Result" data-testid="result-confirm">
          {result.disputed ? (
            <p>Result disputed: a judge will decide.</p>
          ) : mine ? (
            <p>You confirmed the result. Waiting for your opponent.</p>
          ) : (
            <>
              <p>
                Result: <strong>{result.winner === null ? 'draw' : result.winner === place.me ? 'you won' : (opp.name || 'your opponent') + ' won'}</strong>. Is that right?
              </p>
              <div class="row">
                <button class="btn primary" onClick={() => conn.request('result_confirm', { agree: true })} data-testid="result-agree">
                  Confirm
                </button>
                <button class="btn danger" onClick={() => conn.request('result_confirm', { agree: false })} data-testid="result-dispute">
                  Dispute
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}
      {dialog === 'judge' ? (
        <Modal title="Call a judge" onClose={() => setDialog(null)}>
          <label class="field">
            <span>What is it about? (optional)</span>
            <input value={reason} maxLength={200} onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="judge-reason" />
          </label>
          <div class="row end">
            <button class="btn" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              class="btn primary"
              data-testid="judge-send"
              onClick={() => {
                conn.request('judge_call', reason.trim() ? { reason: reason.trim() } : {});
                setReason('');
                setDialog(null);
              }}
            >
              Call
            </button>
          </div>
        </Modal>
      ) : null}
      {dialog === 'standings' ? (
        <Modal title="Standings" onClose={() => setDialog(null)} wide>
          <Standings rows={ev.standings} me={props.me} />
        </Modal>
      ) : null}
    </section>
  );
}
