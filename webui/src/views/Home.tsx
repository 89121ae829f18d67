// "/" (type a code, or go on with the stored session) and "/j/<code>" (join:
// a game's invite, or a host pairing code that makes this browser host).

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../lib/api';
import { CODE_LENGTH, isValidCode, normalizeCode } from '../lib/joincode';
import { loadEntrant, loadSession, saveEntrant, saveHallToken, saveHostToken, saveSession } from '../lib/session';
import { navigate } from '../router';
import { ThemeToggle } from '../components/ui';

export function viewFor(role: string): string {
  return role === 'player' ? '/play' : '/watch';
}

/** Exchanges the code for a session and keeps it; returns the view to go to. A host pairing code makes this browser host. */
async function joinWith(code: string): Promise<string> {
  const r = await api.join(code);
  if (r && r.token && r.role === 'host') {
    saveHostToken(r.token, true);
    return '/host';
  }
  // A tournament code: an entrant's phone follows its event; an event observer code opens the hall board.
  if (r && r.token && r.event_id) {
    if (r.entrant_id !== null && r.entrant_id !== undefined && r.entrant_id !== '') {
      saveEntrant({ token: r.token, event_id: r.event_id, entrant_id: String(r.entrant_id), code });
      return '/event';
    }
    if (!r.game_id) {
      saveHallToken(r.event_id, r.token);
      return '/hall/' + encodeURIComponent(r.event_id);
    }
  }
  if (!r || !r.token || (r.role !== 'player' && r.role !== 'observer') || !r.game_id) {
    throw new ApiError(0, 'bad_reply', 'The server gave an unexpected answer.');
  }
  saveSession({
    token: r.token,
    role: r.role,
    game_id: r.game_id,
    player_number: r.player_number === 1 || r.player_number === 2 ? r.player_number : null,
    code,
  });
  return viewFor(r.role);
}

function joinError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 404 || e.code === 'not_found') return 'No game has this code. Check it, or ask the host for a new one.';
    if (e.status === 429 || e.code === 'rate_limited') return 'Too many tries. Wait a minute and try again.';
    // A revoked invite is unknown (404); only a host pairing code is refused once used or expired.
    if (e.status === 401) return 'This pairing code was used already or has expired: ask for a new one.';
    if (e.status === 403) return 'The server refused this code. Ask the host for a new one.';
    if (e.code === 'network') return 'Cannot reach the scoreboard. Are you on its Wi-Fi?';
    return e.message;
  }
  return 'Something went wrong.';
}

function CodeForm(props: { initial?: string; error?: string }) {
  const [code, setCode] = useState(props.initial || '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error || '');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (input.current && !props.initial) input.current.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!isValidCode(code) || busy) return;
    setBusy(true);
    setError('');
    try {
      navigate(await joinWith(code), true);
    } catch (err) {
      setError(joinError(err));
      setBusy(false);
    }
  };
  return (
    <form class="code-form" onSubmit={submit}>
      <label for="code">Join code</label>
      <input
        id="code"
        ref={input}
        class="code-input"
        value={code}
        inputMode="text"
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={CODE_LENGTH + 40}
        placeholder="ABC234"
        aria-describedby="code-help"
        aria-invalid={error ? 'true' : 'false'}
        onInput={(e) => {
          const v = normalizeCode((e.target as HTMLInputElement).value);
          (e.target as HTMLInputElement).value = v;
          setCode(v);
        }}
      />
      <p id="code-help" class="muted small">
        Six letters and digits, on the big screen under the QR code.
      </p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button class="btn primary big" type="submit" disabled={!isValidCode(code) || busy}>
        {busy ? 'Joining…' : 'Join game'}
      </button>
    </form>
  );
}

export function Home() {
  const session = loadSession();
  const entrant = loadEntrant();
  const expired = new URLSearchParams(location.search).get('expired');
  useEffect(() => {
    if (entrant && !expired) navigate('/event', true);
    else if (session && !expired) navigate(viewFor(session.role), true);
  }, []);
  if ((session || entrant) && !expired) return null;
  return (
    <main class="page narrow">
      <header class="topbar">
        <h1 class="brand">State Server</h1>
        <ThemeToggle />
      </header>
      <p class="lead">Scan the QR code on the scoreboard, or type its code.</p>
      <CodeForm error={expired ? 'This phone’s session was ended (by the host, or its invite was revoked). Scan the QR code again, or type its code.' : ''} />
      <nav class="footer-links" aria-label="Host">
        <a href="/host">Host panel</a>
        <a href="/display">Big screen</a>
      </nav>
    </main>
  );
}

export function Join({ code }: { code: string }) {
  const [error, setError] = useState('');
  useEffect(() => {
    let alive = true;
    joinWith(code).then(
      (to) => alive && navigate(to, true),
      (e) => {
        if (!alive) return;
        setError(joinError(e));
      },
    );
    return () => {
      alive = false;
    };
  }, [code]);
  return (
    <main class="page narrow">
      <header class="topbar">
        <h1 class="brand">State Server</h1>
      </header>
      {error ? (
        <CodeForm initial={code} error={error} />
      ) : (
        <p class="lead center" role="status">
          Joining with code <strong class="mono">{code}</strong>…
        </p>
      )}
    </main>
  );
}
