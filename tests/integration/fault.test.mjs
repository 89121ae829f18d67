// Fault injection: the Nth xWrite, xSync or xTruncate fails, for every N the workload
// reaches (tests/support/faultvfs.c, in build/test/state-server-fault).
//
// One scripted workload: games created over WebSocket and REST, score, turn, start,
// pause and undo changes over WebSocket with ids, REST actions, PUT /api/settings,
// invites and joins, and bursts in which WebSocket changes from three connections and
// a settings PUT arrive in the same loop turn (one group transaction). A first run
// under `count` learns how many calls of each kind it makes; then every N from 1 to
// that count (and two past it) runs on a fresh database. After each run:
// - the server still answers: /healthz is 200 and a new change is acknowledged;
// - the file passes sqlite3's PRAGMA integrity_check, and the release binary starts
//   on it (its start-up runs the same check);
// - every acknowledged change is there (its version and value in the history), the
//   state each game had in memory is the state on disk, every acknowledged setting,
//   invite and join is there;
// - no refused change is there (no history entry, setting or invite from it).
//
// A small page cache (STATE_SERVER_FAULT_CACHE) makes SQLite spill pages to the WAL
// inside statements, so faults also hit a statement in the middle of an open group
// transaction and not only its COMMIT.
//
// FAULT_KINDS=write,sync,truncate and FAULT_MAX_N limit the sweep; FAULT_VERBOSE=1
// prints each trial.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, http } from './lib.mjs';
import { FAULT_BIN, haveFaultBin, startBin, startNormal, readCounts, rawConnect, rawRequest } from './faultlib.mjs';

const CACHE_PAGES = process.env.FAULT_CACHE_PAGES || '10';
const KINDS = (process.env.FAULT_KINDS || 'write,sync,truncate').split(',');
const MAX_N = Number(process.env.FAULT_MAX_N) || Infinity;
const VERBOSE = !!process.env.FAULT_VERBOSE;
// The fault VFS is a host build's: under qemu (make test-cross) there is nothing
// architecture-specific to learn from it, only minutes to spend.
const skip = process.env.STATE_SERVER_WRAP ? 'the fault build is the host\'s (test-cross)'
  : haveFaultBin ? false : `${FAULT_BIN} is not built (make fault-bin)`;

/** Runs the workload on srv and records every outcome. */
async function workload(srv) {
  const rec = { changes: [], games: [], settings: [], invites: [], joins: [], unexpected: [], bursts: [] };
  let marker = 100;
  const conns = [await open(srv.ws + '/ws'), await open(srv.ws + '/ws'), await open(srv.ws + '/ws')];
  const [h] = conns;

  const outcome = (game, type, mark, r) => {
    const ok = r && r.type === 'ack';
    if (!ok && !(r && r.type === 'error' && ['internal', 'not_found', 'invalid_state'].includes(r.data.code))) {
      rec.unexpected.push({ game, type, r });
    }
    // not_found / invalid_state follow an earlier refusal (a game that was never made)
    rec.changes.push({ game, type, mark, acked: ok, version: ok ? r.data.version : undefined, code: ok ? null : r && r.data.code });
  };
  const ws = async (c, game, type, data, mark) => outcome(game, type, mark, await c.request(type, data, { game_id: game }).catch(() => null));
  const score = (c, game, player) => { const m = ++marker; return ws(c, game, 'score_update', { player_number: player, secondary: m }, m); };
  const rest = async (game, type, data, mark) => {
    const r = await http(srv, 'POST', `/api/games/${game}/actions`, { body: { type, data, id: `rest-${mark}` } });
    outcome(game, type, mark, r.status === 200 ? { type: 'ack', data: r.json } : { type: 'error', data: (r.json && r.json.error) || { code: `http ${r.status}` } });
  };
  const putSetting = (r, key, value) => {
    if (r.status !== 200 && r.status !== 500) rec.unexpected.push({ setting: key, r });
    rec.settings.push({ key, value, acked: r.status === 200 });
  };

  // Games: one over WebSocket, one over REST. Long game settings make every logged
  // state span overflow pages, so a transaction of a few changes outgrows the small
  // page cache and spills inside a statement.
  const bulk = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`note${i}`, `${'x'.repeat(190)}${i}`]));
  const mk = await h.request('game_state', { game_id: 'ws-a', settings: { clock_ms: 3600000, ...bulk }, players: [{ player_number: 1, name: 'Ana' }, { player_number: 2, name: 'Ben' }] }, { game_id: 'ws-a' }).catch(() => null);
  rec.games.push({ game: 'ws-a', acked: !!mk && mk.type === 'ack' });
  outcome('ws-a', 'game_state', null, mk);
  const mb = await http(srv, 'POST', '/api/games', { body: { player1_name: 'Cy', player2_name: 'Di', game_id: 'rest-b', settings: bulk } });
  if (mb.status !== 201 && mb.status !== 500) rec.unexpected.push({ game: 'rest-b', r: mb.status });
  rec.games.push({ game: 'rest-b', acked: mb.status === 201 });
  if (mb.status === 201) rec.changes.push({ game: 'rest-b', type: 'create', mark: null, acked: true, version: mb.json.version });

  await score(h, 'ws-a', 1);
  await ws(h, 'ws-a', 'game_start', {}, null);
  await ws(h, 'ws-a', 'turn_change', {}, null);
  await score(conns[1], 'ws-a', 2);
  await ws(h, 'ws-a', 'game_pause', {}, null);
  putSetting(await http(srv, 'PUT', '/api/settings', { body: { 'fault.s1': 'one' } }), 'fault.s1', 'one');
  await rest('rest-b', 'score_update', { player_number: 2, primary: ++marker }, marker);

  const inv = await http(srv, 'POST', '/api/games/ws-a/invites', { body: { role: 'player', player_number: 1 } });
  if (inv.status === 201) rec.invites.push({ game: 'ws-a', code: inv.json.code });
  else if (inv.status !== 500 && !(inv.status === 404 && !rec.games[0].acked)) rec.unexpected.push({ invite: inv.status });
  for (const i of [...rec.invites]) {
    const j = await http(srv, 'POST', '/api/join', { body: { code: i.code } });
    if (j.status === 200) rec.joins.push({ game: i.game, token: j.json.token });
    else if (j.status !== 500) rec.unexpected.push({ join: j.status });
  }
  await score(conns[2], 'ws-a', 1);
  await ws(h, 'ws-a', 'undo', {}, null);

  // Bursts: three WebSocket changes and a settings PUT in one loop turn, so in one
  // group transaction with the PUT's write last. The server is stopped (SIGSTOP)
  // while they are sent and continued once all are in its sockets; its event loop
  // then handles them in one turn, the socket that became readable last first, so
  // the PUT is sent first.
  for (let b = 1; b <= 3; b++) {
    const sock = await rawConnect(srv.port);
    await new Promise((r) => setTimeout(r, 5)); // let the server accept it first
    const key = `fault.burst${b}`;
    srv.proc.kill('SIGSTOP');
    const put = rawRequest(sock, 'PUT', '/api/settings', { [key]: `v${b}` });
    await new Promise((r) => setTimeout(r, 5));
    const pending = [score(conns[0], 'rest-b', 1), score(conns[1], 'ws-a', 2), score(conns[2], 'ws-a', 1)];
    await new Promise((r) => setTimeout(r, 5));
    srv.proc.kill('SIGCONT');
    await Promise.all(pending);
    putSetting(await put, key, `v${b}`);
    rec.bursts.push(rec.changes.slice(-3).map((c) => (c.acked ? 'A' : 'R')).join('') + (rec.settings.at(-1).acked ? 'A' : 'R'));
  }
  await rest('ws-a', 'score_update', { player_number: 2, primary: ++marker }, marker);
  const inv2 = await http(srv, 'POST', '/api/games/rest-b/invites', { body: { role: 'observer' } });
  if (inv2.status === 201) rec.invites.push({ game: 'rest-b', code: inv2.json.code });
  await Promise.all(conns.map((c) => c.close()));
  return rec;
}

/** A snapshot of what the server holds for the games it was asked about. */
async function snapshot(srv, games) {
  const out = {};
  for (const g of games) {
    const r = await http(srv, 'GET', `/api/games/${g}`);
    out[g] = r.status === 200 ? r.json : null;
  }
  return out;
}

const essence = (s) => s && {
  players: s.players.map((p) => [p.name, p.primary, p.secondary, p.cp]),
  round: s.round, current_turn: s.current_turn,
  status: s.status === 'active' ? 'paused' : s.status, // a restart pauses active games
};

/** Checks the database at db against what the workload recorded; returns problems. */
async function verify(db, rec, before) {
  const problems = [];
  const integrity = execFileSync('sqlite3', [db, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim();
  if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
  const srv = await startNormal(db);
  if (srv.failed) return [...problems, `the release binary does not start on the file: ${srv.stderr}`];
  try {
    for (const g of rec.games) {
      const st = await http(srv, 'GET', `/api/games/${g.game}`);
      if (g.acked && st.status !== 200) problems.push(`acknowledged game ${g.game} is missing`);
      if (!g.acked && st.status !== 404) problems.push(`refused game ${g.game} exists`);
    }
    for (const game of ['ws-a', 'rest-b']) {
      const st = await http(srv, 'GET', `/api/games/${game}`);
      if (st.status !== 200) {
        if (before[game]) problems.push(`game ${game} was served before the restart but is gone`);
        continue;
      }
      const hist = (await http(srv, 'GET', `/api/games/${game}/history`)).json.entries;
      const byVersion = new Map(hist.map((e) => [e.version, e]));
      const marks = new Set(hist.map((e) => e.data && (e.data.secondary ?? e.data.primary)).filter((x) => x !== undefined));
      for (const c of rec.changes.filter((x) => x.game === game)) {
        if (c.acked) {
          const e = byVersion.get(c.version);
          if (!e) problems.push(`acknowledged ${c.type} of ${game} (version ${c.version}, value ${c.mark}) lost`);
          else if (c.mark !== null && (e.data.secondary ?? e.data.primary) !== c.mark) {
            problems.push(`version ${c.version} of ${game} is ${JSON.stringify(e.data)}, acknowledged value ${c.mark}`);
          }
        } else if (c.mark !== null && marks.has(c.mark)) {
          problems.push(`refused ${c.type} of ${game} (value ${c.mark}, ${c.code}) is in the history`);
        }
      }
      for (let v = 1; v <= st.json.version; v++) if (!byVersion.has(v)) problems.push(`${game}: version ${v} missing from the log`);
      const a = essence(before[game]);
      const b = essence(st.json);
      if (before[game] && JSON.stringify(a) !== JSON.stringify(b)) {
        problems.push(`${game} served ${JSON.stringify(a)} before the restart, ${JSON.stringify(b)} after`);
      }
    }
    const settings = (await http(srv, 'GET', '/api/settings')).json;
    for (const s of rec.settings) {
      if (s.acked && settings[s.key] !== s.value) problems.push(`acknowledged setting ${s.key} lost`);
      if (!s.acked && s.key in settings) problems.push(`refused setting ${s.key} is there`);
    }
    for (const game of ['ws-a', 'rest-b']) {
      const l = await http(srv, 'GET', `/api/games/${game}/invites`);
      const have = l.status === 200 ? (l.json.invites || l.json).map((i) => i.code) : [];
      const want = rec.invites.filter((i) => i.game === game).map((i) => i.code);
      for (const c of want) if (!have.includes(c)) problems.push(`acknowledged invite ${c} lost`);
      for (const c of have) if (!want.includes(c)) problems.push(`refused invite ${c} of ${game} is there`);
    }
    for (const j of rec.joins) {
      const r = await http(srv, 'GET', `/api/games/${j.game}`, { token: j.token });
      if (r.status !== 200) problems.push(`acknowledged join's session does not work (${r.status})`);
    }
  } finally {
    await srv.stop();
  }
  return problems;
}

/** One trial: the workload under fault, then the checks. */
async function trial(fault, dir) {
  const db = join(dir, `t.db`);
  const report = join(dir, 'counts');
  rmSync(db, { force: true }); rmSync(`${db}-wal`, { force: true }); rmSync(`${db}-shm`, { force: true });
  // 4 KiB pages, the size databases made before 1 KiB became the default: the same
  // transactions in a quarter of the xWrite calls, so every N fits in CI's time.
  const env = { STATE_SERVER_FAULT: fault, STATE_SERVER_FAULT_REPORT: report, STATE_SERVER_FAULT_CACHE: CACHE_PAGES,
    STATE_SERVER_PAGE_SIZE: process.env.STATE_SERVER_PAGE_SIZE || '4096' };
  const srv = await startBin(FAULT_BIN, db, env);
  const problems = [];
  let rec = { changes: [], games: [], settings: [], invites: [], joins: [], unexpected: [] };
  let before = {};
  let phase = 'start-up';
  if (srv.failed) {
    // A fault during start-up: the server refuses to start (exit 1), the file stays sound.
    if (srv.code !== 1) problems.push(`start-up fault: exit ${srv.code} ${srv.signal || ''}`);
  } else {
    phase = 'workload';
    rec = await workload(srv);
    if (rec.unexpected.length) problems.push(`unexpected replies: ${JSON.stringify(rec.unexpected).slice(0, 300)}`);
    const fired = readCounts(report).faults > 0;
    // It keeps serving: /healthz answers and, once the fault has passed, a change is saved.
    const hz = await http(srv, 'GET', '/healthz').catch(() => ({ status: 0 }));
    if (hz.status !== 200) problems.push(`/healthz ${hz.status} after the fault`);
    const h = await open(srv.ws + '/ws');
    const m = 900;
    const r = await h.request('score_update', { player_number: 2, secondary: m }, { game_id: 'rest-b' }).catch(() => null);
    const ok = r && r.type === 'ack';
    if (fired && rec.games[1].acked && !ok) problems.push(`no change saved after the fault: ${JSON.stringify(r)}`);
    if (rec.games[1].acked) rec.changes.push({ game: 'rest-b', type: 'score_update', mark: m, acked: ok, version: ok ? r.data.version : undefined, code: ok ? null : r && r.data.code });
    await h.close();
    before = await snapshot(srv, ['ws-a', 'rest-b']);
    phase = readCounts(report).faults > 0 ? 'workload' : 'shutdown';
    const ex = await srv.stop();
    if (ex.signal) problems.push(`the server died of ${ex.signal}`);
  }
  problems.push(...await verify(db, rec, before));
  const acked = rec.changes.filter((c) => c.acked).length + rec.settings.filter((s) => s.acked).length + rec.invites.length + rec.joins.length;
  const refused = rec.changes.filter((c) => !c.acked).length + rec.settings.filter((s) => !s.acked).length;
  return { problems, acked, refused, phase, counts: readCounts(report), bursts: (rec.bursts || []).join(',') };
}

/** The workload's call counts without a fault. */
async function countCalls(dir) {
  const t = await trial('count', dir);
  assert.deepEqual(t.problems, [], 'the workload without a fault');
  return t.counts;
}

const totals = { trials: 0, acked: 0, refused: 0, lost: 0 };
let dir;
let plan;
let started;

// The write sweep found the bug of issue 10.3 (a settings PUT whose write failed
// rolled back the group transaction, and the WebSocket changes of the same loop turn
// were acknowledged though never written: 13 of 434 trials lost 3 changes each). Each
// write now runs under its own SAVEPOINT; this sweep keeps it so.

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'state-fault-'));
  const counts = await countCalls(dir);
  plan = { write: counts.writes, sync: counts.syncs, truncate: counts.truncates };
  console.log(`fault: the workload makes ${counts.writes} writes, ${counts.syncs} syncs, ${counts.truncates} truncates (cache ${CACHE_PAGES} pages)`);
  started = Date.now();
});

after(() => {
  if (skip) return;
  rmSync(dir, { recursive: true, force: true });
  console.log(`fault: ${totals.trials} trials in ${((Date.now() - started) / 1000).toFixed(1)} s, ${totals.acked} acknowledged, ${totals.refused} refused, ${totals.lost} lost`);
});

for (const kind of KINDS) {
  const opts = { skip, timeout: 600000 };
  test(`fault injection: the Nth ${kind} fails, for every N the workload reaches`, opts, async () => {
    const last = Math.min(plan[kind] + 2, MAX_N);
    const failures = [];
    for (let n = 1; n <= last; n++) {
      const r = await trial(`${kind}:${n}`, dir);
      totals.trials++;
      totals.acked += r.acked;
      totals.refused += r.refused;
      if (VERBOSE) console.log(`${kind}:${n} ${r.phase} acked ${r.acked} refused ${r.refused} bursts ${r.bursts} ${r.problems.join('; ')}`);
      if (r.problems.length) {
        totals.lost += r.problems.filter((p) => / lost$| lost;|lost:/.test(p) || /acknowledged .* lost/.test(p)).length;
        failures.push(`${kind}:${n} (${r.phase}): ${r.problems.join('; ')}`);
      }
    }
    console.log(`fault: ${kind}: N = 1..${last}, ${failures.length} with problems`);
    assert.deepEqual(failures, []);
  });
}
