// Path-based routes that the server answers with index.html.

import { codeFromPath } from './lib/joincode';

export type Route =
  | { name: 'home' }
  | { name: 'join'; code: string }
  | { name: 'play' }
  | { name: 'watch' }
  | { name: 'display' }
  | { name: 'host' }
  | { name: 'overlay' }
  | { name: 'event' }
  | { name: 'hall'; eventId: string | null }
  | { name: 'events'; eventId: string | null; checkin: boolean }
  | { name: 'notfound'; path: string };

export function parseRoute(pathname: string): Route {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  switch (p) {
    case '/':
    case '/index.html':
      return { name: 'home' };
    case '/play':
      return { name: 'play' };
    case '/watch':
      return { name: 'watch' };
    case '/display':
      return { name: 'display' };
    case '/host':
      return { name: 'host' };
    case '/overlay':
      return { name: 'overlay' };
    case '/event':
      return { name: 'event' };
    case '/hall':
      return { name: 'hall', eventId: null };
    case '/host/events':
      return { name: 'events', eventId: null, checkin: false };
  }
  // Tournaments: /hall/<event_id>, /host/events/<event_id>[/checkin].
  const m = /^\/(hall|host\/events)\/([^/]{1,64})(\/checkin)?$/.exec(p);
  if (m && !(m[1] === 'hall' && m[3])) {
    let eventId = m[2];
    try {
      eventId = decodeURIComponent(eventId);
    } catch {
      /* kept as typed */
    }
    return m[1] === 'hall' ? { name: 'hall', eventId } : { name: 'events', eventId, checkin: !!m[3] };
  }
  if (p.indexOf('/j/') === 0) {
    const code = codeFromPath(p);
    if (code) return { name: 'join', code };
  }
  return { name: 'notfound', path: pathname };
}

const listeners = new Set<() => void>();

/** Go to an app path without reloading; `replace` keeps history clean after redirects. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((f) => f());
}

export function onNavigate(f: () => void): () => void {
  listeners.add(f);
  window.addEventListener('popstate', f);
  return () => {
    listeners.delete(f);
    window.removeEventListener('popstate', f);
  };
}
