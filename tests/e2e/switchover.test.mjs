// Switchover in Chromium (PROTOCOL.md section 12, docs/switchover.md): a player's
// phone and the big screen on the old primary end up on the new one after
// demote/promote, still player 1 of the same game, with no new join and without
// the session ever in a URL a server sees; a score change there reaches both
// screens, and the old primary, now following, has it too.
//
//   make && (cd tests/e2e && npm ci && node --test switchover.test.mjs)

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = resolve(ROOT, process.env.STATE_SERVER_BIN || 'build/state-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = 'e2e-host-token-0123456789abcdef0123';
const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const TV = { viewport: { width: 1280, height: 720 } };
const WAIT = 10000;

let tmp;
let browser;
const procs = [];
const s = {};

function launch(name, extra = []) {
  const args = ['--port', '0', '--bind', '127.0.0.1', '--db', join(tmp, name + '.db'), '--no-trust-loopback', '--host-token', TOKEN, ...extra];
  const proc = spawn(BIN, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let log = '';
  return new Promise((ok, bad) => {
    const timer = setTimeout(() => bad(new Error('no "listening on" line:\n' + log)), 15000);
    const onData = (d) => {
      log += d;
      const m = /listening on (https?):\/\/[^\s]*:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok({ base: 'http://127.0.0.1:' + m[2], proc, log: () => log });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => (log += d));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      bad(new Error('server exited with ' + code + ':\n' + log));
    });
  });
}

async function api(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
}

const until = (page, fn, arg, timeout = WAIT) => page.waitForFunction(fn, arg, { timeout, polling: 50 });

async function setPrimary(page, value) {
  await page.waitForSelector('[data-testid=my-primary]:enabled', { timeout: WAIT });
  await page.click('[data-testid=my-primary]');
  await page.click('.modal [aria-label="Clear"]');
  for (const d of String(value)) await page.click('.modal .pad-key:text-is("' + d + '")');
  await page.click('[data-testid=pad-set]');
}

before(async () => {
  assert.ok(existsSync(BIN), 'server binary not found at ' + BIN);
  assert.ok(existsSync(CHROMIUM), 'chromium not found at ' + CHROMIUM);
  tmp = mkdtempSync(join(tmpdir(), 'state-e2e-switch-'));
  s.a = await launch('a');
  const g = await api(s.a.base, 'POST', '/api/games', { player1_name: 'Ana', player2_name: 'Ben' });
  assert.equal(g.status, 201, g.text);
  s.game = g.json.game_id;
  const inv = await api(s.a.base, 'POST', `/api/games/${s.game}/invites`, { role: 'player', player_number: 1 });
  assert.equal(inv.status, 201, inv.text);
  s.code = inv.json.code;
  s.b = await launch('b', ['--follow', s.a.base]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  for (const p of procs) if (p.exitCode === null && !p.signalCode) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('switchover with a phone and the big screen', () => {
  it('a phone joins on the old primary and scores; the big screen shows the game', async () => {
    s.phoneCtx = await browser.newContext(PHONE);
    s.phone = await s.phoneCtx.newPage();
    s.urls = [];
    s.phone.on('request', (r) => s.urls.push(r.url()));
    await s.phone.goto(s.a.base + '/j/' + s.code);
    await s.phone.waitForSelector('[data-testid=player-view]', { timeout: WAIT });
    await s.phone.waitForSelector('[data-live="1"]', { timeout: WAIT });
    await setPrimary(s.phone, 4);
    await until(s.phone, () => document.querySelector('[data-testid=my-primary]').textContent === '4');
    s.token = await s.phone.evaluate(() => JSON.parse(localStorage.getItem('state-server.session')).token);
    assert.ok(s.token && s.token.length > 10);

    s.tvCtx = await browser.newContext(TV);
    s.tv = await s.tvCtx.newPage();
    s.tv.on('request', (r) => s.urls.push(r.url()));
    await s.tv.goto(s.a.base + '/display?game=' + encodeURIComponent(s.game) + '#token=' + encodeURIComponent(TOKEN));
    await s.tv.waitForSelector('[data-testid=score-1]', { timeout: WAIT });
    await until(s.tv, () => document.querySelector('[data-testid=score-1]').textContent.replace(/\D/g, '') === '4');
  });

  it('demote sends both to the follower, with no new join and no token in a URL', async () => {
    // The follower has everything before the switch.
    const end = Date.now() + WAIT;
    while ((await api(s.b.base, 'GET', '/api/follow')).json.last_seq !== (await api(s.a.base, 'GET', '/api/follow')).json.last_seq) {
      assert.ok(Date.now() < end, 'the follower did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
    const d = await api(s.a.base, 'POST', '/api/demote', { to: s.b.base });
    assert.equal(d.status, 200, d.text);
    const p = await api(s.b.base, 'POST', '/api/promote');
    assert.equal(p.status, 200, p.text);
    for (const page of [s.phone, s.tv]) await page.waitForURL((u) => u.origin === s.b.base, { timeout: WAIT });
    // The same view of the same game, still player 1, with no new join.
    assert.equal(new URL(s.phone.url()).pathname, '/play');
    await s.phone.waitForSelector('[data-testid=player-view]', { timeout: WAIT });
    await s.phone.waitForSelector('[data-live="1"]', { timeout: WAIT });
    await until(s.phone, () => document.querySelector('[data-testid=my-primary]').textContent === '4');
    const kept = await s.phone.evaluate(() => JSON.parse(localStorage.getItem('state-server.session')));
    assert.equal(kept.player_number, 1);
    assert.equal(kept.game_id, s.game);
    assert.equal(kept.token, s.token);
    assert.equal(await s.phone.evaluate(() => location.hash), '', 'the hand-over left the address bar');
    assert.equal(new URL(s.tv.url()).pathname, '/display');
    assert.equal(new URL(s.tv.url()).searchParams.get('game'), s.game);
    assert.equal(await s.tv.evaluate(() => location.hash), '');
    assert.ok(!s.urls.some((u) => /\/j\//.test(u) && u.startsWith(s.b.base)), 'no join on the new server');
    // No document or API request to the new server carried the session in its URL.
    const toB = s.urls.filter((u) => u.startsWith(s.b.base) && !u.startsWith(s.b.base.replace('http', 'ws')));
    assert.ok(toB.length > 0);
    for (const u of toB) {
      const url = new URL(u);
      if (url.pathname === '/ws') continue; // the app's own socket (as on any server)
      assert.ok(!u.includes(s.token) && !u.includes(encodeURIComponent(s.token)), 'token in ' + u);
      assert.ok(!u.includes(TOKEN), 'host token in ' + u);
    }
  });

  it('a score change on the new primary reaches both screens and the old primary', async () => {
    await setPrimary(s.phone, 9);
    await until(s.phone, () => document.querySelector('[data-testid=my-primary]').textContent === '9');
    await until(s.tv, () => document.querySelector('[data-testid=score-1]').textContent.replace(/\D/g, '') === '9');
    const end = Date.now() + WAIT;
    for (;;) {
      const g = await api(s.a.base, 'GET', '/api/games/' + encodeURIComponent(s.game));
      if (g.json.players[0].primary === 9) break;
      assert.ok(Date.now() < end, 'the old primary did not follow: ' + g.text);
      await new Promise((r) => setTimeout(r, 50));
    }
    const f = await api(s.a.base, 'GET', '/api/follow');
    assert.equal(f.json.role, 'follower');
    assert.equal(f.json.primary, s.b.base);
    assert.equal(f.json.divergences, 0);
  });
});
