#!/usr/bin/env node
// Screenshots of every view against the mock server, for looking at the app:
//   npm run build && node dev/screenshots.mjs [outdir]   (default: ../docs/screenshots)
// Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=path).

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, '..', '..', 'docs', 'screenshots'));
mkdirSync(out, { recursive: true });
const TOKEN = 'screenshot-host-token';

const server = spawn(process.execPath, [join(here, 'mock-server.mjs'), '--port', '0', '--no-trust-loopback', '--host-token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((ok, bad) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    const m = /listening on (http:\/\/\S+)/.exec(buf);
    if (m) ok(m[1]);
  });
  server.on('exit', () => bad(new Error('mock server exited')));
});

const api = async (method, path, body) => {
  const r = await fetch(base + path, { method, headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return r.status === 204 ? null : r.json();
};
const act = (id, type, data = {}) => api('POST', '/api/games/' + id + '/actions', { type, data });

// launch() gives Chromium a fresh temporary --user-data-dir of its own (it refuses one in args).
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  server.kill('SIGTERM');
  throw e;
}
const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
const tv = { viewport: { width: 1920, height: 1080 } };
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const shot = async (page, name, opts = {}) => {
  await settle(opts.wait || 700);
  await page.screenshot({ path: join(out, name + '.png'), omitBackground: !!opts.transparent });
  console.log('saved ' + name + '.png');
};

try {
  // Home, on a phone.
  const homeCtx = await browser.newContext(phone);
  const home = await homeCtx.newPage();
  await home.goto(base + '/');
  await home.fill('#code', 'abc2');
  await shot(home, 'home-phone');

  // Host panel: create a game through the UI.
  const hostCtx = await browser.newContext(tv);
  const host = await hostCtx.newPage();
  await host.goto(base + '/host#token=' + TOKEN);
  await host.click('[data-testid=new-game]');
  await host.fill('[data-testid=new-p1]', 'Ana');
  await host.fill('[data-testid=new-p2]', 'Ben');
  await shot(host, 'host-new-game-1920');
  await host.click('[data-testid=create-game]');
  await host.waitForSelector('[data-testid=invite-code-p1]:not(:text("—"))');
  const games = await api('GET', '/api/games');
  const id = games.games[0].game_id;
  const code = async (slot) => (await host.textContent('[data-testid=invite-code-' + slot + ']')).trim();
  const c1 = await code('p1');
  const c2 = await code('p2');
  const co = await code('obs');
  await shot(host, 'host-setup-1920');

  // Display before anyone joined.
  const dispCtx = await browser.newContext(tv);
  const disp = await dispCtx.newPage();
  await disp.goto(base + '/display?game=' + id + '#token=' + TOKEN);
  await disp.waitForSelector('[data-testid=qr-p1] img.qr');
  await shot(disp, 'display-setup-1920', { wait: 1500 });
  // The same with the appliance's Wi-Fi network in the settings (as the Pi image writes it).
  await api('PUT', '/api/settings', { 'wifi.ssid': 'Dice & Dragons Club', 'wifi.password': 'roll-for-initiative', 'wifi.security': 'WPA', 'wifi.mode': 'ap' });
  await disp.reload();
  await disp.waitForSelector('[data-testid=qr-wifi] img.qr');
  await shot(disp, 'display-wifi-1920', { wait: 1500 });
  await api('PUT', '/api/settings', { 'wifi.ssid': null, 'wifi.password': null, 'wifi.security': null, 'wifi.mode': null });
  await disp.reload();
  await disp.waitForSelector('[data-testid=qr-p1] img.qr');

  // Phones join.
  const p1Ctx = await browser.newContext(phone);
  const p1 = await p1Ctx.newPage();
  await p1.goto(base + '/j/' + c1);
  await p1.waitForSelector('[data-testid=player-view]');
  await p1.fill('[data-testid=setup-faction]', 'Aeldari');
  await p1.click('[data-testid=setup-save]');
  await shot(p1, 'player-setup-phone');
  const p2Ctx = await browser.newContext(phone);
  const p2 = await p2Ctx.newPage();
  await p2.goto(base + '/j/' + c2);
  await p2.waitForSelector('[data-testid=player-view]');
  await p2.fill('[data-testid=setup-faction]', 'Orks');
  await p2.click('[data-testid=setup-save]');
  const oCtx = await browser.newContext(phone);
  const obs = await oCtx.newPage();
  await obs.goto(base + '/j/' + co);
  await obs.waitForSelector('[data-testid=watch-view]');

  await act(id, 'game_setup', { attacker: 2, first_player: 1 });
  await act(id, 'game_start');
  await act(id, 'score_update', { player_number: 1, primary: 10, secondary: 4 });
  await act(id, 'score_update', { player_number: 2, primary: 5, secondary: 4 });
  await act(id, 'turn_change');
  await act(id, 'turn_change');
  await settle(300);
  await p1.click('[data-testid=primary-plus]');
  await settle(300);
  await p1.click('[data-testid=primary-plus]');
  await settle(300);
  await p1.click('[data-testid=primary-plus]');

  await shot(p1, 'player-my-turn-phone');
  await shot(p2, 'player-waiting-phone');
  await shot(obs, 'watch-phone');
  await shot(disp, 'display-active-1920', { wait: 1200 });
  await host.reload();
  await shot(host, 'host-active-1920');

  // Dialogs on the phone.
  await p1.click('[data-testid=my-secondary]');
  await shot(p1, 'player-numberpad-phone');
  await p1.keyboard.press('Escape');
  await p1.click('[data-testid=concede]');
  await shot(p1, 'player-concede-phone');
  await p1.keyboard.press('Escape');
  await p1.click('[data-testid=notes]');
  await p1.fill('[data-testid=notes-text]', 'Hold the centre objective. Save 2 CP for the counter-offensive.');
  await shot(p1, 'player-notes-phone');
  await p1.click('[data-testid=notes-save]');

  // Light theme.
  const lightCtx = await browser.newContext(phone);
  const light = await lightCtx.newPage();
  await light.goto(base + '/j/' + c2);
  await light.waitForSelector('[data-testid=player-view]');
  await light.goto(base + '/play?theme=light');
  await shot(light, 'player-light-phone');

  // Host panel on a phone, observer on the big screen.
  const hostPhoneCtx = await browser.newContext(phone);
  const hostPhone = await hostPhoneCtx.newPage();
  await hostPhone.goto(base + '/host#token=' + TOKEN);
  await shot(hostPhone, 'host-phone', { wait: 1200 });
  const oTv = await (await browser.newContext(tv)).newPage();
  await oTv.goto(base + '/j/' + co);
  await shot(oTv, 'watch-1920');
  const dispPhone = await (await browser.newContext(phone)).newPage();
  await dispPhone.goto(base + '/display?game=' + id + '#token=' + TOKEN);
  await shot(dispPhone, 'display-phone', { wait: 1500 });

  // Overlay for OBS (transparent background).
  const ov = await (await browser.newContext(tv)).newPage();
  await ov.goto(base + '/overlay?code=' + co);
  await shot(ov, 'overlay-1920', { transparent: true, wait: 1200 });
  const ovPhone = await (await browser.newContext(phone)).newPage();
  await ovPhone.goto(base + '/overlay?code=' + co);
  await shot(ovPhone, 'overlay-phone', { transparent: true, wait: 1200 });

  // Offline indicator.
  await p2Ctx.setOffline(true);
  await shot(p2, 'player-offline-phone', { wait: 1500 });
  await p2Ctx.setOffline(false);

  // Ended game.
  await act(id, 'game_end');
  await shot(disp, 'display-ended-1920', { wait: 1000 });
  await shot(p2, 'player-ended-phone', { wait: 1500 });
  const homeTv = await (await browser.newContext(tv)).newPage();
  await homeTv.goto(base + '/');
  await shot(homeTv, 'home-1920');
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
