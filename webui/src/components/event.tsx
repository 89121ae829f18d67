// Pieces shared by the tournament views (entrant phone, organiser, hall board):
// the event's live state over a socket, the round timer and the standings.

import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../lib/connection';
import { formatTimer, reduceEvent, timerLeft, type EventState, type StandingRow } from '../lib/event';
import { useTick } from './ui';
import '../event.css';

/** The event's state, pushed over `conn` (subscribe_event) now and after every change; null until the first. */
export function useEventState(conn: Connection, eventId: string): EventState | null {
  const [ev, setEv] = useState<EventState | null>(null);
  useEffect(() => conn.watchEvent(eventId, (d) => setEv((p) => reduceEvent(p, d))), [eventId]);
  return ev;
}

/** The round timer, counted down here from the server's figure; red in its last five minutes and at 0. */
export function RoundTimer(props: { ev: EventState; conn: Connection; class?: string }) {
  const { ev } = props;
  useTick(ev.timer.running, 250);
  const now = props.conn.sync.serverNow(performance.now());
  const left = timerLeft(ev, now === null ? ev.server_time : now);
  const low = ev.round > 0 && left <= 5 * 60000;
  return (
    <div class={'round-timer' + (low ? ' low' : '') + (ev.timer.running ? ' running' : '') + ' ' + (props.class || '')} data-testid="round-timer" role="timer" aria-label={'Round time left ' + formatTimer(left)}>
      <span class="rt-value">{formatTimer(left)}</span>
      {!ev.timer.running && ev.round > 0 ? <span class="rt-state">{left === 0 ? 'Time' : 'Paused'}</span> : null}
    </div>
  );
}

/** The standings table; `me` marks one entrant's row. */
export function Standings(props: { rows: StandingRow[]; me?: string; limit?: number }) {
  const rows = props.limit ? props.rows.slice(0, props.limit) : props.rows;
  if (!rows.length) return <p class="muted">No standings yet.</p>;
  return (
    <div class="table-wrap" role="region" tabIndex={0} aria-label="Standings table">
      <table class="standings" data-testid="standings">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Entrant</th>
            <th scope="col" title="Wins, draws, losses">
              W-D-L
            </th>
            <th scope="col">Pts</th>
            <th scope="col" title="Strength of schedule">
              SoS
            </th>
            <th scope="col" title="Victory points for and against">
              VP
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.entrant_id} class={(r.entrant_id === props.me ? 'st-me ' : '') + (r.dropped ? 'dropped' : '')}>
              <td>{r.rank}</td>
              <td class="st-name">
                {r.name}
                {r.faction ? <span class="st-faction"> {r.faction}</span> : null}
                {r.dropped ? <span class="st-faction"> (dropped)</span> : null}
              </td>
              <td>
                {r.w}-{r.d}-{r.l}
              </td>
              <td>
                <strong>{r.points}</strong>
              </td>
              <td>{r.sos}</td>
              <td>
                {r.vp_for}:{r.vp_against}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Round 2 of 5", or where the event stands before and after its rounds. */
export function roundLabel(ev: EventState): string {
  if (ev.status === 'ended') return 'Final standings';
  if (ev.round === 0) return ev.rounds + (ev.rounds === 1 ? ' round' : ' rounds') + ' · not started';
  return 'Round ' + ev.round + ' of ' + ev.rounds;
}
