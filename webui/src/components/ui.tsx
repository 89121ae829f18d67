// Small building blocks shared by the views.

import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { formatClock, remainingAt, spokenClock, type ClockSync } from '../lib/clock';
import { Connection, type ConnectionOptions } from '../lib/connection';
import type { GameState, PlayerState } from '../lib/protocol';
import { qrEncode, qrPath } from '../lib/qr';
import { initialState, type ClientState } from '../lib/reducer';
import { loadTheme, saveTheme, type Theme } from '../lib/session';
import { createStore, useStore, type Store } from '../lib/store';
import { Icon, type IconName } from './icons';

const mono = () => performance.now();

/** One store + connection for the lifetime of a view. */
export function useConnection(
  init: () => ClientState,
  opts: Omit<ConnectionOptions, 'store'>,
  enabled = true,
): { store: Store; conn: Connection; state: ClientState } {
  const ref = useRef<{ store: Store; conn: Connection } | null>(null);
  if (!ref.current) {
    const store = createStore(init());
    ref.current = { store, conn: new Connection({ ...opts, store }) };
  }
  const { store, conn } = ref.current;
  useEffect(() => {
    if (!enabled) return;
    conn.start();
    return () => conn.stop();
  }, [enabled]);
  const state = useStore(store);
  return { store, conn, state };
}

export { initialState };

/** True while the viewport matches `query` (e.g. a TV-sized screen). */
export function useMedia(query: string): boolean {
  const mq = typeof matchMedia === 'function' ? matchMedia(query) : null;
  const [on, setOn] = useState(!!mq && mq.matches);
  useEffect(() => {
    if (!mq) return;
    const f = () => setOn(mq.matches);
    // Safari 13 and older only know addListener; keep it for old iPads on walls.
    if (mq.addEventListener) mq.addEventListener('change', f);
    else mq.addListener(f);
    return () => (mq.removeEventListener ? mq.removeEventListener('change', f) : mq.removeListener(f));
  }, [query]);
  return on;
}

/** Re-render every `ms` while `on`. */
export function useTick(on: boolean, ms = 250): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setN((x) => x + 1), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return n;
}

/** A chess clock face that counts down locally from the server's numbers. */
export function Clock({ p, game, sync, class: cls = '' }: { p: PlayerState; game: GameState; sync: ClockSync; class?: string }) {
  useTick(!!p.is_running, 200);
  const ms = remainingAt(p, game, sync.serverNow(mono()));
  const low = ms < 5 * 60000;
  return (
    <div
      class={'clock ' + cls + (p.is_running ? ' running' : '') + (p.flagged || ms === 0 ? ' flagged' : '') + (low ? ' low' : '')}
      role="timer"
      aria-label={(p.name || 'Player ' + p.player_number) + ' clock: ' + spokenClock(ms) + (p.is_running ? ', running' : '') + (p.flagged ? ', out of time' : '')}
    >
      <span aria-hidden="true">{formatClock(ms)}</span>
    </div>
  );
}

const CONN_TEXT: Record<ClientState['conn'], string> = {
  idle: 'Starting',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** Connection indicator: a dot and a word, announced politely to screen readers. */
export function StatusDot({ s, onRetry }: { s: ClientState; onRetry?: () => void }) {
  useTick(s.conn === 'reconnecting', 1000);
  // Live: connected, and holding a state from this connection (if there is a game to hold).
  const live = s.conn === 'open' && (s.fresh || !s.gameId);
  let text = live ? 'Live' : s.conn === 'open' ? 'Syncing…' : CONN_TEXT[s.conn];
  if (s.conn === 'reconnecting' && s.retryAt) {
    const secs = Math.max(0, Math.ceil((s.retryAt - mono()) / 1000));
    text = secs > 0 ? 'Reconnecting in ' + secs + ' s' : 'Reconnecting…';
  }
  const cls = live ? 'ok' : s.conn === 'offline' || s.conn === 'reconnecting' ? 'bad' : 'wait';
  // The countdown is for eyes; screen readers get the steady word once.
  const spoken = live ? 'Live' : s.conn === 'open' ? 'Syncing' : CONN_TEXT[s.conn];
  const body = (
    <>
      <span class={'dot ' + cls} aria-hidden="true" />
      <span class="status-text" aria-hidden="true">
        {text}
      </span>
      <span class="sr">{spoken}</span>
    </>
  );
  return (
    <div class="status" role="status" aria-live="polite" data-conn={s.conn} data-live={live ? '1' : '0'}>
      {!live && onRetry && s.conn !== 'connecting' ? (
        <button class="linkish" onClick={onRetry} aria-label={spoken + '. Retry now'}>
          {body}
        </button>
      ) : (
        body
      )}
    </div>
  );
}

/** A button that ignores a second tap within `guard` ms (no accidental doubles). */
export function TapButton(props: {
  onTap: () => void;
  guard?: number;
  disabled?: boolean;
  class?: string;
  label?: string;
  icon?: IconName;
  children?: ComponentChildren;
  title?: string;
  testid?: string;
}) {
  const last = useRef(-1e9);
  const guard = props.guard === undefined ? 300 : props.guard;
  return (
    <button
      type="button"
      class={'btn ' + (props.class || '')}
      disabled={props.disabled}
      aria-label={props.label}
      title={props.title || props.label}
      data-testid={props.testid}
      onClick={() => {
        const now = mono();
        if (now - last.current < guard) return;
        last.current = now;
        props.onTap();
      }}
    >
      {props.icon ? <Icon name={props.icon} /> : null}
      {props.children}
    </button>
  );
}

/** The latest error from the server or the connection, dismissable, fading after a while. */
export function Toast({ store, s }: { store: Store; s: ClientState }) {
  const n = s.notice;
  useEffect(() => {
    if (!n) return;
    const t = setTimeout(() => {
      if (store.get().notice === n) store.dispatch({ kind: 'notice', notice: null });
    }, 6000);
    return () => clearTimeout(t);
  }, [n]);
  if (!n) return null;
  return (
    <div class={'toast ' + n.kind} role="alert">
      <span>{n.message}</span>
      <button class="icon-btn" aria-label="Dismiss" onClick={() => store.dispatch({ kind: 'notice', notice: null })}>
        <Icon name="close" size={20} />
      </button>
    </div>
  );
}

/** A modal dialog with a title; Escape or the backdrop closes it. */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  // Layout effect: the keys work from the first frame (a plain effect waits for
  // the next animation frame, and a quick Escape would be lost).
  useLayoutEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el && (el.querySelector('input,textarea,button.primary,button') as HTMLElement | null);
    if (first) first.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (prev && prev.focus) prev.focus();
    };
  }, []);
  return (
    <div
      class="backdrop"
      onClick={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div class={'modal' + (props.wide ? ' wide' : '')} role="dialog" aria-modal="true" aria-label={props.title} ref={ref}>
        <div class="modal-head">
          <h2>{props.title}</h2>
          <button class="icon-btn" aria-label="Close" onClick={props.onClose}>
            <Icon name="close" />
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

export function Confirm(props: { title: string; text: string; yes: string; onYes: () => void; onClose: () => void; danger?: boolean }) {
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <p>{props.text}</p>
      <div class="row end">
        <button class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button
          class={'btn ' + (props.danger ? 'danger' : 'primary')}
          onClick={() => {
            props.onYes();
            props.onClose();
          }}
        >
          {props.yes}
        </button>
      </div>
    </Modal>
  );
}

/** Digits for setting a value directly (VP up to 999, CP up to 99). */
export function NumberPad(props: { title: string; value: number; max: number; onSet: (n: number) => void; onClose: () => void }) {
  const [text, setText] = useState(String(props.value));
  const [fresh, setFresh] = useState(true);
  const n = text === '' ? 0 : Number(text);
  const press = (d: string) => {
    const next = fresh ? d : text === '0' ? d : text + d;
    setFresh(false);
    if (Number(next) <= props.max) setText(next);
  };
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (/^[0-9]$/.test(e.key)) press(e.key);
      else if (e.key === 'Backspace') setText((t) => t.slice(0, -1));
      else if (e.key === 'Enter') {
        props.onSet(n);
        props.onClose();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <output class="pad-value" aria-live="polite">
        {text === '' ? '0' : text}
      </output>
      <div class="pad" role="group" aria-label="Digits">
        {keys.map((k) => (
          <button class="btn pad-key" onClick={() => press(k)}>
            {k}
          </button>
        ))}
        <button class="btn pad-key" aria-label="Clear" onClick={() => (setText('0'), setFresh(true))}>
          C
        </button>
        <button class="btn pad-key" onClick={() => press('0')}>
          0
        </button>
        <button class="btn pad-key" aria-label="Delete last digit" onClick={() => (setText(text.slice(0, -1)), setFresh(false))}>
          ⌫
        </button>
      </div>
      <div class="row end">
        <button class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button
          class="btn primary"
          data-testid="pad-set"
          onClick={() => {
            props.onSet(Math.min(props.max, n));
            props.onClose();
          }}
        >
          Set {n}
        </button>
      </div>
    </Modal>
  );
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(loadTheme());
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      class="icon-btn"
      aria-label={'Switch to ' + next + ' theme'}
      title={'Switch to ' + next + ' theme'}
      onClick={() => {
        document.documentElement.setAttribute('data-theme', next);
        saveTheme(next);
        setTheme(next);
      }}
    >
      <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
    </button>
  );
}

/** A QR code drawn by the server (it knows the URL phones should use). */
export function Qr(props: { gameId: string; code: string; token: string | null; label: string }) {
  return (
    <SvgQr
      load={() => api.qrSvg(props.gameId, props.token, props.code)}
      deps={[props.gameId, props.code, props.token]}
      alt={props.label + ': QR code for join code ' + props.code}
    />
  );
}

/** An SVG QR code fetched with `load` (with the token) and shown through a blob URL; fetched again when `deps` change. */
export function SvgQr(props: { load: () => Promise<string>; deps: unknown[]; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    let made: string | null = null;
    setUrl(null);
    setFailed(false);
    props.load().then(
      (svg) => {
        if (!alive) return;
        made = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
        setUrl(made);
      },
      () => alive && setFailed(true),
    );
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, props.deps);
  if (failed) return <div class="qr qr-missing">QR unavailable</div>;
  if (!url) return <div class="qr qr-loading" aria-busy="true" />;
  return <img class="qr" src={url} alt={props.alt} />;
}

/**
 * A QR code drawn here in the browser (lib/qr.ts), for text the server has no
 * picture of (the host pairing URL). Black on white whatever the theme, with the
 * standard's 4-module quiet zone, so phone cameras read it.
 */
export function TextQr(props: { text: string; alt: string; testid?: string }) {
  const sym = qrEncode(props.text);
  if (!sym) return <div class="qr qr-missing">QR unavailable</div>;
  const w = sym.size + 8;
  return (
    <svg class="qr" viewBox={'0 0 ' + w + ' ' + w} role="img" aria-label={props.alt} data-testid={props.testid} shape-rendering="crispEdges">
      <rect width={w} height={w} fill="#fff" />
      <path d={qrPath(sym, 4)} fill="#000" />
    </svg>
  );
}

/** Player label used everywhere: the name, or "Player N". */
export function nameOf(p: PlayerState | undefined, n: number): string {
  return (p && p.name) || 'Player ' + n;
}
