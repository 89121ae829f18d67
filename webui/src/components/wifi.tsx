// The appliance's Wi-Fi network for the host's views: read from the server
// settings, re-read now and then (the Pi writes them when the server starts,
// and may do so after the page loaded), and its QR code from /api/wifi.svg.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { wifiFrom, type Wifi } from '../lib/wifi';
import { SvgQr } from './ui';

/** The configured network, or null (none, or the settings can't be read). */
export function useWifi(token: string | null, everyMs = 15000): Wifi | null {
  const [wifi, setWifi] = useState<Wifi | null>(null);
  useEffect(() => {
    let alive = true;
    const read = () =>
      api.settings(token).then(
        (s) => {
          if (!alive) return;
          const w = wifiFrom(s);
          // keep the same object while nothing changed, so nothing re-renders
          setWifi((old) => (old && w && old.key === w.key && old.mode === w.mode ? old : w));
        },
        () => undefined, // keep what we had; a 404 from an older server means none
      );
    read();
    const t = setInterval(read, everyMs);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [token, everyMs]);
  return wifi;
}

export function WifiQr({ wifi, token }: { wifi: Wifi; token: string | null }) {
  return <SvgQr load={() => api.wifiSvg(token)} deps={[wifi.key, token]} alt={'QR code to join the Wi-Fi network ' + wifi.ssid} />;
}
