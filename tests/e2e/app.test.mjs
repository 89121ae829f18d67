// End-to-end: the real state-server binary, its embedded web app, and Chromium.
//
//   make && (cd tests/e2e && npm ci && npm test)
//
// Environment:
//   STATE_SERVER_BIN  server to start (default build/state-server from the repo root;
//                     a .mjs/.js path is run with node, e.g. webui/dev/mock-server.mjs)
//   CHROMIUM          browser binary (default /usr/bin/chromium, Debian's package)
//
// Phones on 127.0.0.1 would be host by loopback trust, so the server runs with
// --no-trust-loopback and a known --host-token, which the host panel is given
// through its token field (and the display through /display#token=...).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = resolve(ROOT, process.env.STATE_SERVER_BIN || 'build/state-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(ROOT, 'tests', 'artifacts', 'screenshots');
const TOKEN = 'e2e-host-token-0123456789abcdef0123';
const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const TV = { viewport: { width: 1920, height: 1080 } };
const WAIT = 10000;

let server;
let serverLog = '';
const procs = new Set();
let base;
let tmp;
let browser;
const s = { code: {}, foreign: [], pageErrors: [] }; // invite codes, pages, contexts and codes shared by the steps, which run in order

/**
 * Start a server; resolves with its base URL and the process. `port` 0 picks a free
 * one; `trustLoopback` false adds --no-trust-loopback and the known host token.
 */
function launch({ port = 0, db, trustLoopback = false }) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--db', db];
  if (!trustLoopback) args.push('--no-trust-loopback', '--host-token', TOKEN);
  const script = /\.m?js$/.test(BIN);
  const proc = spawn(script ? process.execPath : BIN, script ? [BIN, ...args] : args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  procs.add(proc);
  proc.on('exit', () => procs.delete(proc));
  return new Promise((ok, bad) => {
    const timer = setTimeout(() => bad(new Error('no "listening on" line within 15 s:\n' + log)), 15000);
    const onData = (d) => {
      log += d;
      serverLog += d;
      const m = /listening on (https?):\/\/([^\s:]+|\[[^\]]+\]):(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        const host = m[2] === '0.0.0.0' || m[2] === '[::]' ? '127.0.0.1' : m[2];
        ok({ base: m[1] + '://' + host + ':' + m[3], proc });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => ((log += d), (serverLog += d)));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      bad(new Error('server exited with ' + code + ':\n' + log));
    });
  });
}

/** SIGTERM and wait for the exit (SIGKILL after 5 s). */
async function stop(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode) return;
  proc.removeAllListeners('exit');
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  if (proc.exitCode === null && !proc.signalCode) proc.kill('SIGKILL');
}

async function shot(page, name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, name + '.png'), omitBackground: name.startsWith('overlay') });
}

/** Wait until `fn` (run in the page) is truthy. */
function until(page, fn, arg, timeout = WAIT) {
  return page.waitForFunction(fn, arg, { timeout, polling: 50 });
}

const text = (page, testid) => page.locator('[data-testid="' + testid + '"]').first().innerText();

async function live(page) {
  await page.waitForSelector('[data-live="1"]', { timeout: WAIT });
}

/** Type a value on the number pad; returns when "Set" was tapped. */
async function setValue(page, field, value) {
  try {
    await page.waitForSelector('[data-testid=my-' + field + ']:enabled', { timeout: WAIT });
  } catch (e) {
    const status = await page.locator('.status').first().innerText().catch(() => '?');
    const toast = await page.locator('.toast').first().innerText().catch(() => '');
    throw new Error('the ' + field + ' value stays disabled; status "' + status + '", notice "' + toast + '"');
  }
  await page.click('[data-testid=my-' + field + ']');
  await page.click('.modal [aria-label="Clear"]');
  for (const d of String(value)) await page.click('.modal .pad-key:text-is("' + d + '")');
  await page.click('[data-testid=pad-set]');
}

const num = (t) => Number(String(t).replace(/\D/g, ''));

before(async () => {
  assert.ok(existsSync(BIN), 'server binary not found at ' + BIN + ' (build it with `make`, or set STATE_SERVER_BIN)');
  assert.ok(existsSync(CHROMIUM), 'chromium not found at ' + CHROMIUM + ' (apt-get install chromium, or set CHROMIUM)');
  mkdirSync(SHOTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'state-e2e-'));
  ({ base, proc: server } = await launch({ db: join(tmp, 'state.db') }));
  // launch() runs Chromium with a fresh temporary --user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Every page may talk to its own origin only (data: and blob: URLs are local).
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (opts) => {
    const ctx = await newContext(opts);
    ctx.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(base + '/') && !/^(data|blob):/.test(u) && u.replace(/^http/, 'ws').indexOf(base.replace(/^http/, 'ws') + '/') !== 0) s.foreign.push(u);
    });
    ctx.on('weberror', (e) => s.pageErrors.push(String(e.error())));
    return ctx;
  };
});

after(async () => {
  if (browser) await browser.close();
  for (const p of [...procs]) await stop(p);
  if (tmp && !isAbsolute(process.env.KEEP_TMP || '')) rmSync(tmp, { recursive: true, force: true });
});

describe('web app against the real server', () => {
  it('serves the app on every app route', async () => {
    for (const path of ['/', '/play', '/watch', '/display', '/host', '/overlay', '/j/ABC234', '/host?x=1']) {
      const r = await fetch(base + path);
      assert.equal(r.status, 200, path);
      assert.match(await r.text(), /<div id="app">/, path);
    }
  });

  it('host unlocks the panel with the token and creates a game', async () => {
    s.hostCtx = await browser.newContext(TV);
    s.host = await s.hostCtx.newPage();
    await s.host.goto(base + '/host');
    await s.host.waitForSelector('[data-testid=host-token]', { timeout: WAIT });
    await shot(s.host, 'host-login-1920');
    await s.host.fill('[data-testid=host-token]', TOKEN);
    await s.host.click('[data-testid=host-token-submit]');
    await s.host.click('[data-testid=new-game]');
    await s.host.click('[data-testid=create-game]');
    for (const slot of ['p1', 'p2', 'obs']) {
      await until(s.host, (sl) => /^[A-Z2-9]{6}$/.test((document.querySelector('[data-testid=invite-code-' + sl + ']') || {}).textContent || ''), slot);
      s.code[slot] = (await text(s.host, 'invite-code-' + slot)).trim();
    }
    await live(s.host);
    assert.notEqual(s.code.p1, s.code.p2);
  });

  it('the game list in the host panel is pushed: a game made elsewhere appears and goes at once', async () => {
    const auth = { authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json' };
    const r = await fetch(base + '/api/games', { method: 'POST', headers: auth, body: JSON.stringify({ player1_name: 'Pushed', player2_name: 'Elsewhere' }) });
    assert.equal(r.status, 201);
    const id = (await r.json()).game_id;
    const listed = (gid) => [...document.querySelectorAll('[data-testid=game-list] .gi-id')].some((e) => e.textContent === gid);
    await until(s.host, listed, id, 3000);
    assert.equal((await fetch(base + '/api/games/' + encodeURIComponent(id), { method: 'DELETE', headers: auth })).status < 300, true);
    await until(s.host, (gid) => ![...document.querySelectorAll('[data-testid=game-list] .gi-id')].some((e) => e.textContent === gid), id, 3000);
  });

  it('the big screen shows join QR codes', async () => {
    s.dispCtx = await browser.newContext(TV);
    s.disp = await s.dispCtx.newPage();
    await s.disp.goto(base + '/display#token=' + encodeURIComponent(TOKEN));
    await s.disp.waitForSelector('[data-testid=qr-p1] img.qr', { timeout: WAIT });
    await s.disp.waitForSelector('[data-testid=qr-p2] img.qr', { timeout: WAIT });
    await shot(s.disp, 'display-setup-1920');
  });

  it('with wifi.ssid in the settings, the big screen and the host panel show the Wi-Fi QR code first', async () => {
    const ssid = 'Dice & Dragons; "5G"';
    const put = await fetch(base + '/api/settings', {
      method: 'PUT',
      headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'wifi.ssid': ssid, 'wifi.password': 'roll:for,initiative', 'wifi.security': 'WPA', 'wifi.mode': 'ap' }),
    });
    assert.equal(put.status, 200);
    const svg = await fetch(base + '/api/wifi.svg', { headers: { Authorization: 'Bearer ' + TOKEN } });
    assert.equal(svg.status, 200);
    assert.match(await svg.text(), /<svg/);
    // the display re-reads the settings every 15 s; a reload shows the network at once
    await s.disp.reload();
    await s.disp.waitForSelector('[data-testid=qr-wifi] img.qr', { timeout: WAIT });
    await until(s.disp, () => {
      const img = document.querySelector('[data-testid=qr-wifi] img.qr');
      return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');
    });
    assert.equal((await text(s.disp, 'wifi-ssid')).trim(), ssid);
    assert.match(await text(s.disp, 'qr-wifi'), /1\. Join Wi-Fi/);
    assert.equal(await s.disp.locator('.qr-strip > figure').first().getAttribute('data-testid'), 'qr-wifi');
    await s.disp.waitForSelector('[data-testid=qr-p1] img.qr', { timeout: WAIT });
    assert.match(await text(s.disp, 'qr-p1'), /^2\. /);
    await shot(s.disp, 'display-wifi-1920');
    // the host panel's invites (a second tab on the same game)
    const tab = await s.hostCtx.newPage();
    await tab.goto(s.host.url());
    await tab.waitForSelector('[data-testid=host-wifi-ssid]', { timeout: WAIT });
    assert.equal((await text(tab, 'host-wifi-ssid')).trim(), ssid);
    assert.match(await text(tab, 'invite-p1'), /2\. Player 1/);
    await tab.click('[data-testid=host-wifi-qr]');
    await tab.waitForSelector('.modal img.qr', { timeout: WAIT });
    await tab.close();
  });

  it('two phones join through the invite URLs and name themselves in setup', async () => {
    for (const [n, name, faction] of [
      [1, 'Ana', 'Aeldari'],
      [2, 'Ben', 'Orks'],
    ]) {
      const ctx = await browser.newContext(PHONE);
      const page = await ctx.newPage();
      await page.goto(base + '/j/' + s.code['p' + n]);
      await page.waitForSelector('[data-testid=player-view]', { timeout: WAIT });
      assert.equal(new URL(page.url()).pathname, '/play');
      await live(page);
      await page.fill('[data-testid=setup-name]', name);
      await page.fill('[data-testid=setup-faction]', faction);
      await page.click('[data-testid=setup-save]');
      s['ctx' + n] = ctx;
      s['page' + n] = page;
    }
    await until(s.host, () => /Ana/.test(document.body.innerText) && /Ben/.test(document.body.innerText));
    await until(s.page1, () => document.querySelector('[data-testid=opponent]').innerText.includes('Ben'));
    await shot(s.page1, 'play-setup-phone');
  });

  it('an observer joins', async () => {
    s.obsCtx = await browser.newContext(PHONE);
    s.obs = await s.obsCtx.newPage();
    s.obsFrames = [];
    s.obs.on('websocket', (ws) => ws.on('framereceived', (f) => s.obsFrames.push(String(f.payload))));
    await s.obs.goto(base + '/j/' + s.code.obs);
    await s.obs.waitForSelector('[data-testid=watch-view]', { timeout: WAIT });
    assert.equal(new URL(s.obs.url()).pathname, '/watch');
    await live(s.obs);
  });

  it('the host starts the game and player 1 gets the End turn button', async () => {
    await s.host.click('[data-testid=start]');
    await s.page1.waitForSelector('[data-testid=end-turn]', { timeout: WAIT });
    assert.equal(await s.page2.locator('[data-testid=end-turn]').count(), 0);
    await until(s.obs, () => document.querySelector('[data-testid=side-1]').classList.contains('turn'));
  });

  it('player 1 adds 3 VP and the observer sees it within a second', async () => {
    const before = num(await text(s.obs, 'score-1'));
    await s.page1.click('[data-testid=my-primary]');
    await s.page1.click('.modal [aria-label="Clear"]');
    await s.page1.click('.modal .pad-key:text-is("3")');
    const t0 = Date.now();
    await s.page1.click('[data-testid=pad-set]');
    await until(s.obs, (want) => document.querySelector('[data-testid=score-1]').textContent.replace(/\D/g, '') === String(want), before + 3, 1000);
    const took = Date.now() - t0;
    assert.ok(took < 1000, 'observer saw it after ' + took + ' ms');
    await until(s.page1, () => document.querySelector('[data-testid=my-primary]').textContent === '3');
    await until(s.page2, () => document.querySelector('[data-testid=opp-score]').textContent === '3');
  });

  it('End turn stops player 1’s clock and starts player 2’s', async () => {
    await until(s.obs, () => document.querySelector('[data-testid=side-1] .clock').classList.contains('running'));
    await s.page1.click('[data-testid=end-turn]');
    await s.page2.waitForSelector('[data-testid=end-turn]', { timeout: WAIT });
    await s.page1.waitForSelector('[data-testid=end-turn]', { state: 'detached', timeout: WAIT });
    await until(s.obs, () => {
      const c1 = document.querySelector('[data-testid=side-1] .clock');
      const c2 = document.querySelector('[data-testid=side-2] .clock');
      return !c1.classList.contains('running') && c2.classList.contains('running');
    });
    // the stopped clock stands still, the running one moves
    const c1a = await s.obs.locator('[data-testid=side-1] .clock').innerText();
    const c2a = await s.obs.locator('[data-testid=side-2] .clock').innerText();
    await s.obs.waitForTimeout(2200);
    assert.equal(await s.obs.locator('[data-testid=side-1] .clock').innerText(), c1a);
    assert.notEqual(await s.obs.locator('[data-testid=side-2] .clock').innerText(), c2a);
    await shot(s.page2, 'play-my-turn-phone');
    await shot(s.page1, 'play-waiting-phone');
    await shot(s.obs, 'watch-phone');
    await shot(s.disp, 'display-active-1920');
    await shot(s.host, 'host-active-1920');
  });

  it('a phone that goes offline shows it, and comes back with the right state', async () => {
    await s.ctx1.setOffline(true);
    await s.page1.waitForSelector('[data-live="0"]', { timeout: WAIT });
    await shot(s.page1, 'play-offline-phone');
    // meanwhile player 2 scores and ends the turn
    await setValue(s.page2, 'secondary', 4);
    await until(s.obs, () => document.querySelector('[data-testid=score-2]').textContent.replace(/\D/g, '') === '4');
    await s.page2.click('[data-testid=end-turn]');
    await until(s.obs, () => document.querySelector('[data-testid=side-1]').classList.contains('turn'));
    // the offline phone still shows the old picture
    assert.equal(await s.page1.locator('[data-testid=end-turn]').count(), 0);
    await s.ctx1.setOffline(false);
    await live(s.page1);
    await s.page1.waitForSelector('[data-testid=end-turn]', { timeout: WAIT });
    await until(s.page1, () => document.querySelector('[data-testid=opp-score]').textContent === '4');
    assert.match(await text(s.page1, 'headline'), /Round 2/);
  });

  it('a reload keeps the session', async () => {
    await s.page1.reload();
    await s.page1.waitForSelector('[data-testid=player-view]', { timeout: WAIT });
    await live(s.page1);
    assert.equal(new URL(s.page1.url()).pathname, '/play');
    assert.equal(await text(s.page1, 'my-primary'), '3');
    assert.match(await s.page1.locator('.me').innerText(), /Ana/);
    await s.obs.reload();
    await s.obs.waitForSelector('[data-testid=watch-view]', { timeout: WAIT });
    await live(s.obs);
  });

  it('private notes reach their owner only', async () => {
    const secret = 'hold-the-relic-' + Date.now();
    s.p2Frames = [];
    s.page2.on('websocket', (ws) => ws.on('framereceived', (f) => s.p2Frames.push(String(f.payload))));
    await s.page2.reload();
    await live(s.page2);
    await s.page1.click('[data-testid=notes]');
    await s.page1.fill('[data-testid=notes-text]', secret);
    await s.page1.click('[data-testid=notes-save]');
    // the owner gets it back from the server after a reload
    await s.page1.waitForTimeout(500);
    await s.page1.reload();
    await live(s.page1);
    await s.page1.click('[data-testid=notes]');
    assert.equal(await s.page1.locator('[data-testid=notes-text]').inputValue(), secret);
    await s.page1.keyboard.press('Escape');
    // a change after the note makes sure observers got at least one state since
    await setValue(s.page1, 'cp', 7);
    await until(s.obs, () => document.querySelector('[data-testid=cp-1]').textContent === '7');
    await until(s.page2, () => /7/.test(document.querySelector('[data-testid=opponent]').innerText));
    assert.ok(s.obsFrames.some((f) => f.includes('game_state')), 'observer received states');
    assert.ok(!s.obsFrames.some((f) => f.includes(secret)), 'observer received the private note');
    assert.ok(!s.p2Frames.some((f) => f.includes(secret)), 'opponent received the private note');
    assert.ok(!(await s.obs.content()).includes(secret));
    // nor through REST with the observer's token
    const session = JSON.parse(await s.obs.evaluate(() => localStorage.getItem('state-server.session')));
    const r = await fetch(base + '/api/games/' + encodeURIComponent(session.game_id), { headers: { Authorization: 'Bearer ' + session.token } });
    assert.equal(r.status, 200);
    assert.ok(!(await r.text()).includes(secret));
  });

  it('after a server restart the phones reconnect by themselves and show the game paused', async () => {
    const port = new URL(base).port;
    await stop(server);
    await s.page1.waitForSelector('[data-live="0"]', { timeout: WAIT });
    ({ proc: server } = await launch({ port, db: join(tmp, 'state.db') }));
    // back-off is capped at 15 s; reconnects also happen at once on focus or visibility
    for (const page of [s.page1, s.page2, s.obs]) await page.waitForSelector('[data-live="1"]', { timeout: 30000 });
    await until(s.page1, () => /Paused/.test(document.querySelector('[data-testid=turn-line]').textContent));
    await until(s.obs, () => /Paused/.test(document.querySelector('[data-testid=headline]').textContent));
    assert.equal(await text(s.page1, 'my-primary'), '3');
    assert.equal(await text(s.page1, 'my-cp'), '7');
    await s.host.bringToFront();
    await s.host.waitForSelector('[data-testid=resume]', { timeout: 30000 });
    await s.host.click('[data-testid=resume]');
    await s.page1.waitForSelector('[data-testid=end-turn]', { timeout: WAIT });
  });

  it('a player calls a judge: the clocks stop, host and observer see the call, Judge done resumes', async () => {
    await s.page1.bringToFront();
    await s.page1.click('[data-testid=call-judge]');
    await s.page1.fill('[data-testid=judge-reason]', 'terrain rules');
    await s.page1.click('[data-testid=judge-send]');
    await until(s.page1, () => /Paused for the judge/.test(document.querySelector('[data-testid=turn-line]').textContent));
    for (const page of [s.page1, s.page2, s.obs]) await until(page, () => /Judge called by .*terrain rules/.test((document.querySelector('[data-testid=judge-banner]') || {}).textContent || ''));
    await s.host.bringToFront();
    await s.host.waitForSelector('[data-testid=judge-banner] [data-testid=judge-done]', { timeout: WAIT });
    assert.equal(await s.page1.locator('[data-testid=call-judge]').isDisabled(), true, 'one call at a time');
    await s.host.click('[data-testid=judge-done]');
    await s.host.waitForSelector('[data-testid=judge-banner]', { state: 'detached', timeout: WAIT });
    await s.obs.waitForSelector('[data-testid=judge-banner]', { state: 'detached', timeout: WAIT });
    await s.page1.waitForSelector('[data-testid=end-turn]', { timeout: WAIT }); // its turn again, its clock running
    await until(s.obs, () => document.querySelector('[data-testid=side-1] .clock').classList.contains('running'));
  });

  it('keeps the screen awake on the phone (wake lock or the looping video)', async () => {
    await s.page2.tap('[data-testid=turn-line]').catch(() => s.page2.click('[data-testid=turn-line]'));
    await until(s.page2, () => {
      const v = document.querySelector('video.awake-video');
      return v ? !v.paused && v.loop && v.muted : window.isSecureContext && 'wakeLock' in navigator;
    });
  });

  it('the host can load the history and download it as CSV', async () => {
    await s.host.bringToFront();
    await s.host.click('[data-testid=history-load]');
    await s.host.waitForSelector('table.history tbody tr', { timeout: WAIT });
    const [download] = await Promise.all([s.host.waitForEvent('download', { timeout: WAIT }), s.host.click('[data-testid=history-csv]')]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path, 'utf8');
    assert.ok(csv.split('\n').length > 3, 'CSV has rows');
    assert.match(csv, /score_update/);
    assert.match(csv.split('\n')[0], /,round\r?$/, 'the CSV carries the round');
    assert.match(csv, /"judge_call","\{""reason"":""terrain rules"",""at"":\d+\}",,\d+\r?\n/);
  });

  it('the host downloads a backup: a SQLite file under the server\'s dated name', async () => {
    await s.host.bringToFront();
    const button = s.host.locator('[data-testid=backup-download]');
    await button.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([s.host.waitForEvent('download', { timeout: WAIT }), button.click()]);
    assert.match(download.suggestedFilename(), /^state-\d{8}-\d{6}\.db$/);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    assert.ok(bytes.length >= 4096, 'a whole database, not a header: ' + bytes.length + ' bytes');
    await s.host.waitForSelector('[data-testid=backup-status]:has-text("Saved as state-")', { timeout: WAIT });
    assert.equal(await button.isEnabled(), true, 'the button is usable again');
  });

  it('a failed backup says so and leaves the button usable', async () => {
    // The network drops the request (a fault no server response can make).
    await s.host.route('**/api/backup', (r) => r.abort('connectionreset'));
    try {
      await s.host.click('[data-testid=backup-download]');
      const msg = await s.host.waitForSelector('[data-testid=backup-error]', { timeout: WAIT });
      assert.match(await msg.textContent(), /Backup failed/);
      assert.equal(await s.host.locator('[data-testid=backup-download]').isEnabled(), true);
    } finally {
      await s.host.unroute('**/api/backup');
    }
  });

  it('the host panel pairs a phone as host with a one-time code and its QR code', async () => {
    await s.host.bringToFront();
    await s.host.click('[data-testid=pair-host]');
    await s.host.waitForSelector('[data-testid=pair-qr]', { timeout: WAIT });
    const code = (await text(s.host, 'pair-code')).trim();
    const url = (await text(s.host, 'pair-url')).trim();
    assert.match(code, /^[A-HJ-NP-Z2-9]{6}$/);
    assert.equal(url, base + '/j/' + code);
    assert.match(await text(s.host, 'pair-left'), /Valid once, for [45]:[0-5]\d/);
    // The QR code is drawn in the browser: a decoder must read the URL back.
    if (existsSync('/usr/bin/zbarimg')) {
      const png = join(tmp, 'pair-qr.png');
      await s.host.locator('[data-testid=pair-qr]').screenshot({ path: png });
      assert.equal(execFileSync('/usr/bin/zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).trim(), url);
    }
    await shot(s.host, 'host-pair-1920');
    s.pairCode = code;

    s.hostPhoneCtx = await browser.newContext(PHONE);
    s.hostPhone = await s.hostPhoneCtx.newPage();
    await s.hostPhone.goto(url);
    await s.hostPhone.waitForSelector('[data-testid=host-view]', { timeout: WAIT });
    assert.equal(new URL(s.hostPhone.url()).pathname, '/host');
    assert.equal(await s.hostPhone.locator('[data-testid=host-token]').count(), 0);
    await live(s.hostPhone);
    // It is host of everything: it makes a game of its own.
    await s.hostPhone.click('[data-testid=new-game]');
    await s.hostPhone.fill('[data-testid=new-p1]', 'Paired');
    await s.hostPhone.fill('[data-testid=new-p2]', 'Phone');
    await s.hostPhone.click('[data-testid=create-game]');
    await s.hostPhone.waitForSelector('[data-testid=start]', { timeout: WAIT });
    await until(s.hostPhone, () => /^[A-Z2-9]{6}$/.test((document.querySelector('[data-testid=invite-code-p1]') || {}).textContent || ''));
    // The dialog on the panel sees the code used.
    await s.host.waitForSelector('[data-testid=pair-done]', { timeout: WAIT });
    await s.host.click('[data-testid=pair-close]');
    assert.equal(await s.host.locator('[data-testid=pair-dialog]').count(), 0);
  });

  it('the same pairing code a second time gets a clear message', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await page.goto(base + '/j/' + s.pairCode);
    await page.waitForSelector('.code-form .error', { timeout: WAIT });
    assert.equal((await page.locator('.code-form .error').innerText()).trim(), 'This pairing code was used already or has expired: ask for a new one.');
    assert.equal(new URL(page.url()).pathname, '/j/' + s.pairCode);
    assert.equal(await page.evaluate(() => localStorage.getItem('state-server.host-token')), null);
    await ctx.close();
  });

  it('the sessions card lists the paired host and the players; revoking a player ends its page at once', async () => {
    const gameId = JSON.parse(await s.page1.evaluate(() => localStorage.getItem('state-server.session'))).game_id;
    await s.host.click('[data-testid=sessions-load]');
    await s.host.waitForSelector('[data-testid=session-row]', { timeout: WAIT });
    const rows = () =>
      s.host.evaluate(() =>
        [...document.querySelectorAll('[data-testid=session-row]')].map((e) => ({ id: e.dataset.session, role: e.dataset.role, game: e.dataset.game, player: e.dataset.player, text: e.innerText })),
      );
    const listed = await rows();
    assert.equal(listed.filter((r) => r.role === 'host').length, 1, JSON.stringify(listed));
    assert.match(listed.find((r) => r.role === 'host').text, /Host[\s\S]*joined (just now|\d+ s ago)[\s\S]*127\.0\.0\.1/);
    const mine = listed.filter((r) => r.role === 'player' && r.game === gameId && r.player === '1');
    assert.ok(mine.length >= 1, 'player 1 listed: ' + JSON.stringify(listed));
    assert.ok(listed.some((r) => r.role === 'observer' && r.game === gameId));
    await shot(s.host, 'host-sessions-1920');
    // Every session of player 1 (a reload may have made more than one): page1 holds one of them.
    const t0 = Date.now();
    for (const r of mine) {
      await s.host.click('[data-testid=session-row][data-session="' + r.id + '"] [data-testid=session-revoke]');
      await until(s.host, (id) => !document.querySelector('[data-testid=session-row][data-session="' + id + '"]'), r.id, 3000);
    }
    await until(s.page1, () => location.pathname === '/' && /session was ended/.test(document.body.innerText), null, 3000);
    assert.ok(Date.now() - t0 < 3000, 'ended within 3 s');
    assert.equal(await s.page1.evaluate(() => localStorage.getItem('state-server.session')), null);
    await s.page1.waitForSelector('form.code-form input#code', { timeout: WAIT });
    await shot(s.page1, 'play-revoked-phone');
    // Player 2 and the observer go on.
    await live(s.page2);
    await live(s.obs);
  });

  it('revoking the paired host phone sends it back to the pairing message', async () => {
    const host = (await s.host.locator('[data-testid=session-row][data-role=host]').getAttribute('data-session')) || '';
    await s.host.click('[data-testid=session-row][data-role=host] [data-testid=session-revoke]');
    await s.hostPhone.waitForSelector('[data-testid=host-ended]', { timeout: 3000 });
    assert.match(await s.hostPhone.locator('[data-testid=host-ended]').innerText(), /host session was ended/);
    await s.hostPhone.waitForSelector('[data-testid=host-token]', { timeout: WAIT });
    assert.equal(await s.hostPhone.evaluate(() => localStorage.getItem('state-server.host-token')), null);
    await shot(s.hostPhone, 'host-revoked-phone');
    const r = await fetch(base + '/api/sessions', { headers: { authorization: 'Bearer ' + TOKEN } });
    assert.ok(!(await r.json()).sessions.some((x) => x.session_id === host));
    await s.hostPhoneCtx.close();
  });

  it('screenshots of every view at phone and TV size', async () => {
    const views = [
      ['home', () => '/'],
      ['play', () => '/j/' + s.code.p1],
      ['watch', () => '/j/' + s.code.obs],
      ['display', () => '/display#token=' + encodeURIComponent(TOKEN)],
      ['host', () => '/host#token=' + encodeURIComponent(TOKEN)],
      ['overlay', () => '/overlay?code=' + s.code.obs],
    ];
    for (const [name, path] of views) {
      for (const [size, opts] of [
        ['phone', PHONE],
        ['1920', TV],
      ]) {
        const ctx = await browser.newContext(opts);
        const page = await ctx.newPage();
        await page.goto(base + path());
        if (name !== 'home') await page.waitForSelector('[data-live="1"], [data-testid=overlay]', { timeout: WAIT });
        await shot(page, name + '-' + size);
        await ctx.close();
      }
    }
  });

  it('no page asked any other host, and no page threw', () => {
    assert.deepEqual(s.foreign, []);
    assert.deepEqual(s.pageErrors, []);
  });
});

describe('on the Pi itself (loopback trusted)', () => {
  it('the host panel and the big screen need no token', async () => {
    const { base: local } = await launch({ db: join(tmp, 'local.db'), trustLoopback: true });
    const ctx = await browser.newContext(TV);
    const page = await ctx.newPage();
    await page.goto(local + '/host');
    await page.waitForSelector('[data-testid=host-view]', { timeout: WAIT });
    assert.equal(await page.locator('[data-testid=host-token]').count(), 0);
    await page.click('[data-testid=new-game]');
    await page.fill('[data-testid=new-p1]', 'Cleo');
    await page.fill('[data-testid=new-p2]', 'Dan');
    await page.click('[data-testid=create-game]');
    await page.waitForSelector('[data-testid=start]', { timeout: WAIT });
    const disp = await ctx.newPage();
    await disp.goto(local + '/display');
    await disp.waitForSelector('[data-testid=qr-p1] img.qr', { timeout: WAIT });
    assert.match(await disp.locator('.board').innerText(), /Cleo/);
    await ctx.close();
  });
});
