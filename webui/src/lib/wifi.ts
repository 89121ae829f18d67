// The appliance's Wi-Fi network, from the server settings the Pi image writes
// (wifi.ssid, wifi.password, wifi.security, wifi.mode; GET /api/settings, host
// only). The QR code itself comes from GET /api/wifi.svg.

export interface Wifi {
  ssid: string;
  /** No password (wifi.security "nopass", or an empty password). */
  open: boolean;
  /** "ap": the appliance's own network; "client": a venue's network; "" unknown. */
  mode: 'ap' | 'client' | '';
  /** Changes whenever anything the QR code encodes changes (to fetch it again). */
  key: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The network in `settings`, or null when there is no non-blank wifi.ssid. */
export function wifiFrom(settings: unknown): Wifi | null {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return null;
  const s = settings as Record<string, unknown>;
  const ssid = str(s['wifi.ssid']);
  if (!ssid.trim()) return null;
  const password = str(s['wifi.password']);
  const security = str(s['wifi.security']);
  const m = str(s['wifi.mode']);
  return {
    ssid,
    open: !password || security === 'nopass',
    mode: m === 'ap' || m === 'client' ? m : '',
    key: JSON.stringify([ssid, password, security]),
  };
}

/** Numbers the steps ("1. Join Wi-Fi", "2. Ana") only when there is a Wi-Fi step. */
export function step(wifi: Wifi | null, n: 1 | 2, text: string): string {
  return wifi ? n + '. ' + text : text;
}

/** A short description for the host ("the appliance's own network, open"). */
export function wifiNote(w: Wifi): string {
  const where = w.mode === 'ap' ? 'the appliance’s own network' : w.mode === 'client' ? 'the venue’s network' : '';
  const lock = w.open ? 'open' : 'with a password';
  return where ? where + ', ' + lock : lock;
}
