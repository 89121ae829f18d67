// "/host/events" (the organiser's list of events, and a new one) and
// "/host/events/<id>" (running one: entrants, rounds, the round timer, judge
// calls and disputes first, results, drops, standings and their CSV). Phone first:
// one column that becomes two on a wide screen.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, probeHost } from '../../lib/api';
import { saveBlob } from '../../lib/download';
import { eventApi, type EventSummary } from '../../lib/eventapi';
import { parseEntrants, roundOpen, tablesByUrgency, turnText, type EventState, type Table } from '../../lib/event';
import { navigate } from '../../router';
import { RoundTimer, Standings, roundLabel, useEventState } from '../../components/event';
import { HostLogin, useHostAuth } from '../../components/hostauth';
import { Confirm, Modal, StatusDot, TextQr, ThemeToggle, initialState, useConnection } from '../../components/ui';
import { CheckIn } from './CheckIn';

export function EventsView(props: { eventId: string | null; checkin?: boolean }) {
  const [auth, submit, , lost] = useHostAuth();
  if (auth.state === 'checking') return <main class="page" />;
  if (auth.state !== 'ok')
    return (
      <main class="page narrow">
        <h1 class="brand">Events</h1>
        {auth.state === 'need-token' ? <HostLogin refused={auth.refused} ended={auth.ended} onSubmit={submit} /> : <p class="lead">Cannot reach the server. Retrying…</p>}
      </main>
    );
  if (!props.eventId) return <EventList token={auth.token} />;
  return <EventPanel key={props.eventId} id={props.eventId} token={auth.token} onDenied={lost} checkin={!!props.checkin} />;
}

const msg = (e: unknown, what: string) => (e instanceof ApiError ? e.message : what);

function EventList({ token }: { token: string | null }) {
  const [list, setList] = useState<EventSummary[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    eventApi.list(token).then(setList, (e) => setError(msg(e, 'Could not load the events')));
  }, []);
  return (
    <main class="page narrow host-view" data-testid="events-view">
      <header class="topbar">
        <a class="btn ghost" href="/host">
          Games
        </a>
        <h1 class="brand">Events</h1>
        <ThemeToggle />
      </header>
      <NewEvent token={token} />
      <section class="card" aria-labelledby="ev-list-h">
        <h2 id="ev-list-h">Events on this box</h2>
        {error ? <p class="error">{error}</p> : null}
        {list && list.length ? (
          <ul class="game-list" data-testid="event-list">
            {list.map((e) => (
              <li key={e.event_id}>
                <a class="game-item" href={'/host/events/' + encodeURIComponent(e.event_id)} onClick={(ev) => (ev.preventDefault(), navigate('/host/events/' + encodeURIComponent(e.event_id)))}>
                  <span class="gi-names">{e.name || e.event_id}</span>
                  <span class="muted small">
                    {e.entrants} entrants · round {e.round}
                    {e.rounds ? ' of ' + e.rounds : ''}
                  </span>
                  <span class={'pill ' + (e.status === 'running' ? 'active' : e.status)}>{e.status}</span>
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{list ? 'No events yet.' : 'Loading…'}</p>
        )}
      </section>
    </main>
  );
}

const val = (e: Event) => (e.target as HTMLInputElement).value;

function NewEvent({ token }: { token: string | null }) {
  const [name, setName] = useState('');
  const [rounds, setRounds] = useState(3);
  const [minutes, setMinutes] = useState(150);
  const [score, setScore] = useState([3, 1, 0]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <section class="card" aria-labelledby="ev-new-h">
      <h2 id="ev-new-h">New event</h2>
      <form
        class="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            const r = (await eventApi.create(token, {
              name: name.trim(),
              rounds,
              round_time_ms: minutes * 60000,
              scoring: { win: score[0], draw: score[1], loss: score[2] },
            })) as { event_id?: string };
            if (r && r.event_id) navigate('/host/events/' + encodeURIComponent(r.event_id));
          } catch (err) {
            setError(msg(err, 'Could not create the event'));
          }
          setBusy(false);
        }}
      >
        <label>
          <span>Name</span>
          <input value={name} required maxLength={40} data-testid="event-name" onInput={(e) => setName(val(e))} />
        </label>
        <div class="form-pair">
          <label>
            <span>Rounds</span>
            <input type="number" min={1} max={32} value={rounds} data-testid="event-rounds" onInput={(e) => setRounds(Math.max(1, Number(val(e)) || 1))} />
          </label>
          <label>
            <span>Round time (min)</span>
            <input type="number" min={1} max={1440} value={minutes} data-testid="event-minutes" onInput={(e) => setMinutes(Math.max(1, Number(val(e)) || 1))} />
          </label>
        </div>
        <fieldset class="form-pair three">
          <legend>Points for a win, draw, loss</legend>
          {['Win', 'Draw', 'Loss'].map((l, i) => (
            <label key={l}>
              <span>{l}</span>
              <input type="number" min={0} max={100} value={score[i]} onInput={(e) => setScore(score.map((x, j) => (j === i ? Math.max(0, Number(val(e)) || 0) : x)))} />
            </label>
          ))}
        </fieldset>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button class="btn primary" type="submit" disabled={busy || !name.trim()} data-testid="event-create">
          Create event
        </button>
      </form>
    </section>
  );
}

function EventPanel(props: { id: string; token: string | null; onDenied: () => void; checkin: boolean }) {
  const { id, token } = props;
  const { conn, state: s } = useConnection(() => initialState(null), {
    token: () => token,
    probeAuth: () => probeHost(token).then((r) => r === 'denied'),
    onDenied: props.onDenied,
  });
  const ev = useEventState(conn, id);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  /** Run a REST call; the new state arrives as event_state on the socket. */
  const run = async (f: () => Promise<unknown>, what: string) => {
    setBusy(true);
    setError('');
    try {
      await f();
    } catch (e) {
      setError(msg(e, what));
    }
    setBusy(false);
  };
  if (props.checkin) return <CheckIn ev={ev} id={id} token={token} />;
  const base = '/host/events/' + encodeURIComponent(id);
  return (
    <main class="page host-view event-panel" data-testid="event-panel">
      <header class="topbar">
        <a class="btn ghost" href="/host/events" onClick={(e) => (e.preventDefault(), navigate('/host/events'))}>
          Events
        </a>
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <h1 class="brand">{ev ? ev.name : 'Event'}</h1>
        <div class="row">
          <a class="btn ghost" href={'/hall/' + encodeURIComponent(id)} target="_blank" rel="noopener">
            Hall board
          </a>
          <a class="btn ghost" href={base + '/checkin'} data-testid="checkin-link" onClick={(e) => (e.preventDefault(), navigate(base + '/checkin'))}>
            Check-in sheet
          </a>
          <ThemeToggle />
        </div>
      </header>
      {error ? (
        <p class="error" role="alert" data-testid="event-error">
          {error}
        </p>
      ) : null}
      {!ev ? (
        <p class="lead">Loading the event…</p>
      ) : (
        <div class="host-grid">
          <div>
            <RoundCard ev={ev} conn={conn} token={token} busy={busy} run={run} />
            <TablesCard ev={ev} token={token} busy={busy} run={run} />
          </div>
          <div>
            <StandingsCard ev={ev} token={token} run={run} />
            <EntrantsCard ev={ev} token={token} busy={busy} run={run} />
            <BoardCodeCard id={id} token={token} run={run} />
            <DeleteCard ev={ev} token={token} run={run} />
          </div>
        </div>
      )}
    </main>
  );
}

type Run = (f: () => Promise<unknown>, what: string) => Promise<void>;

function RoundCard(props: { ev: EventState; conn: ReturnType<typeof useConnection>['conn']; token: string | null; busy: boolean; run: Run }) {
  const { ev, token, run } = props;
  const [minutes, setMinutes] = useState('');
  const open = ev.round > 0 && roundOpen(ev);
  const last = ev.round >= ev.rounds;
  const t = (action: 'start' | 'pause' | 'resume' | 'set', ms?: number) => run(() => eventApi.timer(ev.event_id, token, action, ms), 'Could not change the timer');
  return (
    <section class="card" aria-labelledby="round-h">
      <div class="card-head">
        <h2 id="round-h">{roundLabel(ev)}</h2>
        {ev.round > 0 ? <RoundTimer ev={ev} conn={props.conn} class="panel-timer" /> : null}
      </div>
      <div class="row wrap">
        {ev.status !== 'ended' && !last ? (
          <button class="btn primary" disabled={props.busy || open || ev.entrants.filter((e) => !e.dropped).length < 2} onClick={() => run(() => eventApi.pair(ev.event_id, token), 'Could not pair the round')} data-testid="pair-round">
            Pair round {ev.round + 1}
          </button>
        ) : null}
        {ev.tables.some((x) => x.status === 'setup') ? (
          <button
            class="btn primary"
            disabled={props.busy}
            data-testid="start-games"
            onClick={() =>
              run(async () => {
                // Every game still in setup, one request each; the timer is the organiser's own call.
                for (const x of ev.tables) if (x.status === 'setup') await call('POST', '/api/games/' + encodeURIComponent(x.game_id) + '/actions', { token, body: { type: 'game_start', data: {} } });
              }, 'Could not start every game')
            }
          >
            Start all games
          </button>
        ) : null}
        {ev.round > 0 && ev.status !== 'ended' ? (
          <>
            {ev.timer.running ? (
              <button class="btn" onClick={() => t('pause')} data-testid="timer-pause">
                Pause timer
              </button>
            ) : ev.timer.remaining_ms === 0 ? (
              <span class="muted">Time is up: set a new time to run it again.</span>
            ) : (
              <button class="btn primary" onClick={() => t(ev.timer.remaining_ms < ev.round_time_ms && ev.timer.remaining_ms > 0 ? 'resume' : 'start')} data-testid="timer-start">
                {ev.timer.remaining_ms < ev.round_time_ms && ev.timer.remaining_ms > 0 ? 'Resume timer' : 'Start timer'}
              </button>
            )}
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                const m = Number(minutes);
                if (m >= 0) t('set', Math.round(m * 60000));
                setMinutes('');
              }}
            >
              <label class="sr" for="timer-set">
                Set the timer to minutes
              </label>
              <input id="timer-set" class="short" type="number" min={0} max={1440} placeholder="min" value={minutes} onInput={(e) => setMinutes(val(e))} />
              <button class="btn" type="submit" disabled={minutes === ''}>
                Set
              </button>
            </form>
          </>
        ) : null}
      </div>
      {open ? <p class="muted small">The next round can be paired once every table has a final result.</p> : null}
    </section>
  );
}

function TablesCard(props: { ev: EventState; token: string | null; busy: boolean; run: Run }) {
  const { ev, token, run } = props;
  const [final, setFinal] = useState<Table | null>(null);
  if (!ev.tables.length) return null;
  const done = (t: Table) => run(() => call('POST', '/api/games/' + encodeURIComponent(t.game_id) + '/actions', { token, body: { type: 'judge_done', data: {} } }), 'Could not clear the judge call');
  return (
    <section class="card" aria-labelledby="tables-h">
      <h2 id="tables-h">Tables</h2>
      <ul class="ev-tables" data-testid="event-tables">
        {tablesByUrgency(ev.tables).map((t) => {
          const needs = !!t.judge || (t.result && t.result.disputed) || (t.status === 'ended' && !(t.result && t.result.final));
          return (
            <li key={t.game_id} class={'ev-table' + (t.judge ? ' judge' : t.result && t.result.disputed ? ' disputed' : needs ? ' todo' : '')} data-testid="event-table" data-table={t.table}>
              <span class="et-no">T{t.table}</span>
              <span class="et-names">
                {t.seats[0].name} <strong class="mono">{t.seats[0].score}</strong> – <strong class="mono">{t.seats[1].score}</strong> {t.seats[1].name}
                <span class="muted small et-state">{turnText(t) + (t.judge && t.judge.reason ? ': ' + t.judge.reason : '')}</span>
              </span>
              <span class="row">
                {t.judge ? (
                  <button class="btn small" onClick={() => done(t)} data-testid="judge-done">
                    Judge done
                  </button>
                ) : null}
                {!(t.result && t.result.final) ? (
                  <button class={'btn small' + (needs ? ' primary' : '')} onClick={() => setFinal(t)} data-testid="finalise">
                    Result
                  </button>
                ) : null}
                <a class="btn small ghost" href={'/host?game=' + encodeURIComponent(t.game_id)}>
                  Game
                </a>
              </span>
            </li>
          );
        })}
      </ul>
      {ev.byes.length ? (
        <p class="muted" data-testid="event-byes">
          Bye: {ev.byes.map((b) => (ev.entrants.find((e) => e.entrant_id === b) || { name: b }).name).join(', ')}
        </p>
      ) : null}
      {final ? (
        <Modal title={'Table ' + final.table + ': final result'} onClose={() => setFinal(null)}>
          <p>
            {final.seats[0].name} {final.seats[0].score} – {final.seats[1].score} {final.seats[1].name}
            {final.result && final.result.disputed ? ' (disputed)' : ''}
          </p>
          <div class="row wrap">
            {([1, null, 2] as (1 | 2 | null)[]).map((w) => (
              <button
                key={String(w)}
                class={'btn' + (final.result && final.result.winner === w && final.status === 'ended' ? ' primary' : '')}
                data-testid={'final-' + (w || 'draw')}
                onClick={() => {
                  const g = final.game_id;
                  setFinal(null);
                  run(() => eventApi.result(ev.event_id, token, g, w), 'Could not record the result');
                }}
              >
                {w ? final.seats[w - 1].name + ' won' : 'Draw'}
              </button>
            ))}
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function StandingsCard(props: { ev: EventState; token: string | null; run: Run }) {
  const { ev } = props;
  return (
    <section class="card" aria-labelledby="stand-h">
      <div class="card-head">
        <h2 id="stand-h">Standings</h2>
        <button
          class="btn"
          data-testid="standings-csv"
          onClick={() =>
            props.run(async () => {
              const f = await eventApi.standingsCsv(ev.event_id, props.token);
              saveBlob(f.blob, f.name);
            }, 'Could not export the standings')
          }
        >
          Export CSV
        </button>
      </div>
      <Standings rows={ev.standings} />
    </section>
  );
}

function EntrantsCard(props: { ev: EventState; token: string | null; busy: boolean; run: Run }) {
  const { ev, token, run } = props;
  const [one, setOne] = useState({ name: '', faction: '', club: '' });
  const [paste, setPaste] = useState<string | null>(null);
  const [drop, setDrop] = useState<{ id: string; name: string; dropped: boolean } | null>(null);
  const parsed = paste !== null ? parseEntrants(paste) : null;
  const active = ev.entrants.filter((e) => !e.dropped).length;
  return (
    <section class="card" aria-labelledby="ent-h">
      <div class="card-head">
        <h2 id="ent-h">
          Entrants <span class="muted small">{active + ' playing' + (ev.entrants.length > active ? ', ' + (ev.entrants.length - active) + ' dropped' : '')}</span>
        </h2>
        <button class="btn" onClick={() => setPaste('')} data-testid="paste-open">
          Paste a list
        </button>
      </div>
      <form
        class="add-entrant"
        onSubmit={(e) => {
          e.preventDefault();
          const body = { name: one.name.trim(), faction: one.faction.trim() || undefined, club: one.club.trim() || undefined };
          run(async () => {
            await eventApi.addEntrants(ev.event_id, token, [body]);
            setOne({ name: '', faction: '', club: '' });
          }, 'Could not add the entrant');
        }}
      >
        {(['name', 'faction', 'club'] as const).map((k) => (
          <label key={k}>
            <span>{k[0].toUpperCase() + k.slice(1)}</span>
            <input value={one[k]} maxLength={40} required={k === 'name'} data-testid={'entrant-' + k} onInput={(e) => setOne({ ...one, [k]: val(e) })} />
          </label>
        ))}
        <button class="btn primary" type="submit" disabled={props.busy || !one.name.trim()} data-testid="entrant-add">
          Add
        </button>
      </form>
      <ul class="entrants" data-testid="entrant-list">
        {ev.entrants.map((e) => (
          <li key={e.entrant_id} class={e.dropped ? 'dropped' : ''}>
            <span class="en-name">
              {e.name}
              <span class="muted small"> {[e.faction, e.club].filter(Boolean).join(' · ')}</span>
            </span>
            <button class="btn small ghost" onClick={() => setDrop({ id: e.entrant_id, name: e.name, dropped: !e.dropped })}>
              {e.dropped ? 'Return' : 'Drop'}
            </button>
          </li>
        ))}
      </ul>
      {paste !== null && parsed ? (
        <Modal title="Paste entrants" onClose={() => setPaste(null)} wide>
          <p class="muted small">One entrant a line: name, faction, club (commas, semicolons or tabs; a spreadsheet or CSV works, with or without a header row). At most 512.</p>
          <textarea class="paste" rows={8} value={paste} data-testid="paste-text" aria-label="Entrants, one a line" onInput={(e) => setPaste((e.target as HTMLTextAreaElement).value)} />
          <p data-testid="paste-count">
            {parsed.entrants.length} entrant{parsed.entrants.length === 1 ? '' : 's'}
          </p>
          {parsed.errors.slice(0, 5).map((x) => (
            <p class="error small" key={x}>
              {x}
            </p>
          ))}
          <div class="row end">
            <button class="btn" onClick={() => setPaste(null)}>
              Cancel
            </button>
            <button
              class="btn primary"
              data-testid="paste-add"
              disabled={!parsed.entrants.length || parsed.errors.length > 0}
              onClick={() => {
                const list = parsed.entrants;
                setPaste(null);
                run(() => eventApi.addEntrants(ev.event_id, token, list), 'Could not add the entrants');
              }}
            >
              Add {parsed.entrants.length}
            </button>
          </div>
        </Modal>
      ) : null}
      {drop ? (
        <Confirm
          title={drop.dropped ? 'Drop ' + drop.name + '?' : 'Return ' + drop.name + '?'}
          text={drop.dropped ? 'They are not paired again and stay in the standings.' : 'They are paired again from the next round.'}
          yes={drop.dropped ? 'Drop' : 'Return'}
          danger={drop.dropped}
          onYes={() => run(() => eventApi.patchEntrant(ev.event_id, token, drop.id, { dropped: drop.dropped }), 'Could not change the entrant')}
          onClose={() => setDrop(null)}
        />
      ) : null}
    </section>
  );
}

/** The code for the hall board and spectators (an event observer invite). */
function BoardCodeCard(props: { id: string; token: string | null; run: Run }) {
  const [inv, setInv] = useState<{ code: string; url: string } | null>(null);
  return (
    <section class="card" aria-labelledby="board-h">
      <div class="card-head">
        <h2 id="board-h">Hall board code</h2>
        <button class="btn" onClick={() => props.run(async () => setInv(await eventApi.observerInvite(props.id, props.token)), 'Could not make a code')} data-testid="board-code">
          New code
        </button>
      </div>
      {inv ? (
        <div class="board-code">
          <TextQr text={location.origin + '/hall/' + encodeURIComponent(props.id) + '?code=' + inv.code} alt={'Hall board QR code, code ' + inv.code} />
          <p>
            <strong class="inv-code mono">{inv.code}</strong>
            <br />
            <span class="muted small url">{location.origin + '/hall/' + props.id + '?code=' + inv.code}</span>
          </p>
        </div>
      ) : (
        <p class="muted small">A read-only code for the venue TV and spectators; or open the board here as host.</p>
      )}
    </section>
  );
}

/** Delete the event with its games, codes and sessions (confirmed). */
function DeleteCard(props: { ev: EventState; token: string | null; run: Run }) {
  const [ask, setAsk] = useState(false);
  return (
    <section class="card" aria-labelledby="del-h">
      <div class="card-head">
        <h2 id="del-h">Delete event</h2>
        <button class="btn danger" onClick={() => setAsk(true)} data-testid="event-delete">
          Delete
        </button>
      </div>
      {ask ? (
        <Confirm
          title={'Delete ' + props.ev.name + '?'}
          text="The event, its games, its entrants' codes and sessions are deleted. This cannot be undone."
          yes="Delete"
          danger
          onYes={() =>
            props.run(async () => {
              await eventApi.remove(props.ev.event_id, props.token);
              navigate('/host/events');
            }, 'Could not delete the event')
          }
          onClose={() => setAsk(false)}
        />
      ) : null}
    </section>
  );
}
