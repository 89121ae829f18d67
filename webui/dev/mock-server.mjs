#!/usr/bin/env node
// A stand-in for the C server, for developing and screenshotting the web app.
// It speaks the parts of PROTOCOL.md (protocol 1) the app uses, keeps games in
// memory only, and serves ../dist like the real binary serves its embedded copy.
//
//   node dev/mock-server.mjs [--port 8765] [--bind 127.0.0.1] [--host-token T]
//                            [--no-trust-loopback] [--db ignored] [--dist DIR]
//
// Not a reference implementation: where the real server differs, the real one wins.

import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync, existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import QRCode from 'qrcode';
import { mockEvents } from './mock-events.mjs';

// ---------- command line ----------
const argv = process.argv.slice(2);
const opt = { port: 8765, bind: '127.0.0.1', hostToken: null, trustLoopback: true, dist: null, db: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => argv[++i];
  if (a === '--port') opt.port = Number(val());
  else if (a === '--bind') opt.bind = val();
  else if (a === '--host-token') opt.hostToken = val();
  else if (a === '--no-trust-loopback') opt.trustLoopback = false;
  else if (a === '--db') opt.db = val();
  else if (a === '--dist') opt.dist = val();
  else if (a === '--help') {
    console.log('mock-server [--port N] [--bind ADDR] [--host-token T] [--no-trust-loopback] [--dist DIR]');
    process.exit(0);
  } else {
    console.error('unknown option ' + a);
    process.exit(2);
  }
}
const here = dirname(fileURLToPath(import.meta.url));
const DIST = opt.dist || join(here, '..', 'dist');
const HOST_TOKEN = opt.hostToken || randomBytes(18).toString('base64url');
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const mono = () => performance.now();
const iso = () => new Date().toISOString();

// ---------- games ----------
/** @type {Map<string, any>} */
const games = new Map();
const invites = new Map(); // code -> {game_id, role, player_number, revoked}
const sessions = new Map(); // token -> {role, game_id, player_number, code}

function newId(prefix, n = 4) {
  return prefix + randomBytes(n).toString('hex');
}
function newCode() {
  for (;;) {
    const b = randomBytes(6);
    let c = '';
    for (const x of b) c += ALPHABET[x % ALPHABET.length];
    if (!invites.has(c)) return c;
  }
}

function makePlayer(n, name, clockMs) {
  return { player_number: n, name: name || '', faction: '', primary: 0, secondary: 0, cp: 0, time_remaining: clockMs, time_used: 0, is_running: false, flagged: false, private: {}, started: 0 };
}

function createGame(body = {}) {
  const settings = { clock_ms: 5400000, rounds: 5, cp_per_turn: 0, ...(body.settings || {}) };
  const g = {
    game_id: newId('g-', 3),
    version: 0,
    status: 'setup',
    round: 0,
    current_turn: null,
    first_player: null,
    attacker: null,
    winner: null,
    players: [makePlayer(1, body.player1_name, settings.clock_ms), makePlayer(2, body.player2_name, settings.clock_ms)],
    settings,
    game_time_ms: 0,
    active_since: 0,
    created_at: iso(),
    updated_at: iso(),
    log: [],
    flagTimer: null,
  };
  games.set(g.game_id, g);
  return g;
}

function settle(g, now) {
  for (const p of g.players) {
    if (p.is_running) {
      const d = now - p.started;
      p.time_remaining = Math.max(0, p.time_remaining - d);
      p.time_used += d;
      p.started = now;
    }
  }
  if (g.status === 'active' && g.active_since) {
    g.game_time_ms += now - g.active_since;
    g.active_since = now;
  }
}
function startClock(g, n, now) {
  const p = g.players[n - 1];
  p.is_running = true;
  p.started = now;
  scheduleFlag(g);
}
function stopClocks(g, now) {
  settle(g, now);
  for (const p of g.players) p.is_running = false;
  scheduleFlag(g);
}
function scheduleFlag(g) {
  clearTimeout(g.flagTimer);
  const p = g.players.find((x) => x.is_running);
  if (!p) return;
  const left = p.time_remaining - (mono() - p.started);
  g.flagTimer = setTimeout(() => {
    const now = mono();
    settle(g, now);
    if (p.is_running && p.time_remaining <= 0) {
      p.time_remaining = 0;
      p.is_running = false;
      p.flagged = true;
      broadcast(g);
    } else scheduleFlag(g);
  }, Math.max(0, left) + 5);
}

function baseState(g, who) {
  const now = mono();
  settle(g, now);
  const players = g.players.map((p) => {
    const o = {
      player_number: p.player_number, name: p.name, faction: p.faction, primary: p.primary, secondary: p.secondary,
      score: p.primary + p.secondary, cp: p.cp, time_remaining: Math.round(p.time_remaining), time_used: Math.round(p.time_used),
      is_running: p.is_running, flagged: p.flagged, connected: isConnected(g.game_id, p.player_number),
    };
    if (who.role === 'host' || (who.role === 'player' && who.player_number === p.player_number)) o.private = p.private;
    return o;
  });
  const settings = {};
  for (const [k, v] of Object.entries(g.settings)) if (who.role === 'host' || !k.startsWith('host.')) settings[k] = v;
  return {
    game_id: g.game_id, version: g.version, status: g.status, round: g.round, current_turn: g.current_turn,
    first_player: g.first_player, winner: g.winner, players, attacker: g.attacker, game_time: Math.round(g.game_time_ms),
    settings, created_at: g.created_at, updated_at: g.updated_at, server_time: Date.now(),
  };
}
function publicState(g, who) {
  const out = baseState(g, who);
  EV.extend(g, out);
  return out;
}

class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const refuse = (code, message) => {
  throw new Refusal(code, message || code);
};

function snapshot(g) {
  return JSON.stringify({ ...g, log: undefined, flagTimer: undefined });
}

/** Apply one change. `who` = {role, player_number}. Returns nothing; throws Refusal. */
function apply(g, type, d, who) {
  const host = who.role === 'host';
  const me = who.role === 'player' ? who.player_number : null;
  if (who.role === 'observer') refuse('forbidden', 'observers cannot change games');
  if (d.expected_version !== undefined && d.expected_version !== g.version) {
    const e = new Refusal('conflict', 'version mismatch');
    e.version = g.version;
    throw e;
  }
  const now = mono();
  const before = snapshot(g);
  const int = (v, lo, hi) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) refuse('bad_message', 'value out of range');
    return v;
  };
  switch (type) {
    case 'game_setup': {
      if (g.status !== 'setup') refuse('invalid_state', 'setup is over');
      const str = (v) => {
        if (typeof v !== 'string' || v.length > 40) refuse('bad_message', 'name too long');
        return v;
      };
      if (host) {
        if ('player1_name' in d) g.players[0].name = str(d.player1_name);
        if ('player2_name' in d) g.players[1].name = str(d.player2_name);
        if ('attacker' in d) g.attacker = int(d.attacker, 1, 2);
        if ('first_player' in d) g.first_player = int(d.first_player, 1, 2);
      } else {
        const allowed = Object.keys(d).filter((k) => k !== 'expected_version');
        if (allowed.some((k) => k !== 'name' && k !== 'faction')) refuse('forbidden', 'players may set name and faction');
      }
      const target = host ? (d.player_number ? g.players[d.player_number - 1] : null) : g.players[me - 1];
      if (target) {
        if ('name' in d) target.name = str(d.name);
        if ('faction' in d) target.faction = str(d.faction);
      }
      break;
    }
    case 'score_update': {
      const n = d.player_number;
      if (n !== 1 && n !== 2) refuse('bad_message', 'player_number');
      if (!host && n !== me) refuse('forbidden', 'not your score');
      if (g.status === 'ended') refuse('invalid_state', 'game ended');
      const p = g.players[n - 1];
      const set = (f, max, v) => (p[f] = int(v, 0, max));
      if ('score' in d) set('primary', 999, d.score);
      if ('score_delta' in d) set('primary', 999, p.primary + d.score_delta);
      if ('primary' in d) set('primary', 999, d.primary);
      if ('primary_delta' in d) set('primary', 999, p.primary + d.primary_delta);
      if ('secondary' in d) set('secondary', 999, d.secondary);
      if ('secondary_delta' in d) set('secondary', 999, p.secondary + d.secondary_delta);
      if ('cp' in d) set('cp', 99, d.cp);
      if ('cp_delta' in d) set('cp', 99, p.cp + d.cp_delta);
      if ('private' in d) {
        if (!d.private || typeof d.private !== 'object' || JSON.stringify(d.private).length > 1024) refuse('bad_message', 'private');
        p.private = d.private;
      }
      break;
    }
    case 'timer_update': {
      if (!host) refuse('forbidden', 'host only');
      const n = d.player_number;
      if (n !== 1 && n !== 2) refuse('bad_message', 'player_number');
      settle(g, now);
      if (d.action === 'start') {
        g.players.forEach((p) => (p.is_running = false));
        startClock(g, n, now);
      } else if (d.action === 'stop') g.players[n - 1].is_running = false;
      else if (d.action === 'set') {
        g.players[n - 1].time_remaining = int(d.time_remaining, 0, 24 * 3600000);
        g.players[n - 1].flagged = false;
      } else refuse('bad_message', 'action');
      scheduleFlag(g);
      break;
    }
    case 'turn_change': {
      if (g.status !== 'active') refuse('invalid_state', 'game not active');
      if (!host && g.current_turn !== me) refuse('forbidden', 'not your turn');
      stopClocks(g, now);
      const next = host && d.current_turn ? int(d.current_turn, 1, 2) : g.current_turn === 1 ? 2 : 1;
      const first = g.first_player || 1;
      if (next === first && g.current_turn !== first && g.round >= g.settings.rounds) {
        endGame(g, undefined, now);
        break;
      }
      if (next === first) g.round++;
      g.current_turn = next;
      gainCp(g);
      startClock(g, next, now);
      break;
    }
    case 'game_start': {
      if (!host) refuse('forbidden', 'host only');
      if (g.status !== 'setup') refuse('invalid_state', 'already started');
      g.status = 'active';
      g.active_since = now;
      g.round = 1;
      g.first_player = g.first_player || 1;
      g.current_turn = g.first_player;
      gainCp(g);
      startClock(g, g.current_turn, now);
      break;
    }
    case 'game_pause':
      if (!host) refuse('forbidden', 'host only');
      if (g.status !== 'active') refuse('invalid_state', 'not active');
      stopClocks(g, now);
      g.status = 'paused';
      g.active_since = 0;
      break;
    case 'game_resume':
      if (!host) refuse('forbidden', 'host only');
      if (g.status !== 'paused') refuse('invalid_state', 'not paused');
      g.status = 'active';
      g.active_since = now;
      startClock(g, g.current_turn || 1, now);
      break;
    case 'game_end':
      if (g.status === 'ended') refuse('invalid_state', 'already ended');
      if (!host) {
        if (g.status === 'setup') refuse('invalid_state', 'not started');
        if (d.winner !== (me === 1 ? 2 : 1)) refuse('forbidden', 'a player may only concede');
      }
      endGame(g, 'winner' in d ? d.winner : undefined, now);
      break;
    case 'settings_update': {
      if (!host) refuse('forbidden', 'host only');
      for (const [k, v] of Object.entries(d)) {
        if (k === 'expected_version') continue;
        if (!['string', 'number', 'boolean'].includes(typeof v)) refuse('bad_message', 'setting ' + k);
        g.settings[k] = v;
      }
      if (g.status === 'setup' && typeof d.clock_ms === 'number') g.players.forEach((p) => (p.time_remaining = d.clock_ms));
      break;
    }
    case 'undo': {
      const entry = [...g.log].reverse().find((e) => !e.undone && e.type !== 'undo' && (host || (e.actor === 'player' + me && e.type === 'score_update')));
      if (!entry) refuse('invalid_state', 'nothing to undo');
      const prev = JSON.parse(entry.before);
      if (entry.type === 'score_update') {
        const n = entry.data.player_number;
        for (const f of ['primary', 'secondary', 'cp', 'private']) g.players[n - 1][f] = prev.players[n - 1][f];
      } else {
        stopClocks(g, now);
        for (const k of ['status', 'round', 'current_turn', 'first_player', 'attacker', 'winner', 'settings']) g[k] = prev[k];
        prev.players.forEach((pp, i) => {
          for (const f of ['name', 'faction', 'primary', 'secondary', 'cp', 'flagged']) g.players[i][f] = pp[f];
        });
        if (g.status === 'active') startClock(g, g.current_turn, now);
      }
      entry.undone = g.version + 1;
      break;
    }
    default:
      if (!EV.apply(g, type, d, who)) refuse('unknown_type', 'unknown type ' + type);
  }
  g.version++;
  g.updated_at = iso();
  g.log.push({ seq: g.log.length + 1, version: g.version, timestamp: iso(), type, actor: host ? 'host' : 'player' + me, data: d, undone: false, before });
}

function gainCp(g) {
  const n = Number(g.settings.cp_per_turn) || 0;
  if (n) g.players.forEach((p) => (p.cp = Math.min(99, p.cp + n)));
}
function endGame(g, winner, now) {
  stopClocks(g, now);
  g.status = 'ended';
  g.active_since = 0;
  if (winner === undefined) {
    const [a, b] = g.players.map((p) => p.primary + p.secondary);
    g.winner = a > b ? 1 : b > a ? 2 : null;
  } else g.winner = winner;
}

// Server settings (GET/PUT /api/settings, strings only; null removes a key).
const settings = {};
/** WIFI:T:...;S:...;P:...;; from the wifi.* settings, as the C server builds it. */
function wifiText() {
  const esc = (v) => String(v).replace(/[\\;,:"]/g, (c) => '\\' + c);
  const pass = settings['wifi.password'] || '';
  const sec = settings['wifi.security'] || 'WPA';
  const open = !pass || sec === 'nopass';
  return 'WIFI:T:' + (open ? 'nopass' : sec === 'WEP' ? 'WEP' : 'WPA') + ';S:' + esc(settings['wifi.ssid']) + ';' + (open ? '' : 'P:' + esc(pass) + ';') + ';';
}

// ---------- persistence (--db FILE: JSON, so a restart keeps games and sessions) ----------
function save() {
  if (!opt.db) return;
  const now = mono();
  const gs = [...games.values()].map((g) => {
    settle(g, now);
    return { ...g, flagTimer: undefined, players: g.players.map((p) => ({ ...p, started: 0 })) };
  });
  const data = { games: gs, invites: [...invites.values()], sessions: [...sessions.entries()], settings };
  writeFileSync(opt.db + '.tmp', JSON.stringify(data));
  renameSync(opt.db + '.tmp', opt.db);
}
function load() {
  if (!opt.db || !existsSync(opt.db)) return;
  const data = JSON.parse(readFileSync(opt.db, 'utf8'));
  for (const g of data.games) {
    // like the real server: an active game comes back paused, clocks not charged
    if (g.status === 'active') g.status = 'paused';
    g.active_since = 0;
    g.players.forEach((p) => (p.is_running = false));
    games.set(g.game_id, g);
  }
  for (const i of data.invites) invites.set(i.code, i);
  for (const [t, s] of data.sessions) sessions.set(t, s);
  Object.assign(settings, data.settings || {});
}
load();

// ---------- auth ----------
const isLoopback = (addr) => addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
function eq(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}
function whoIs(token, addr) {
  if (token && eq(token, HOST_TOKEN)) return { role: 'host' };
  if (token && sessions.has(token)) {
    const s = sessions.get(token);
    if (s.role === 'entrant') return EV.resolve(s);
    if (s.role === 'event-observer') return s;
    const inv = invites.get(s.code);
    if (inv && !inv.revoked && games.has(s.game_id)) return s;
  }
  if (!token && opt.trustLoopback && isLoopback(addr)) return { role: 'host' };
  return { role: 'none' };
}
const mayRead = (who, gameId) => who.role === 'host' || ((who.role === 'player' || who.role === 'observer') && who.game_id === gameId) || EV.mayRead(who, gameId);

// ---------- WebSocket ----------
const clients = new Set();
let clientSeq = 0;
function isConnected(gameId, n) {
  for (const c of clients) if (c.who.role === 'player' && c.who.game_id === gameId && c.who.player_number === n) return true;
  return false;
}
function env(type, data, gameId) {
  const m = { type, data, timestamp: iso() };
  if (gameId) m.game_id = gameId;
  return JSON.stringify(m);
}
function broadcast(g) {
  save();
  for (const c of clients) if (c.subs.has(g.game_id)) c.ws.send(env('game_state', publicState(g, whoNow(c)), g.game_id));
  pushGames();
  EV.changed(g);
}
/** The game list to every host that asked for it (subscribe_games), newest-updated first. */
function gamesMessage() {
  const list = [...games.values()].sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  return env('games', { games: list.map(summary) });
}
function pushGames() {
  for (const c of clients) if (c.gamesSub) c.ws.send(gamesMessage());
}
function broadcastPresence(gameId) {
  const g = games.get(gameId);
  if (g) broadcast(g);
}

function handleAction(g, msg, who) {
  const d = msg.data && typeof msg.data === 'object' ? msg.data : {};
  apply(g, msg.type, d, who);
  return { ref: msg.id, version: g.version };
}

/** An entrant's role follows its table: ask again on every message. */
function whoNow(c) {
  if (c.token && c.who.role !== 'host') c.who = whoIs(c.token, c.addr);
  return c.who;
}

function onWsMessage(c, text) {
  whoNow(c);
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return c.ws.send(env('error', { code: 'bad_json', message: 'not JSON' }));
  }
  const ref = typeof msg.id === 'string' ? msg.id : undefined;
  const err = (code, message, extra = {}) => c.ws.send(env('error', { code, message, ref, ...extra }, msg.game_id));
  if (!msg || typeof msg.type !== 'string') return err('bad_message', 'type missing');
  if (msg.type === 'heartbeat') return c.ws.send(env('heartbeat', { server_time: Date.now(), ref }));
  if (msg.type === 'connect') {
    const who = whoIs(msg.data && msg.data.token, c.addr);
    if (who.role === 'none') return err('unauthorized', 'bad token');
    c.who = who;
    c.token = msg.data.token;
    return sendConnect(c);
  }
  if (c.who.role === 'none') return err('unauthorized', 'authenticate first');
  if (EV.ws(c, msg, err)) return;
  if (msg.type === 'subscribe_games' || msg.type === 'unsubscribe_games') {
    if (c.who.role !== 'host') return err('forbidden', 'host only');
    c.gamesSub = msg.type === 'subscribe_games';
    if (c.gamesSub) c.ws.send(gamesMessage());
    return;
  }
  const gameId = msg.game_id || c.who.game_id;
  const g = games.get(gameId);
  if (!g) return err('not_found', 'no such game');
  if (!mayRead(c.who, gameId)) return err('forbidden', 'not your game');
  if (msg.type === 'subscribe') {
    c.subs.add(gameId);
    c.ws.send(env('game_state', publicState(g, c.who), gameId));
    return;
  }
  if (msg.type === 'game_state' && (!msg.data || Object.keys(msg.data).length === 0)) {
    c.ws.send(env('game_state', publicState(g, c.who), gameId));
    return;
  }
  try {
    const ack = handleAction(g, msg, c.who);
    if (ref) c.ws.send(env('ack', ack, gameId));
    broadcast(g);
  } catch (e) {
    if (e instanceof Refusal) err(e.code, e.message, e.version !== undefined ? { version: e.version } : {});
    else err('internal', String(e));
  }
}

function sendConnect(c) {
  const d = { client_id: c.id, role: c.who.role, server_time: Date.now(), protocol: 1 };
  if (c.who.role === 'player') d.player_number = c.who.player_number;
  if (c.who.game_id) d.game_id = c.who.game_id;
  if (c.who.event_id) d.event_id = c.who.event_id;
  if (c.who.entrant_id) d.entrant_id = c.who.entrant_id;
  c.ws.send(env('connect', d));
  if (c.who.role === 'player') broadcastPresence(c.who.game_id);
}

// ---------- HTTP ----------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.webmanifest': 'application/manifest+json' };
const APP_ROUTES = new Set(['/', '/play', '/watch', '/display', '/host', '/overlay', '/event', '/hall', '/host/events']);

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}
const fail = (res, status, code, message) => send(res, status, { error: { code, message } });
const STATUS = { bad_json: 400, bad_message: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, invalid_state: 409, unknown_type: 400, too_large: 413, rate_limited: 429 };

function readBody(req) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const chunks = [];
    req.on('data', (c) => {
      n += c.length;
      if (n > 16384) reject(new Refusal('too_large', 'body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      const t = Buffer.concat(chunks).toString('utf8');
      if (!t) return resolve({});
      try {
        resolve(JSON.parse(t));
      } catch {
        reject(new Refusal('bad_json', 'not JSON'));
      }
    });
  });
}

function serveFile(res, path) {
  const file = normalize(join(DIST, path));
  if (!file.startsWith(normalize(DIST)) || !existsSync(file) || statSync(file).isDirectory()) return false;
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': path.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache' });
  res.end(readFileSync(file));
  return true;
}

function summary(g) {
  return { game_id: g.game_id, status: g.status, version: g.version, round: g.round, players: g.players.map((p) => ({ name: p.name, score: p.primary + p.secondary })), updated_at: g.updated_at };
}

function csvCell(v) {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

async function onHttp(req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  const auth = req.headers.authorization || '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
  const who = whoIs(token, req.socket.remoteAddress);
  const host = who.role === 'host';
  try {
    if (path === '/healthz') return send(res, 200, { status: 'ok', mock: true });
    if (path === '/api/join' && req.method === 'POST') {
      const b = await readBody(req);
      const t0 = randomBytes(24).toString('base64url');
      const ej = EV.join(String(b.code || '').toUpperCase(), t0);
      if (ej) return send(res, 200, ej);
      const inv = invites.get(String(b.code || '').toUpperCase());
      if (!inv || inv.revoked || inv.event) return fail(res, 404, 'not_found', 'unknown code');
      const t = randomBytes(24).toString('base64url');
      const s = { role: inv.role, game_id: inv.game_id, player_number: inv.player_number || null, code: inv.code };
      sessions.set(t, s);
      save();
      return send(res, 200, { token: t, role: s.role, game_id: s.game_id, player_number: s.player_number });
    }
    if (path === '/api/settings' && (req.method === 'GET' || req.method === 'PUT')) {
      if (!host) return fail(res, who.role === 'none' ? 401 : 403, 'unauthorized', 'host only');
      if (req.method === 'PUT') {
        const b = await readBody(req);
        if (!b || typeof b !== 'object' || Array.isArray(b)) return fail(res, 400, 'bad_message', 'an object');
        for (const [k, v] of Object.entries(b)) if (v !== null && typeof v !== 'string') return fail(res, 400, 'bad_message', k + ': a string or null');
        for (const [k, v] of Object.entries(b)) if (v === null) delete settings[k];
        else settings[k] = v;
        save();
      }
      return send(res, 200, settings);
    }
    if (path === '/api/wifi.svg' && req.method === 'GET') {
      if (!host) return fail(res, who.role === 'none' ? 401 : 403, 'unauthorized', 'host only');
      if (!settings['wifi.ssid']) return fail(res, 404, 'not_found', 'no Wi-Fi network is configured (setting wifi.ssid)');
      const svg = await QRCode.toString(wifiText(), { type: 'svg', margin: 4, errorCorrectionLevel: 'M' });
      return send(res, 200, svg, 'image/svg+xml');
    }
    if (path === '/api/games' && req.method === 'GET') {
      if (!host) return fail(res, 401, 'unauthorized', 'host only');
      return send(res, 200, { games: [...games.values()].map(summary) });
    }
    if (path === '/api/games' && req.method === 'POST') {
      if (!host) return fail(res, 401, 'unauthorized', 'host only');
      const g = createGame(await readBody(req));
      save();
      return send(res, 201, publicState(g, who));
    }
    const m = /^\/api\/games\/([^/]+)(\/[a-z.]+)?(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const g = games.get(decodeURIComponent(m[1]));
      const sub = m[2] || '';
      if (who.role === 'none') return fail(res, 401, 'unauthorized', 'token needed');
      if (!g) return fail(res, 404, 'not_found', 'no such game');
      if (!mayRead(who, g.game_id)) return fail(res, 403, 'forbidden', 'not your game');
      if (sub === '' && req.method === 'GET') return send(res, 200, publicState(g, who));
      if (sub === '' && req.method === 'DELETE' && host) {
        games.delete(g.game_id);
        pushGames();
        save();
        for (const c of clients) if (c.subs.has(g.game_id)) c.subs.delete(g.game_id);
        res.writeHead(204).end();
        return;
      }
      if (sub === '/actions' && req.method === 'POST') {
        const msg = await readBody(req);
        try {
          const ack = handleAction(g, msg, who);
          broadcast(g);
          return send(res, 200, ack);
        } catch (e) {
          if (e instanceof Refusal) return send(res, STATUS[e.code] || 400, { code: e.code, message: e.message, ref: msg.id, version: e.version });
          throw e;
        }
      }
      if (sub === '/history' && req.method === 'GET') {
        const rows = g.log.map(({ version, timestamp, actor, type, data, undone }) => ({ version, at: timestamp, actor, type, data, undone_by: undone || null }));
        if (url.searchParams.get('format') === 'csv') {
          const cols = ['version', 'at', 'actor', 'type', 'data', 'undone_by'];
          const text = [cols.join(',')].concat(rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))).join('\n') + '\n';
          res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="' + g.game_id + '.csv"' });
          return res.end(text);
        }
        return send(res, 200, { game_id: g.game_id, entries: rows });
      }
      if (!host) return fail(res, 403, 'forbidden', 'host only');
      if (sub === '/invites' && req.method === 'GET' && !m[3]) {
        const list = [...invites.values()].filter((i) => i.game_id === g.game_id && !i.revoked);
        return send(res, 200, { invites: list.map((i) => ({ code: i.code, url: 'http://' + req.headers.host + '/j/' + i.code, role: i.role, player_number: i.player_number })) });
      }
      if (sub === '/invites' && req.method === 'POST') {
        const b = await readBody(req);
        if (b.role !== 'player' && b.role !== 'observer') return fail(res, 400, 'bad_message', 'role');
        if (b.role === 'player' && b.player_number !== 1 && b.player_number !== 2) return fail(res, 400, 'bad_message', 'player_number');
        const code = newCode();
        const inv = { code, game_id: g.game_id, role: b.role, player_number: b.role === 'player' ? b.player_number : null, revoked: false };
        invites.set(code, inv);
        save();
        return send(res, 201, { code, url: 'http://' + req.headers.host + '/j/' + code, role: inv.role, player_number: inv.player_number });
      }
      if (sub === '/invites' && req.method === 'DELETE' && m[3]) {
        const inv = invites.get(m[3]);
        if (!inv || inv.game_id !== g.game_id) return fail(res, 404, 'not_found', 'no such invite');
        inv.revoked = true;
        save();
        for (const c of clients) if (c.who.code === inv.code) c.ws.close(1008, 'revoked');
        res.writeHead(204).end();
        return;
      }
      if (sub === '/qr.svg' && req.method === 'GET') {
        const code = url.searchParams.get('code');
        if (!invites.has(code)) return fail(res, 404, 'not_found', 'no such invite');
        const svg = await QRCode.toString('http://' + req.headers.host + '/j/' + code, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
        return send(res, 200, svg, 'image/svg+xml');
      }
      return fail(res, 404, 'not_found', 'no such route');
    }
    if (await EV.http(req, res, path, url, who)) return;
    if (path.startsWith('/api/')) return fail(res, 404, 'not_found', 'no such route');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'bad_message', 'method');
    if (APP_ROUTES.has(path) || /^\/j\/[^/]+$/.test(path) || /^\/(hall|host\/events)\/[^/]+$/.test(path) || /^\/host\/events\/[^/]+\/checkin$/.test(path)) return serveFile(res, '/index.html') || send(res, 503, 'build the app first: npm run build', 'text/plain');
    if (serveFile(res, path)) return;
    return send(res, 404, 'not found', 'text/plain');
  } catch (e) {
    if (e instanceof Refusal) return fail(res, STATUS[e.code] || 400, e.code, e.message);
    console.error(e);
    return fail(res, 500, 'internal', 'internal error');
  }
}

const EV = mockEvents({
  games,
  invites,
  sessions,
  clients,
  newCode,
  createGame,
  publicState,
  broadcast,
  env,
  whoIs,
  refuse,
  endGame: (g, winner) => endGame(g, winner, mono()),
  send: (...a) => send(...a),
  fail: (...a) => fail(...a),
  readBody: (req) => readBody(req),
});

const server = createServer((req, res) => {
  onHttp(req, res);
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 16384 });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws' && url.pathname !== '/') return socket.destroy();
  const token = url.searchParams.get('token');
  const who = whoIs(token, req.socket.remoteAddress);
  if (token && who.role === 'none') {
    socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return socket.destroy();
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const c = { ws, id: 'k' + ++clientSeq, who, token, subs: new Set(), addr: req.socket.remoteAddress };
    clients.add(c);
    sendConnect(c);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      onWsMessage(c, data.toString('utf8'));
    });
    ws.on('close', () => {
      clients.delete(c);
      if (c.who.role === 'player') broadcastPresence(c.who.game_id);
    });
  });
});

server.listen(opt.port, opt.bind, () => {
  const a = server.address();
  console.log('state-server mock (protocol 1)');
  console.log('listening on http://' + a.address + ':' + a.port);
  console.log('host token: ' + HOST_TOKEN);
});
const bye = () => {
  for (const c of clients) c.ws.close(1001);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
