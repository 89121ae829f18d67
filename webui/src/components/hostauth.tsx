// Host access: the Pi's own screen (loopback) needs no token; elsewhere the
// host token is typed once (or passed as /host#token=...) and kept, or a
// pairing code (/j/<code>) gave this browser a host session of its own.

import { useEffect, useState } from 'preact/hooks';
import { probeHost } from '../lib/api';
import { hostTokenPaired, loadHostToken, saveHostToken, takeTokenFromHash } from '../lib/session';

export type HostAuth =
  | { state: 'checking' }
  | { state: 'ok'; token: string | null }
  /** `ended`: a host session from a pairing code was refused (revoked), not a typed token. */
  | { state: 'need-token'; refused: boolean; ended?: boolean }
  | { state: 'unreachable' };

/** [state, submit a typed token, sign out, the server refused the kept credentials (revoked)]. */
export function useHostAuth(): [HostAuth, (token: string) => Promise<boolean>, () => void, () => void] {
  const [auth, setAuth] = useState<HostAuth>({ state: 'checking' });
  const check = async (token: string | null): Promise<HostAuth> => {
    const r = await probeHost(token);
    if (r === 'ok') return { state: 'ok', token };
    if (r === 'denied') return token && hostTokenPaired() ? { state: 'need-token', refused: false, ended: true } : { state: 'need-token', refused: !!token };
    return { state: 'unreachable' };
  };
  useEffect(() => {
    const fromHash = takeTokenFromHash();
    if (fromHash) saveHostToken(fromHash);
    const stored = loadHostToken();
    let alive = true;
    const run = () =>
      check(stored).then((a) => {
        if (!alive) return;
        setAuth(a);
        if (a.state === 'unreachable') setTimeout(run, 3000);
      });
    run();
    return () => {
      alive = false;
    };
  }, []);
  const submit = async (token: string) => {
    const a = await check(token.trim());
    if (a.state === 'ok') saveHostToken(token.trim());
    setAuth(a);
    return a.state === 'ok';
  };
  const signOut = () => {
    saveHostToken(null);
    setAuth({ state: 'need-token', refused: false });
  };
  const lost = () => {
    const ended = hostTokenPaired();
    saveHostToken(null);
    setAuth({ state: 'need-token', refused: !ended, ended });
  };
  return [auth, submit, signOut, lost];
}

export function HostLogin(props: { refused: boolean; ended?: boolean; onSubmit: (t: string) => Promise<boolean> }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [bad, setBad] = useState(props.refused);
  return (
    <form
      class="code-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!token.trim()) return;
        setBusy(true);
        const ok = await props.onSubmit(token);
        setBusy(false);
        setBad(!ok);
      }}
    >
      {props.ended && !bad ? (
        <p class="error" role="alert" data-testid="host-ended">
          This phone’s host session was ended from the host panel. Scan a new pairing code (Host panel, Sessions, “Pair a phone as host”), or type the host token.
        </p>
      ) : null}
      <label for="host-token">Host token</label>
      <input
        id="host-token"
        type="password"
        autoComplete="current-password"
        value={token}
        data-testid="host-token"
        onInput={(e) => setToken((e.target as HTMLInputElement).value)}
      />
      <p class="muted small">
        The server prints where to find it when it starts. On the Pi’s own screen no token is needed.
      </p>
      {bad ? (
        <p class="error" role="alert">
          That token was refused.
        </p>
      ) : null}
      <button class="btn primary" type="submit" disabled={busy || !token.trim()} data-testid="host-token-submit">
        Unlock
      </button>
    </form>
  );
}
