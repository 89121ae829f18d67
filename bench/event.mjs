// The event workload (issue 12, docs/tournaments.md "Figures"): one room of a
// tournament on one box, measured.
//
//   load: 256 entrants, round 1 paired (128 tables), 128 phones (one player of each
//         table, on its entrant token, subscribed to its game, scoring its own game
//         once a second) and one hall board (an event observer, subscribe_event),
//         for BENCH_EVENT_SECONDS (30). Reports the pairing time, change-to-delivery
//         p50/p99 on the tables (the phone that sent it gets its game's broadcast) and
//         on the board (the first event_state that shows the change), how many
//         event_state the board got a second, server CPU and RSS.
//   cost: the server under callgrind, one game with 10 subscribers and 5 changes a
//         second, once as a plain game and once as a table of an event (with the board
//         subscribed to the event): instructions per change and their ratio.
//
// usage: node bench/event.mjs [--no-cost] [--json build/bench/event.json]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WebSocket = createRequire(join(root, 'tests', 'package.json'))('ws');
const BIN = process.env.STATE_SERVER_BIN || join(root, 'build', 'state-server');
const SECONDS = Number(process.env.BENCH_EVENT_SECONDS) || 30;
const COST_SECONDS = Number(process.env.BENCH_EVENT_COST_SECONDS) || 10;
const TOKEN = 'bench-host-token-0123456789abcdef';
const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : join(root, 'build', 'bench', 'event.json');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(wrap = [], extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'state-bench-event-'));
  const argv = [...wrap, BIN, '--port', '0', '--bind', '127.0.0.1', '--db', join(dir, 'state.db'), '--host-token', TOKEN,
    '--max-connections', '20000', ...extra];
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start: ' + err)), 60000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/[^\s]*:(\d+)/);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
  });
  return {
    proc, dir, port, url: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/ws`, get err() { return err; },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function http(srv, method, path, body, token = TOKEN) {
  const h = { authorization: `Bearer ${token}` };
  if (body !== undefined) h['content-type'] = 'application/json';
  const r = await fetch(srv.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

function client(url, onMessage) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('message', (d) => onMessage(JSON.parse(d.toString())));
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const cpuTicks = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const status = (pid, key) => Number((readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`)) || [])[1]);

async function load() {
  // BENCH_EVENT_DURABILITY=normal leaves the fsync of each commit out of the latencies.
  const srv = await start([], ['--durability', process.env.BENCH_EVENT_DURABILITY || 'full']);
  const ev = await http(srv, 'POST', '/api/events', { name: 'Bench open', rounds: 5, round_time_ms: 9000000 });
  const E = `/api/events/${ev.event_id}`;
  const added = await http(srv, 'POST', `${E}/entrants`, {
    entrants: Array.from({ length: 256 }, (_, i) => ({ name: `Entrant ${i + 1}`, faction: `F${i % 20}`, club: `Club ${i % 40}` })),
  });
  const t0 = performance.now();
  const state = await http(srv, 'POST', `${E}/rounds`);
  const pairRestMs = performance.now() - t0;
  await sleep(100);
  const logged = srv.err.match(/round 1 paired \((\d+) tables, pairing ([\d.]+) ms/);
  const code = Object.fromEntries(added.entrants.map((e) => [e.entrant_id, e.code]));

  // 128 phones: player 1 of every table, on its entrant token.
  const tableLat = [], boardLat = [];
  const pending = new Map(); // game_id -> [{k, at}], oldest first, until the board shows it
  const sentAt = new Map(); // `${game}:${k}` -> send time
  const phones = [];
  for (const t of state.tables) {
    const j = await (await fetch(srv.url + '/api/join', { method: 'POST', body: JSON.stringify({ code: code[t.players[0].entrant_id] }) })).json();
    const game = t.game_id;
    const ws = await client(`${srv.ws}?token=${j.token}`, (m) => {
      if (m.type === 'game_state' && m.game_id === game) {
        const k = m.data.players[0].primary;
        const at = sentAt.get(`${game}:${k}`);
        if (at !== undefined) { tableLat.push(performance.now() - at); sentAt.delete(`${game}:${k}`); }
      }
    });
    ws.send(JSON.stringify({ type: 'subscribe', game_id: game }));
    phones.push({ ws, game, k: 0 });
  }
  await http(srv, 'POST', `/api/games/${state.tables[0].game_id}/actions`, { type: 'game_start' }); // one active game, the rest in setup
  const obs = await http(srv, 'POST', `${E}/invites`, { role: 'observer' });
  const oj = await (await fetch(srv.url + '/api/join', { method: 'POST', body: JSON.stringify({ code: obs.code }) })).json();
  let boardMsgs = 0, boardBytes = 0, measuring = false;
  const board = await client(`${srv.ws}?token=${oj.token}`, (m) => {
    if (m.type !== 'event_state') return;
    const now = performance.now();
    if (measuring) { boardMsgs++; boardBytes += JSON.stringify(m).length; }
    for (const t of m.data.tables) {
      const q = pending.get(t.game_id);
      while (q && q.length && q[0].k <= t.players[0].primary) { boardLat.push(now - q.shift().at); }
    }
  });
  board.send(JSON.stringify({ type: 'subscribe_event', data: { event_id: ev.event_id } }));
  await sleep(1000);

  // Every phone scores its own game once a second, the phones spread over the second.
  const pid = srv.proc.pid;
  const cpu0 = cpuTicks(pid), w0 = performance.now();
  measuring = true;
  const end = Date.now() + SECONDS * 1000;
  const timers = phones.map((p, i) => setTimeout(function tick() {
    if (Date.now() >= end) return;
    p.k++;
    const at = performance.now();
    sentAt.set(`${p.game}:${p.k}`, at);
    if (!pending.has(p.game)) pending.set(p.game, []);
    pending.get(p.game).push({ k: p.k, at });
    p.ws.send(JSON.stringify({ type: 'score_update', game_id: p.game, data: { player_number: 1, primary: p.k } }));
    timers[i] = setTimeout(tick, 1000);
  }, (i * 1000) / phones.length));
  await sleep(SECONDS * 1000 + 1500);
  measuring = false;
  const window = (performance.now() - w0) / 1000;
  const cpu = (cpuTicks(pid) - cpu0) / 100 / window;
  const rss = status(pid, 'VmRSS'), hwm = status(pid, 'VmHWM');
  const changes = phones.reduce((s, p) => s + p.k, 0);
  for (const p of phones) p.ws.close();
  board.close();
  await srv.stop();
  return {
    entrants: 256, tables: state.tables.length, seconds: SECONDS, changes, durability: process.env.BENCH_EVENT_DURABILITY || 'full',
    pairing_logged_ms: logged ? Number(logged[2]) : null, pairing_rest_ms: Math.round(pairRestMs * 10) / 10,
    table_p50_ms: pct(tableLat, 50), table_p99_ms: pct(tableLat, 99), table_samples: tableLat.length,
    board_p50_ms: pct(boardLat, 50), board_p99_ms: pct(boardLat, 99), board_samples: boardLat.length,
    board_event_states_per_s: Math.round((boardMsgs / window) * 100) / 100, board_kb_per_s: Math.round(boardBytes / window / 1024),
    server_cpu: Math.round(cpu * 1000) / 10, rss_kb: rss, rss_peak_kb: hwm,
  };
}

// One game, 10 subscribers, 5 changes a second from the host, under callgrind.
async function cost(withEvent) {
  const cg = join(root, 'build', 'bench', `callgrind.event-${withEvent ? 'event' : 'plain'}.out`);
  if (existsSync(cg)) rmSync(cg);
  const srv = await start(['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${cg}`], ['--log-level', 'warn']);
  let game;
  if (withEvent) {
    const ev = await http(srv, 'POST', '/api/events', { name: 'Cost', rounds: 3 });
    await http(srv, 'POST', `/api/events/${ev.event_id}/entrants`, { entrants: [{ name: 'A' }, { name: 'B' }] });
    const st = await http(srv, 'POST', `/api/events/${ev.event_id}/rounds`);
    game = st.tables[0].game_id;
    const board = await client(`${srv.ws}?token=${TOKEN}`, () => {});
    board.send(JSON.stringify({ type: 'subscribe_event', data: { event_id: ev.event_id } }));
    srv.board = board;
  } else {
    game = (await http(srv, 'POST', '/api/games', { player1_name: 'A', player2_name: 'B' })).game_id;
  }
  const subs = [];
  for (let i = 0; i < 10; i++) {
    const ws = await client(`${srv.ws}?token=${TOKEN}`, () => {});
    ws.send(JSON.stringify({ type: 'subscribe', game_id: game }));
    subs.push(ws);
  }
  let acks = 0, k = 0;
  const host = await client(`${srv.ws}?token=${TOKEN}`, (m) => { if (m.type === 'ack') acks++; });
  await sleep(2000);
  execFileSync('callgrind_control', ['-i', 'on', String(srv.proc.pid)], { stdio: 'ignore' });
  const a0 = acks;
  for (let i = 0; i < COST_SECONDS * 5; i++) {
    host.send(JSON.stringify({ type: 'score_update', game_id: game, id: `c${i}`, data: { player_number: 1, primary: (++k) % 900 } }));
    await sleep(200);
  }
  await sleep(1000);
  execFileSync('callgrind_control', ['-i', 'off', String(srv.proc.pid)], { stdio: 'ignore' });
  const n = acks - a0;
  for (const ws of subs) ws.close();
  host.close();
  if (srv.board) srv.board.close();
  await srv.stop();
  const ir = readFileSync(cg, 'utf8').split('\n').filter((l) => l.startsWith('totals:')).reduce((s, l) => s + Number(l.split(/\s+/)[1]), 0);
  return { acks: n, instructions: ir, per_change: Math.round(ir / n) };
}

const result = { load: await load() };
console.log(JSON.stringify(result.load, null, 2));
if (!args.includes('--no-cost')) {
  result.cost_plain = await cost(false);
  result.cost_event = await cost(true);
  result.cost_ratio = Math.round((result.cost_event.per_change / result.cost_plain.per_change) * 100) / 100;
  console.log(JSON.stringify({ plain: result.cost_plain, event: result.cost_event, ratio: result.cost_ratio }, null, 2));
}
writeFileSync(jsonOut, JSON.stringify(result, null, 2) + '\n');
const L = result.load;
console.log(`pairing 256 entrants: ${L.pairing_logged_ms} ms (server log, the pairing itself), ${L.pairing_rest_ms} ms for POST rounds with its 128 games (target < 100 ms)`);
console.log(`tables: p50 ${L.table_p50_ms?.toFixed(1)} ms, p99 ${L.table_p99_ms?.toFixed(1)} ms over ${L.table_samples} changes`);
console.log(`board: p50 ${L.board_p50_ms?.toFixed(1)} ms, p99 ${L.board_p99_ms?.toFixed(1)} ms; ${L.board_event_states_per_s} event_state/s (${L.board_kb_per_s} KiB/s)`);
console.log(`server: ${L.server_cpu}% of a core, RSS ${L.rss_kb} KiB (peak ${L.rss_peak_kb} KiB)`);
if (result.cost_ratio) console.log(`instructions per change: plain ${result.cost_plain.per_change}, event ${result.cost_event.per_change}, ratio ${result.cost_ratio} (target <= 1.5)`);
