// "/event": an entrant's phone for the whole tournament. It follows the event
// (event_state) and, while the entrant is paired, shows the player screen of its
// table; a new round moves it to the next table on the same socket, without a
// reload. Between rounds, on a bye, or dropped it shows the event and standings.

import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { eventApi } from '../lib/eventapi';
import { placeOf, type EventState, type Place } from '../lib/event';
import { loadEntrant, saveEntrant, type EntrantSession } from '../lib/session';
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
    if (ev && c.store.get().gameId !== gameId) c.conn.select(gameId);
  }, [gameId, !!ev]);

  if (ev && place && place.kind === 'table') {
    return <PlayerScreen store={c.store} conn={c.conn} state={c.state} me={place.me} top={<EventBar ev={ev} place={place} conn={c.conn} me={session.entrant_id} />} />;
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
              {whoText(ev, session.entrant_id)}
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

/** "Hana (Sisters). ": whom this phone belongs to, so a swapped phone is noticed. */
function whoText(ev: EventState, id: string): string {
  const e = ev.entrants.find((x) => x.entrant_id === id);
  return e ? e.name + (e.faction ? ' (' + e.faction + ')' : '') + '. ' : '';
}

function placeText(p: Place, ev: EventState): string {
  if (ev.status === 'ended') return 'The event is over. Thank you for playing!';
  if (p.kind === 'dropped') return 'You have dropped from the event. Your results stay in the standings.';
  if (p.kind === 'bye') return 'You have a bye this round: it counts as a win. Next round’s table shows here.';
  return ev.round === 0 ? 'You are checked in. Your table shows here when round 1 is paired.' : 'Waiting for the next round. Your table shows here when it is paired.';
}

/**
 * The event over the player screen: table, opponent, round timer and standings.
 * "Call a judge" and the result to confirm or dispute are the player screen's own.
 */
function EventBar(props: { ev: EventState; place: Extract<Place, { kind: 'table' }>; conn: ReturnType<typeof useConnection>['conn']; me: string }) {
  const { ev, place, conn } = props;
  const [standings, setStandings] = useState(false);
  const t = place.table;
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
        <button class="btn ghost" onClick={() => setStandings(true)} data-testid="entrant-standings">
          Standings
        </button>
      </div>
      {standings ? (
        <Modal title="Standings" onClose={() => setStandings(false)} wide>
          <Standings rows={ev.standings} me={props.me} />
        </Modal>
      ) : null}
    </section>
  );
}
