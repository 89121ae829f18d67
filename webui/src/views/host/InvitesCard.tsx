// The invites of the selected game: one line per slot (Player 1, Player 2,
// observers) with its code, its link and its actions. On a phone the actions
// wrap onto their own line and the link is cut short with a Copy button.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { SLOTS, bySlot, createInvite, ensureInvites, revokeInvite, slotLabel, type Slot } from '../../lib/invites';
import type { Invite } from '../../lib/protocol';
import { step, wifiNote } from '../../lib/wifi';
import { Modal, Qr } from '../../components/ui';
import { WifiQr, useWifi } from '../../components/wifi';

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** Puts text on the clipboard; plain http on a LAN has no navigator.clipboard, so fall back to a selection. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* try the old way */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** `rev` changes when invites were made elsewhere in the panel (a new game): then the list is read again. */
export function InvitesCard(props: { gameId: string; token: string | null; rev: number }) {
  const [list, setList] = useState<Invite[]>([]);
  const [shown, setShown] = useState<Invite | null>(null);
  const [copied, setCopied] = useState('');
  const [wifiShown, setWifiShown] = useState(false);
  const wifi = useWifi(props.token);
  const [error, setError] = useState('');
  useEffect(() => {
    api.listInvites(props.gameId, props.token).then(setList, () => undefined);
  }, [props.gameId, props.rev]);
  const run = async (f: () => Promise<Invite[]>) => {
    setError('');
    try {
      setList(await f());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Failed');
    }
  };
  const slots = bySlot(list);
  return (
    <section class="card" aria-labelledby="inv-h">
      <div class="card-head">
        <h2 id="inv-h">Invites</h2>
        <button class="btn" onClick={() => run(() => ensureInvites(props.gameId, props.token))} data-testid="make-invites">
          Create missing
        </button>
      </div>
      {error ? <p class="error">{error}</p> : null}
      {wifi ? (
        <div class="wifi-line" data-testid="invite-wifi">
          <div>
            <strong>{step(wifi, 1, 'Join Wi-Fi')}:</strong>{' '}
            <span class="ssid" data-testid="host-wifi-ssid">
              {wifi.ssid}
            </span>
            <div class="muted small">{cap(wifiNote(wifi))}</div>
          </div>
          <button class="btn small" onClick={() => setWifiShown(true)} data-testid="host-wifi-qr">
            QR<span class="sr"> code of the Wi-Fi</span>
          </button>
        </div>
      ) : null}
      <ul class="invites">
        {(SLOTS as Slot[]).map((sl) => {
          const inv = slots[sl];
          const label = step(wifi, 2, slotLabel(sl));
          return (
            <li key={sl} class="invite" data-testid={'invite-' + sl}>
              <div class="inv-who">
                <strong>{label}</strong>
                <span class="mono inv-code" data-testid={'invite-code-' + sl}>
                  {inv ? inv.code : '—'}
                </span>
              </div>
              {inv ? (
                <a class="inv-link small" href={inv.url} title={inv.url}>
                  {inv.url.replace(/^https?:\/\//, '')}
                </a>
              ) : null}
              <div class="inv-actions">
                {inv ? (
                  <>
                    <button class="btn small" onClick={async () => setCopied((await copyText(inv.url)) ? inv.code : '')}>
                      {copied === inv.code ? 'Copied' : 'Copy link'}
                      <span class="sr"> for {slotLabel(sl)}</span>
                    </button>
                    <button class="btn small" onClick={() => setShown(inv)}>
                      QR<span class="sr"> code for {slotLabel(sl)}</span>
                    </button>
                    <button class="btn small danger" onClick={() => run(() => revokeInvite(props.gameId, props.token, inv.code))}>
                      Revoke<span class="sr"> the invite for {slotLabel(sl)}</span>
                    </button>
                  </>
                ) : (
                  <button class="btn small" onClick={() => run(() => createInvite(props.gameId, props.token, sl))}>
                    Create<span class="sr"> an invite for {slotLabel(sl)}</span>
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <p class="muted small">A code works again until it is revoked, so a phone that lost its session can rejoin. Revoking ends the sessions made from it.</p>
      {shown ? (
        <Modal title={'Invite · ' + shown.code} onClose={() => setShown(null)}>
          <div class="center">
            <Qr gameId={props.gameId} code={shown.code} token={props.token} label="Invite" />
            <p class="mono big-code">{shown.code}</p>
            <p class="small url">{shown.url}</p>
          </div>
        </Modal>
      ) : null}
      {wifiShown && wifi ? (
        <Modal title="Join Wi-Fi" onClose={() => setWifiShown(false)}>
          <div class="center">
            <WifiQr wifi={wifi} token={props.token} />
            <p class="big-ssid">{wifi.ssid}</p>
            <p class="small muted">
              {cap(wifiNote(wifi))}. Scan it with the phone’s camera to join, then scan a join code.
            </p>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}
