// Phones that act for the host, and every live session: "Pair a phone as host"
// (a one-time, five-minute code as a QR code) and the sessions list with Revoke.
// A revoked phone is told at once by the server (401, WebSocket close 1008).

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { formatClock } from '../../lib/clock';
import { ago, msLeft, newHostSessions, sessionWho, sortSessions } from '../../lib/pairing';
import { summaryName, type GameSummary, type HostInvite, type SessionInfo } from '../../lib/protocol';
import { Modal, TextQr, useTick } from '../../components/ui';

const errText = (e: unknown, what: string) => (e instanceof ApiError ? e.message : what);

/**
 * `serverNow` reads the server's clock (ms since epoch): the countdown and the
 * ages use it, not this device's clock. `games` (the pushed list) names the games.
 */
export function SessionsCard(props: { token: string | null; serverNow: () => number; games: GameSummary[] | null }) {
  const { token } = props;
  const [list, setList] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState('');
  const [pairing, setPairing] = useState(false);
  const load = async () => {
    setError('');
    try {
      setList(sortSessions(await api.sessions(token)));
    } catch (e) {
      setError(errText(e, 'Cannot load the sessions'));
    }
  };
  const revoke = async (s: SessionInfo) => {
    setError('');
    try {
      await api.revokeSession(token, s.session_id);
    } catch (e) {
      // 404: it ended meanwhile; the refreshed list shows that.
      if (!(e instanceof ApiError && e.status === 404)) setError(errText(e, 'Cannot revoke the session'));
    }
    await load();
  };
  const now = props.serverNow();
  const gameName = (id: string) => {
    const g = (props.games || []).find((x) => x.game_id === id);
    return g ? summaryName(g, 1) + ' vs ' + summaryName(g, 2) : '';
  };
  return (
    <section class="card" aria-labelledby="sess-h" data-testid="sessions-card">
      <div class="card-head">
        <h2 id="sess-h">Sessions</h2>
        <div class="row wrap">
          <button class="btn primary" onClick={() => setPairing(true)} data-testid="pair-host">
            Pair a phone as host
          </button>
          <button class="btn" onClick={load} data-testid="sessions-load">
            {list ? 'Refresh' : 'Show'}
            <span class="sr"> the sessions</span>
          </button>
        </div>
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {list ? (
        list.length ? (
          <ul class="sessions" data-testid="session-list">
            {list.map((s) => (
              <li
                key={s.session_id}
                class="session"
                data-testid="session-row"
                data-session={s.session_id}
                data-role={s.role}
                data-game={s.game_id || ''}
                data-player={s.player_number || ''}
              >
                <div class="sess-who">
                  <strong>{sessionWho(s)}</strong>
                  {s.game_id && gameName(s.game_id) ? <span class="sess-game">{gameName(s.game_id)}</span> : null}
                  {s.game_id ? <span class="mono small muted">{s.game_id}</span> : null}
                  <span class="muted small mono">{s.session_id}</span>
                </div>
                <div class="sess-times muted small">
                  <span>joined {ago(s.created_at, now)}</span>
                  <span>{s.last_seen_at ? 'seen ' + ago(s.last_seen_at, now) : 'not seen since joining'}</span>
                  {s.address ? <span class="mono">{s.address}</span> : null}
                </div>
                <button class="btn small danger" onClick={() => revoke(s)} data-testid="session-revoke">
                  Revoke<span class="sr"> the session of {sessionWho(s) + (s.game_id ? ' in ' + s.game_id : '')}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No phone has joined.</p>
        )
      ) : null}
      <p class="muted small">Revoking ends a session at once: that phone is told so and has to scan a code again.</p>
      {pairing ? (
        <PairDialog
          token={token}
          serverNow={props.serverNow}
          onClose={() => {
            setPairing(false);
            if (list) load();
          }}
        />
      ) : null}
    </section>
  );
}

/** Makes a pairing code on opening (and on "New code") and counts down to its expiry. */
function PairDialog(props: { token: string | null; serverNow: () => number; onClose: () => void }) {
  const [inv, setInv] = useState<HostInvite | null>(null);
  const [error, setError] = useState('');
  const [paired, setPaired] = useState(false);
  const make = async () => {
    setError('');
    setInv(null);
    setPaired(false);
    try {
      const before = await api.sessions(props.token).catch(() => null);
      const i = await api.hostInvite(props.token);
      setInv(i);
      if (before) watchPairing(before, i);
    } catch (e) {
      setError(errText(e, 'Cannot make a pairing code'));
    }
  };
  // Until it expires, look every two seconds whether a phone used the code, so
  // the dialog can say so (a used code does nothing for anyone else).
  const [watch, setWatch] = useState<{ before: SessionInfo[]; inv: HostInvite } | null>(null);
  const watchPairing = (before: SessionInfo[], i: HostInvite) => setWatch({ before, inv: i });
  useEffect(() => {
    if (!watch || paired) return;
    const t = setInterval(async () => {
      if (msLeft(watch.inv.expires_at, props.serverNow()) <= 0) return clearInterval(t);
      try {
        if (newHostSessions(watch.before, await api.sessions(props.token)).length) setPaired(true);
      } catch {
        /* the next look may work */
      }
    }, 2000);
    return () => clearInterval(t);
  }, [watch, paired]);
  useEffect(() => {
    make();
  }, []);
  const left = inv ? msLeft(inv.expires_at, props.serverNow()) : 0;
  useTick(!!inv && left > 0 && !paired, 500);
  return (
    <Modal title="Pair a phone as host" onClose={props.onClose}>
      <div class="center pair" data-testid="pair-dialog">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        {inv ? (
          paired ? (
            <p class="lead" role="status" data-testid="pair-done">
              A phone is now paired as host. It shows in the sessions list, where it can be revoked.
            </p>
          ) : left > 0 ? (
            <>
              <p class="small">Scan with the phone’s camera. The first phone that opens it becomes host of every game.</p>
              <TextQr text={inv.url} alt={'QR code of the host pairing link, code ' + inv.code} testid="pair-qr" />
              <p class="mono big-code" data-testid="pair-code">
                {inv.code}
              </p>
              <p class="small url" data-testid="pair-url">
                {inv.url}
              </p>
              <p class="muted small" data-testid="pair-left">
                <span aria-hidden="true">Valid once, for {formatClock(left)}</span>
                <span class="sr">Valid once, for five minutes from its making</span>
              </p>
            </>
          ) : (
            <p class="lead" role="status" data-testid="pair-expired">
              This code has expired.
            </p>
          )
        ) : error ? null : (
          <p class="muted" role="status">
            Making a code…
          </p>
        )}
        <div class="row center-row">
          <button class="btn" onClick={make} data-testid="pair-new">
            New code
          </button>
          <button class="btn primary" onClick={props.onClose} data-testid="pair-close">
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
}
