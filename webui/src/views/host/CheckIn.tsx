// "/host/events/<id>/checkin": the check-in sheet, ready to print: every
// entrant's name with the QR code of its join URL, eight to a page. The codes
// come with the host's view of the entrants.

import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/api';
import { eventApi } from '../../lib/eventapi';
import { pages, type Entrant, type EventState } from '../../lib/event';
import { navigate } from '../../router';
import { TextQr } from '../../components/ui';

/** Entrants with their codes: from the event state when the host's copy has them, else GET .../entrants. */
function useCodes(ev: EventState | null, id: string, token: string | null): { list: Entrant[] | null; error: string } {
  const inState = !!ev && ev.entrants.length > 0 && ev.entrants.every((e) => !!e.code);
  const [fetched, setFetched] = useState<Entrant[] | null>(null);
  const [error, setError] = useState('');
  const n = ev ? ev.entrants.length : -1;
  useEffect(() => {
    if (!ev || inState) return;
    eventApi.entrants(id, token).then(setFetched, (e) => setError(e instanceof ApiError ? e.message : 'Could not load the codes'));
  }, [n, inState]);
  return { list: inState && ev ? ev.entrants : fetched, error };
}

export function CheckIn(props: { ev: EventState | null; id: string; token: string | null }) {
  const { list, error } = useCodes(props.ev, props.id, props.token);
  const back = '/host/events/' + encodeURIComponent(props.id);
  const shown = list ? list.filter((e) => !e.dropped) : [];
  return (
    <main class="checkin" data-testid="checkin">
      <header class="topbar no-print">
        <a class="btn ghost" href={back} onClick={(e) => (e.preventDefault(), navigate(back))}>
          Back
        </a>
        <h1 class="brand">Check-in: {props.ev ? props.ev.name : ''}</h1>
        <button class="btn primary" onClick={() => window.print()} disabled={!shown.length} data-testid="print">
          Print
        </button>
      </header>
      <p class="muted small no-print">
        Cut along the lines and hand each entrant its card: scanning the code once puts its phone in the event, and it follows every round from then on.
      </p>
      {error ? <p class="error">{error}</p> : null}
      {!list ? <p class="lead">Loading…</p> : null}
      {list && !shown.length ? <p class="lead">No entrants yet.</p> : null}
      {pages(shown, 8).map((page, i) => (
        <section class="ci-page" key={i} aria-label={'Page ' + (i + 1)}>
          {page.map((e) => {
            const url = e.url || location.origin + '/j/' + (e.code || '');
            return (
              <div class="ci-card" key={e.entrant_id} data-testid="ci-card">
                <div class="ci-text">
                  <h2 class="ci-name">{e.name}</h2>
                  <p class="ci-sub">{[e.faction, e.club].filter(Boolean).join(' · ')}</p>
                  <p class="ci-code mono">{e.code || '—'}</p>
                  <p class="ci-event">{props.ev ? props.ev.name : ''}</p>
                </div>
                {e.code ? <TextQr text={url} alt={'QR code for ' + e.name} /> : null}
              </div>
            );
          })}
        </section>
      ))}
    </main>
  );
}
