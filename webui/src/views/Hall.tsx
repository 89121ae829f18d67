// "/hall/<event_id>": the venue TV of a tournament, read from across the room:
// the round timer large, every table with names, factions, scores and whose
// turn, judge calls highlighted, and the standings between rounds. It runs on
// the host's credentials or on an event observer code (?code=, kept per event).
// "/hall": every game on the box (GET /api/hall), for the host.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../lib/api';
import { eventApi } from '../lib/eventapi';
import { roundOpen, tableOf, turnText, type Table } from '../lib/event';
import { isValidCode, normalizeCode } from '../lib/joincode';
import { loadHallToken, loadHostToken, saveHallToken } from '../lib/session';
import { keepAwake } from '../lib/wakelock';
import { RoundTimer, Standings, roundLabel, useEventState } from '../components/event';
import { HostLogin, useHostAuth } from '../components/hostauth';
import { StatusDot, initialState, useConnection } from '../components/ui';

export function HallView({ eventId }: { eventId: string | null }) {
  return eventId ? <HallEventGate eventId={eventId} /> : <HallAll />;
}

/** Finds the credentials: an observer session of this event, a join code on the URL, or the host's. */
function HallEventGate({ eventId }: { eventId: string }) {
  const code = normalizeCode(new URLSearchParams(location.search).get('code') || '');
  const [token, setToken] = useState<string | null | undefined>(() => loadHallToken(eventId) || (isValidCode(code) ? undefined : loadHostToken()));
  const [error, setError] = useState('');
  useEffect(() => {
    if (token !== undefined) return;
    let retry: ReturnType<typeof setTimeout>;
    const join = () =>
      api.join(code).then(
        (r) => {
          saveHallToken(eventId, r.token);
          setToken(r.token);
        },
        (e) => {
          setError(e instanceof ApiError ? e.message : 'Cannot join');
          retry = setTimeout(join, 10000);
        },
      );
    join();
    return () => clearTimeout(retry);
  }, [token]);
  if (token === undefined || (token === null && error))
    return (
      <main class="hall-view empty">
        <h1 class="sr">Hall board</h1>
        <p class="lead center">{error || 'Joining…'}</p>
      </main>
    );
  return (
    <HallEvent
      key={token || ''}
      eventId={eventId}
      token={token}
      onDenied={() => {
        saveHallToken(eventId, null);
        setError('This board’s code was refused. Open it again with ?code=<observer code>, or sign in on the host panel.');
        setToken(isValidCode(code) ? undefined : null);
      }}
    />
  );
}

function HallEvent(props: { eventId: string; token: string | null; onDenied: () => void }) {
  const { conn, state: s } = useConnection(() => initialState(null), {
    token: () => props.token,
    probeAuth: () =>
      eventApi.get(props.eventId, props.token).then(
        () => false,
        (e) => e instanceof ApiError && (e.status === 401 || e.status === 403),
      ),
    onDenied: props.onDenied,
  });
  const ev = useEventState(conn, props.eventId);
  useEffect(() => keepAwake(), []);
  useTvPaging();
  const between = !!ev && (ev.round === 0 || ev.status === 'ended' || (ev.tables.length > 0 && !roundOpen(ev)));
  return (
    <main class="hall-view" data-testid="hall-view">
      <header class="hall-top">
        <StatusDot s={s} />
        <h1 class="hall-title">{ev ? ev.name : 'Tournament'}</h1>
        {ev ? <span class="hall-round">{roundLabel(ev)}</span> : null}
        {ev && ev.round > 0 && ev.status !== 'ended' ? <RoundTimer ev={ev} conn={conn} class="hall-timer" /> : null}
      </header>
      {!ev ? (
        <p class="lead center" role="status">
          Loading the event…
        </p>
      ) : (
        <div class={'hall-body' + (between ? ' between' : '')}>
          {ev.tables.length ? <Tables tables={ev.tables} /> : null}
          {between ? (
            <section class="hall-standings" aria-label="Standings">
              <h2>Standings</h2>
              <Standings rows={ev.standings} limit={ev.tables.length ? 16 : 32} />
            </section>
          ) : null}
        </div>
      )}
    </main>
  );
}

/**
 * On a TV nobody scrolls: when the tables (or standings) are taller than the
 * screen, turn the page every 10 s and start again at the top. Phones scroll by hand.
 */
function useTvPaging() {
  useEffect(() => {
    const t = setInterval(() => {
      const el = document.scrollingElement || document.documentElement;
      if (innerWidth < 1200 || el.scrollHeight <= innerHeight + 4) return;
      const next = el.scrollTop + Math.round(innerHeight * 0.85);
      el.scrollTop = el.scrollTop + innerHeight >= el.scrollHeight - 4 ? 0 : next;
    }, 10000);
    return () => clearInterval(t);
  }, []);
}

function density(n: number): string {
  return n <= 6 ? ' big' : n <= 16 ? '' : n <= 40 ? ' dense' : ' tiny';
}

function Tables({ tables, showBox = '' }: { tables: Table[]; showBox?: string }) {
  return (
    <ol class={'hall-tables' + density(tables.length)} data-testid="hall-tables">
      {tables.map((t) => (
        <li key={(t.box || '') + t.game_id} class={'hall-table ' + t.status + (t.judge ? ' judge' : '')} data-testid="hall-table" data-table={t.table} data-game={t.game_id}>
          <div class="ht-head">
            <span class="ht-no">{t.table ? 'Table ' + t.table : 'Game'}</span>
            {t.box && t.box !== showBox ? <span class="ht-box">{t.box}</span> : null}
            <span class="ht-turn">{turnText(t)}</span>
          </div>
          {t.seats.map((p) => (
            <div class={'ht-seat' + (t.current_turn === p.player_number && t.status === 'active' ? ' turn' : '')} key={p.player_number}>
              <span class="ht-name">
                {p.name || 'Player ' + p.player_number}
                {p.faction ? <span class="ht-faction">{p.faction}</span> : null}
              </span>
              <span class="ht-score" data-testid={'hall-score-' + p.player_number}>
                {p.score}
              </span>
            </div>
          ))}
          {t.judge && t.judge.reason ? <div class="ht-reason">{t.judge.reason}</div> : null}
        </li>
      ))}
    </ol>
  );
}

/** "/hall": every game on this box, and those other boxes of the venue report. */
function HallAll() {
  const [auth, submit] = useHostAuth();
  const [hall, setHall] = useState<{ box: string; tables: Table[] } | null>(null);
  const [error, setError] = useState('');
  const token = auth.state === 'ok' ? auth.token : null;
  useTvPaging();
  useEffect(() => {
    if (auth.state !== 'ok') return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () =>
      eventApi.hall(token).then(
        (r) => {
          if (!alive) return;
          const games = r && Array.isArray(r.games) ? r.games : [];
          setHall({ box: String((r && r.box) || ''), tables: games.map(tableOf) });
          setError('');
          timer = setTimeout(poll, 1000);
        },
        (e) => {
          if (!alive) return;
          setError(e instanceof ApiError ? e.message : 'Cannot reach the server');
          timer = setTimeout(poll, 3000);
        },
      );
    poll();
    keepAwake();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [auth.state, token]);
  if (auth.state === 'need-token')
    return (
      <main class="page narrow">
        <h1>Hall board</h1>
        <HostLogin refused={auth.refused} ended={auth.ended} onSubmit={submit} />
      </main>
    );
  return (
    <main class="hall-view" data-testid="hall-view">
      <header class="hall-top">
        <h1 class="hall-title">Hall{hall && hall.box ? ' · ' + hall.box : ''}</h1>
        {error ? <span class="hall-round">{error}</span> : null}
      </header>
      {hall ? (
        hall.tables.length ? (
          <div class="hall-body">
            <Tables tables={hall.tables} showBox={hall.box} />
          </div>
        ) : (
          <p class="lead center">No games yet.</p>
        )
      ) : (
        <p class="lead center" role="status">
          Loading…
        </p>
      )}
    </main>
  );
}

