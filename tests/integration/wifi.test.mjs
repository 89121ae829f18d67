// The Wi-Fi QR code: GET /api/wifi.svg encodes the wifi.* settings (written by
// the Pi image's start-up script) so phones join the network first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, http, HOST_TOKEN } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(['--no-trust-loopback', '--host-token', HOST_TOKEN]); });
after(async () => { await srv.stop(); });

function decode(svg) {
  const f = join(srv.dir, 'wifi.svg');
  writeFileSync(f, svg);
  execFileSync('rsvg-convert', ['-w', '400', '-o', join(srv.dir, 'wifi.png'), f]);
  return execFileSync('zbarimg', ['--raw', '-q', join(srv.dir, 'wifi.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

test('no network configured: 404; not host: 401', async () => {
  assert.equal((await http(srv, 'GET', '/api/wifi.svg', { token: HOST_TOKEN })).status, 404);
  assert.equal((await http(srv, 'GET', '/api/wifi.svg')).status, 401);
});

test('WPA network with reserved characters is encoded and escaped', async () => {
  const put = await http(srv, 'PUT', '/api/settings', { token: HOST_TOKEN,
    body: { 'wifi.ssid': 'Club;Night', 'wifi.password': 'pa:ss"w\\rd', 'wifi.security': 'WPA' } });
  assert.equal(put.status, 200);
  const r = await http(srv, 'GET', '/api/wifi.svg', { token: HOST_TOKEN });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /image\/svg\+xml/);
  assert.equal(decode(r.text), 'WIFI:T:WPA;S:Club\\;Night;P:pa\\:ss\\"w\\\\rd;;');
});

test('an open network has no password field', async () => {
  await http(srv, 'PUT', '/api/settings', { token: HOST_TOKEN, body: { 'wifi.ssid': 'Open', 'wifi.password': '', 'wifi.security': 'nopass' } });
  const r = await http(srv, 'GET', '/api/wifi.svg', { token: HOST_TOKEN });
  assert.equal(decode(r.text), 'WIFI:T:nopass;S:Open;;');
});
