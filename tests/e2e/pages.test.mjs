// Every page fits every phone: each route of the web app, with games in every
// status, at 320x640, 390x844 and 1920x1080, in the light and the dark theme:
//   - no horizontal scrolling, and no visible element past the left or right edge;
//   - no axe-core violation of impact serious or critical, and one level-one
//     heading and one main landmark per view;
//   - on the phone widths, every interactive control at least 44x44 CSS px (the
//     overlay and the big screen, which nobody taps, are exempt).
// Also a game with an open judge call and an ended game awaiting a player's confirmation.
// A failure names the page, the size, the theme and the element.
//
//   make && (cd tests/e2e && npm ci && node --test pages.test.mjs)
//
// SCREENSHOTS=<dir> also writes every route at the three sizes (dark theme, and
// 390 px in light) as PNG files into <dir>, replacing the PNG files there:
// `make screenshots` does that for docs/screenshots/. Environment as in app.test.mjs (STATE_SERVER_BIN, CHROMIUM).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = resolve(ROOT, process.env.STATE_SERVER_BIN || 'build/state-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOTS ? resolve(process.env.SCREENSHOTS) : null;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOKEN = 'pages-host-token-0123456789abcdef01';
const WAIT = 10000;
const SIZES = [
  { name: '320', width: 320, height: 640, phone: true },
  { name: '390', width: 390, height: 844, phone: true },
  { name: '1920', width: 1920, height: 1080, phone: false },
];
const THEMES = ['dark', 'light'];
const MIN_TAP = 44;

let server;
let tmp;
let base;
let browser;
const games = {}; // status -> { id, p1, obs } (invite codes)
const sessions = {}; // status -> player 1's session

function launch(db) {
  const args = ['--port', '0', '--bind', '127.0.0.1', '--db', db, '--no-trust-loopback', '--host-token', TOKEN];
  const script = /\.m?js$/.test(BIN);
  const proc = spawn(script ? process.execPath : BIN, script ? [BIN, ...args] : args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((ok, bad) => {
    const timer = setTimeout(() => bad(new Error('no "listening on" line within 15 s:\n' + log)), 15000);
    const onData = (d) => {
      log += d;
      const m = /listening on (https?):\/\/([^\s:]+|\[[^\]]+\]):(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok({ base: m[1] + '://127.0.0.1:' + m[3], proc });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => (log += d));
    proc.on('exit', (code) => (clearTimeout(timer), bad(new Error('server exited with ' + code + ':\n' + log))));
  });
}

async function rest(method, path, body, token = TOKEN) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, method + ' ' + path + ': ' + r.status + ' ' + text);
  return text ? JSON.parse(text) : null;
}

const act = (id, type, data = {}) => rest('POST', '/api/games/' + id + '/actions', { type, data });

/** A game in `status`, with its invites, and player 1 joined. Long names test the wrapping. */
async function makeGame(status, names) {
  const g = await rest('POST', '/api/games', { player1_name: names[0], player2_name: names[1] });
  const id = g.game_id;
  const p1 = await rest('POST', '/api/games/' + id + '/invites', { role: 'player', player_number: 1 });
  await rest('POST', '/api/games/' + id + '/invites', { role: 'player', player_number: 2 });
  const obs = await rest('POST', '/api/games/' + id + '/invites', { role: 'observer' });
  await act(id, 'game_setup', { attacker: 1, first_player: 2 });
  if (status !== 'setup') {
    await act(id, 'game_start');
    await act(id, 'score_update', { player_number: 1, primary: 12, secondary: 7, cp: 3 });
    await act(id, 'score_update', { player_number: 2, primary: 999, secondary: 999, cp: 99 });
  }
  if (status === 'paused') await act(id, 'game_pause');
  if (status === 'ended') await act(id, 'game_end');
  // An open judge call (it pauses the game), and an ended game awaiting player 1's word.
  if (status === 'judge') await act(id, 'judge_call', { reason: 'Line of sight through the ruins on the left flank, measured twice' });
  if (status === 'awaiting') {
    await act(id, 'game_end');
    const p2 = await rest('POST', '/api/games/' + id + '/invites', { role: 'player', player_number: 2 });
    const j2 = await rest('POST', '/api/join', { code: p2.code }, null);
    await rest('POST', '/api/games/' + id + '/actions', { type: 'result_confirm', data: { agree: true } }, j2.token);
  }
  const j = await rest('POST', '/api/join', { code: p1.code }, null);
  sessions[status] = { token: j.token, role: j.role, game_id: j.game_id, player_number: j.player_number, code: p1.code };
  games[status] = { id, p1: p1.code, obs: obs.code };
  if (status === 'active') {
    const o = await rest('POST', '/api/join', { code: obs.code }, null);
    sessions.observer = { token: o.token, role: o.role, game_id: o.game_id, player_number: null, code: obs.code };
  }
}

/**
 * The pages: a path, what to keep in localStorage, what shows that it is ready,
 * what to do before looking (`prepare`: open a card or a dialog), and whether it
 * is tapped (controls must be 44x44 on a phone). Add each new view here.
 */
function routes() {
  const host = { 'host-token': TOKEN };
  const r = [
    { name: 'home', path: '/', ready: 'form.code-form' },
    { name: 'host-login', path: '/host', ready: '[data-testid=host-token]' },
    { name: 'display-login', path: '/display', ready: '[data-testid=host-token]', tapless: true },
  ];
  for (const st of ['setup', 'active', 'paused', 'ended', 'judge', 'awaiting']) {
    r.push({ name: 'host-' + st, path: '/host?game=' + games[st].id, store: host, ready: '.player-admin', live: true });
    r.push({ name: 'player-' + st, path: '/play', store: { session: JSON.stringify(sessions[st]) }, ready: '[data-testid=player-view]', live: true });
  }
  r.push({
    name: 'watch',
    path: '/watch',
    store: { session: JSON.stringify(sessions.observer) },
    ready: '[data-testid=watch-view] .board',
    live: true,
  });
  // The server-wide cards of the host panel: the sessions list, and the pairing dialog over the panel.
  r.push({
    name: 'host-sessions',
    path: '/host?game=' + games.active.id,
    store: host,
    ready: '.player-admin',
    live: true,
    prepare: async (page) => {
      await page.click('[data-testid=sessions-load]');
      await page.waitForSelector('[data-testid=session-row][data-role=host]', { timeout: WAIT });
      await page.locator('[data-testid=sessions-card]').scrollIntoViewIfNeeded();
    },
  });
  r.push({
    name: 'host-pair',
    path: '/host?game=' + games.active.id,
    store: host,
    ready: '.player-admin',
    live: true,
    prepare: async (page) => {
      await page.click('[data-testid=pair-host]');
      await page.waitForSelector('[data-testid=pair-qr]', { timeout: WAIT });
    },
  });
  r.push({ name: 'display-setup', path: '/display?game=' + games.setup.id, store: host, ready: '[data-testid=qr-p1] img.qr', live: true, tapless: true });
  r.push({ name: 'display-active', path: '/display?game=' + games.active.id, store: host, ready: '[data-testid=display-view] .board', live: true, tapless: true });
  r.push({ name: 'overlay', path: '/overlay?code=' + games.active.obs, ready: '[data-testid=overlay] .ov-score', tapless: true, transparent: true });
  r.push({ name: 'display-judge', path: '/display?game=' + games.judge.id, store: host, ready: '[data-testid=judge-banner]', live: true, tapless: true });
  r.push({ name: 'overlay-judge', path: '/overlay?code=' + games.judge.obs, ready: '[data-testid=ov-judge]', tapless: true, transparent: true });
  return r;
}

/** A list in a reply that may come bare or wrapped ({entrants: [...]}). */
const listOf = (r, key) => (Array.isArray(r) ? r : r && Array.isArray(r[key]) ? r[key] : r && r.entrant_id ? [r] : []);

/**
 * Two tournaments (PROTOCOL.md section 11), or null when the server has no
 * events: one in check-in (long names, not paired) and one in round 1 with a
 * bye, a game under way with a judge call, and an ended game awaiting
 * confirmation. Entrants of the second are joined for the entrant phone.
 */
async function makeEvents() {
  const probe = await fetch(base + '/api/events', { headers: { authorization: 'Bearer ' + TOKEN } });
  if (probe.status === 404) return null;
  const long = await rest('POST', '/api/events', { name: 'Autumn Grand Tournament of the North', rounds: 3, round_time_ms: 9000000 });
  await rest('POST', '/api/events/' + long.event_id + '/entrants', {
    entrants: [
      { name: 'Alexandria Montgomery-Featherstonehaugh', faction: 'Adeptus Mechanicus', club: 'Dice & Dragons Club' },
      { name: 'Bartholomew Q. Worthington-Smythe', faction: 'Genestealer Cults', club: 'North' },
      { name: 'Ana', faction: 'Aeldari' },
      { name: 'Ben', faction: 'Orks' },
      { name: 'Cy', faction: 'Necrons', club: 'North' },
      { name: 'Dee' },
      { name: 'Eve', faction: 'Tau' },
      { name: 'Frank', faction: 'Custodes' },
      { name: 'Gus', faction: 'Tyranids' },
    ],
  });
  const run = await rest('POST', '/api/events', { name: 'Club night', rounds: 3, round_time_ms: 9000000 });
  const ents = listOf(
    await rest('POST', '/api/events/' + run.event_id + '/entrants', {
      entrants: ['Ana', 'Ben', 'Chiara', 'Dmitri Alexandrovich Volkonsky', 'Eve'].map((name, i) => ({ name, faction: ['Aeldari', 'Orks', 'Necrons', 'Death Guard', 'Tau'][i] })),
    }),
    'entrants',
  );
  await rest('POST', '/api/events/' + run.event_id + '/rounds', {});
  await rest('POST', '/api/events/' + run.event_id + '/timer', { action: 'start' });
  const ev = await rest('GET', '/api/events/' + run.event_id);
  const [t1, t2] = ev.tables;
  await act(t1.game_id, 'game_start');
  await act(t1.game_id, 'score_update', { player_number: 1, primary: 12, secondary: 7 });
  await act(t1.game_id, 'judge_call', { reason: 'Line of sight over the ruin' });
  await act(t2.game_id, 'game_start');
  await act(t2.game_id, 'score_update', { player_number: 2, primary: 30, secondary: 20 });
  await act(t2.game_id, 'game_end');
  const seated = (t1.players || t1.entrants)[0].entrant_id;
  const waiting = ents.find((e) => !ev.tables.some((t) => (t.players || t.entrants).some((p) => p.entrant_id === e.entrant_id))) || ents[0];
  const joinAs = async (eventId, e) => {
    const j = await rest('POST', '/api/join', { code: e.code }, null);
    return JSON.stringify({ token: j.token, event_id: eventId, entrant_id: e.entrant_id, code: e.code });
  };
  const late = listOf(await rest('POST', '/api/events/' + long.event_id + '/entrants', { name: 'Hana', faction: 'Sisters' }), 'entrants');
  return {
    long: long.event_id,
    run: run.event_id,
    seated: await joinAs(run.event_id, ents.find((e) => e.entrant_id === seated)),
    bye: await joinAs(run.event_id, waiting),
    early: late[0] && late[0].code ? await joinAs(long.event_id, late[0]) : null,
  };
}

/** The tournament pages (organiser, check-in sheet, entrant phone, hall board). */
function eventRoutes(e) {
  const host = { 'host-token': TOKEN };
  const r = [
    { name: 'events', path: '/host/events', store: host, ready: '[data-testid=event-list]' },
    { name: 'event-setup', path: '/host/events/' + e.long, store: host, ready: '[data-testid=entrant-list] li', live: true },
    { name: 'event-running', path: '/host/events/' + e.run, store: host, ready: '[data-testid=event-table]', live: true },
    {
      name: 'event-paste',
      path: '/host/events/' + e.long,
      store: host,
      ready: '[data-testid=entrant-list] li',
      live: true,
      prepare: async (page) => {
        await page.click('[data-testid=paste-open]');
        await page.fill('[data-testid=paste-text]', 'name,faction,club\nIvo,Votann,South\nJun,"Knights, Imperial",North\n,missing');
      },
    },
    {
      name: 'event-result',
      path: '/host/events/' + e.run,
      store: host,
      ready: '[data-testid=event-table]',
      live: true,
      prepare: async (page) => {
        await page.click('[data-testid=finalise]');
        await page.waitForSelector('[data-testid=final-draw]', { timeout: WAIT });
      },
    },
    { name: 'checkin', path: '/host/events/' + e.long + '/checkin', store: host, ready: '[data-testid=ci-card] .qr' },
    { name: 'entrant-table', path: '/event', store: { entrant: e.seated }, ready: '[data-testid=event-bar]', live: true },
    { name: 'entrant-bye', path: '/event', store: { entrant: e.bye }, ready: '[data-testid=entrant-view] [data-testid=entrant-place]', live: true },
    { name: 'hall-event', path: '/hall/' + e.run, store: host, ready: '[data-testid=hall-tables]', live: true, tapless: true },
    { name: 'hall-checkin', path: '/hall/' + e.long, store: host, ready: '[data-testid=hall-view] .hall-standings', live: true, tapless: true },
  ];
  if (e.early) r.push({ name: 'entrant-checked-in', path: '/event', store: { entrant: e.early }, ready: '[data-testid=entrant-place]', live: true });
  return r;
}

/** Runs in the page: elements that stick out sideways, and controls smaller than `min` (0: skip). */
function inspect(min) {
  const W = document.documentElement.clientWidth;
  const out = { scrollWidth: document.documentElement.scrollWidth, width: W, sticking: [], small: [], h1: document.querySelectorAll('h1').length };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.getAttribute('data-testid')) d += '[data-testid=' + el.getAttribute('data-testid') + ']';
    else if (typeof el.className === 'string' && el.className.trim()) d += '.' + el.className.trim().split(/\s+/).join('.');
    const t = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return t ? d + ' "' + t + '"' : d;
  };
  const visible = (el, r) => {
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && r.width > 1 && r.height > 1;
  };
  // The part of an element that can be seen: cut by every ancestor that clips its overflow.
  const seen = (el) => {
    let r = el.getBoundingClientRect();
    let left = r.left;
    let right = r.right;
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.clip !== 'auto' || cs.clipPath !== 'none') {
        const ar = a.getBoundingClientRect();
        if (cs.clip !== 'auto' && ar.width <= 1) return null; // visually hidden text
        left = Math.max(left, ar.left);
        right = Math.min(right, ar.right);
      }
      if (cs.position === 'fixed') break;
    }
    return right - left > 0.5 ? { left, right } : null;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!visible(el, r)) continue;
    const s = seen(el);
    if (s && (s.left < -0.5 || s.right > W + 0.5)) out.sticking.push(describe(el) + ' spans x ' + Math.round(s.left) + '..' + Math.round(s.right));
  }
  // Text sticks out too when its element does not (a number too big for its box).
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    if (!t.textContent.trim()) continue;
    const el = t.parentElement;
    if (!el || !visible(el, el.getBoundingClientRect())) continue;
    range.selectNodeContents(t);
    const r = range.getBoundingClientRect();
    if (r.width <= 1) continue;
    const s = seen(el);
    if (!s) continue;
    const left = Math.max(r.left, s.left);
    const right = Math.min(r.right, s.right);
    if (right - left > 0.5 && (left < -0.5 || right > W + 0.5)) out.sticking.push('the text of ' + describe(el) + ' spans x ' + Math.round(left) + '..' + Math.round(right));
  }
  if (min) {
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex="-1"])';
    for (const el of document.body.querySelectorAll(controls)) {
      const r = el.getBoundingClientRect();
      if (!visible(el, r)) continue;
      if (el.matches('[role=region][tabindex]')) continue; // a scrollable table, not a tap target
      if (r.width < min - 0.01 || r.height < min - 0.01) out.small.push(describe(el) + ' is ' + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  }
  return out;
}

/** Load one route at one size and theme; returns the problems found (strings). */
async function check(route, size, theme) {
  const ctx = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    isMobile: size.phone,
    hasTouch: size.phone,
    colorScheme: theme,
    reducedMotion: 'reduce',
  });
  const store = { theme, ...(route.store || {}) };
  await ctx.addInitScript((items) => {
    for (const [k, v] of Object.entries(items)) localStorage.setItem('state-server.' + k, v);
  }, store);
  const errors = [];
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  const where = route.name + ' @' + size.width + 'x' + size.height + ' ' + theme;
  try {
    await page.goto(base + route.path);
    try {
      await page.waitForSelector(route.ready, { timeout: WAIT, state: 'visible' });
      if (route.live) await page.waitForSelector('[data-live="1"]', { timeout: WAIT });
      if (route.prepare) await route.prepare(page);
    } catch (e) {
      return [where + ': never showed ' + route.ready + (route.live ? ' and a live connection' : '') + (route.prepare ? ' (or its preparation failed: ' + e.message.split('\n')[0] + ')' : '')];
    }
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(150);
    const problems = [];
    const m = await page.evaluate(inspect, size.phone && !route.tapless ? MIN_TAP : 0);
    if (m.scrollWidth > m.width) problems.push('scrolls sideways: ' + m.scrollWidth + ' px of content in ' + m.width);
    for (const e of m.sticking.slice(0, 8)) problems.push('past the edge: ' + e);
    if (m.sticking.length > 8) problems.push('... and ' + (m.sticking.length - 8) + ' more past the edge');
    for (const e of m.small) problems.push('smaller than ' + MIN_TAP + 'x' + MIN_TAP + ': ' + e);
    if (m.h1 !== 1) problems.push(m.h1 + ' level-one headings (want 1)');
    await page.addScriptTag({ content: AXE });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 4) }));
    });
    for (const v of axe) {
      if (v.impact === 'serious' || v.impact === 'critical' || v.id === 'landmark-one-main' || v.id === 'page-has-heading-one' || v.id === 'region')
        problems.push('axe ' + v.impact + ' ' + v.id + ' (' + v.help + '): ' + v.nodes.join(', '));
    }
    if (SHOTS && (theme === 'dark' || size.width === 390)) {
      const file = route.name + '-' + size.name + (theme === 'light' ? '-light' : '') + '.png';
      await page.screenshot({ path: join(SHOTS, file), fullPage: size.phone, omitBackground: !!route.transparent });
    }
    return problems.concat(errors).map((p) => where + ': ' + p);
  } finally {
    await ctx.close();
  }
}

before(async () => {
  assert.ok(existsSync(BIN), 'server binary not found at ' + BIN + ' (build it with `make`, or set STATE_SERVER_BIN)');
  assert.ok(existsSync(CHROMIUM), 'chromium not found at ' + CHROMIUM);
  tmp = mkdtempSync(join(tmpdir(), 'state-pages-'));
  ({ base, proc: server } = await launch(join(tmp, 'state.db')));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    for (const f of readdirSync(SHOTS)) if (f.endsWith('.png')) rmSync(join(SHOTS, f));
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('every page fits every phone', () => {
  it('with no games, the host panel fits', async () => {
    const host = { name: 'host-empty', path: '/host', store: { 'host-token': TOKEN }, ready: '[data-testid=host-view] .card', live: true };
    const problems = [];
    for (const size of SIZES) for (const theme of THEMES) problems.push(...(await check(host, size, theme)));
    assert.deepEqual(problems, []);
  });

  it('every route at 320, 390 and 1920 px, light and dark', async () => {
    await makeGame('setup', ['Alexandria Montgomery-Featherstonehaugh', 'Bartholomew Q. Worthington-Smythe']);
    await makeGame('active', ['Ana', 'Ben']);
    await makeGame('paused', ['Chiara', 'Dmitri Alexandrovich Volkonsky']);
    await makeGame('ended', ['Eve', 'Frank']);
    await makeGame('judge', ['Gwendolyn', 'Hiroshi']);
    await makeGame('awaiting', ['Ines', 'Jacques-Emmanuel de la Tour']);
    // A phone paired as host, so the sessions list has every kind of row.
    const pair = await rest('POST', '/api/host-invites');
    await rest('POST', '/api/join', { code: pair.code }, null);
    const problems = [];
    for (const route of routes()) {
      for (const size of SIZES) for (const theme of THEMES) problems.push(...(await check(route, size, theme)));
    }
    assert.deepEqual(problems, [], problems.length + ' problems:\n' + problems.join('\n'));
  });

  it('the tournament pages: organiser, check-in sheet, entrant phone, hall board', async (t) => {
    const e = await makeEvents();
    if (!e) return t.skip('this server has no events yet (POST /api/events is 404)');
    const r = eventRoutes(e);
    const hall = await fetch(base + '/api/hall', { headers: { authorization: 'Bearer ' + TOKEN } });
    if (hall.ok) r.push({ name: 'hall-all', path: '/hall', store: { 'host-token': TOKEN }, ready: '[data-testid=hall-tables]', tapless: true });
    const problems = [];
    for (const route of r) for (const size of SIZES) for (const theme of THEMES) problems.push(...(await check(route, size, theme)));
    assert.deepEqual(problems, [], problems.length + ' problems:\n' + problems.join('\n'));
    if (!hall.ok) t.diagnostic('GET /api/hall is ' + hall.status + ': the /hall page was not checked');
  });
});
