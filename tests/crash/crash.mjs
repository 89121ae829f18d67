// Crash test: no acknowledged change is ever lost.
//
// Each trial starts the real server on the same database, resumes the game so a
// clock runs, streams score changes from several connections, and kills the
// server with SIGKILL right after an ack arrives. On restart every acknowledged
// version must be in the log and the state, the database must pass its
// integrity check, the game must be paused, and its clock must have moved by
// at most about a second beyond what was seen before the kill.
//
// usage: node tests/crash/crash.mjs [TRIALS]   (default 20; `make crash` runs 1000)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, open, http, sleep } from '../integration/lib.mjs';

const trials = Number(process.argv[2] || process.env.TRIALS || 20);
const dir = mkdtempSync(join(tmpdir(), 'state-crash-'));
const GAME = 'crash-game';
const CLIENTS = 6;
// Each connection stays under the server's 20 messages a second.
const PACE_MS = 60;
let lost = 0;
let failures = 0;
let maxClockDrift = 0;
let acked = 0;

function fail(msg) {
  failures++;
  console.log(`FAIL ${msg}`);
}

async function trial(n) {
  const srv = await startServer([], { dir });
  const host = await open(srv.ws + '/ws');
  let st = await http(srv, 'GET', `/api/games/${GAME}`);
  if (st.status === 404) {
    await host.request('game_state', { game_id: GAME, settings: { clock_ms: 3600000 } }, { game_id: GAME });
    await host.request('game_start', {}, { game_id: GAME });
  } else {
    const s = st.json;
    if (s.status !== 'paused') fail(`trial ${n}: game is ${s.status} after restart, expected paused`);
    if (s.players.some((p) => p.is_running)) fail(`trial ${n}: a clock runs after restart`);
    await host.request('game_resume', {}, { game_id: GAME });
  }
  const conns = [host];
  for (let i = 1; i < CLIENTS; i++) conns.push(await open(srv.ws + '/ws'));
  const ackedVersions = [];
  let lastState = null;
  let lastStateAt = 0;
  host.ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.type === 'game_state' && m.data.game_id === GAME) { lastState = m.data; lastStateAt = Date.now(); }
  });
  await host.request('subscribe', {}, { game_id: GAME });
  const killAfter = 50 + Math.floor(Math.random() * 400);
  const started = Date.now();
  let killed = false;
  let killAt = 0;
  await new Promise((resolve) => {
    let live = conns.length;
    conns.forEach((c, i) => {
      const pump = async () => {
        while (!killed) {
          const r = await c.request('score_update', { player_number: (i % 2) + 1, secondary_delta: 1 }, { game_id: GAME })
            .catch(() => null);
          if (!r || r.type !== 'ack') {
            if (r && r.type === 'error' && r.data.code === 'bad_message') {
              // Secondary reached 999: set it back (an acked change like any other).
              const z = await c.request('score_update', { player_number: (i % 2) + 1, secondary: 0 }, { game_id: GAME })
                .catch(() => null);
              if (z && z.type === 'ack') ackedVersions.push(z.data.version);
              continue;
            }
            break;
          }
          ackedVersions.push(r.data.version);
          if (!killed && Date.now() - started >= killAfter) {
            killed = true;
            killAt = Date.now();
            srv.proc.kill('SIGKILL'); // right after an ack, other changes still in flight
          }
          await sleep(PACE_MS);
        }
        if (--live === 0) {
          if (!killed) {
            fail(`trial ${n}: the change stream stopped before the kill`);
            killed = true;
            srv.proc.kill('SIGKILL');
          }
          resolve();
        }
      };
      pump();
    });
  });
  await srv.exited;
  acked += ackedVersions.length;
  const usedBefore = lastState ? lastState.players[(lastState.current_turn || 1) - 1].time_used
    + (lastState.players[(lastState.current_turn || 1) - 1].is_running ? killAt - lastStateAt : 0) : 0;

  // Integrity, checked by SQLite's own tool on the file as the crash left it.
  const integrity = execFileSync('sqlite3', [srv.db, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim();
  if (integrity !== 'ok') fail(`trial ${n}: integrity_check says ${integrity}`);

  const again = await startServer([], { dir });
  const state = (await http(again, 'GET', `/api/games/${GAME}`)).json;
  const hist = (await http(again, 'GET', `/api/games/${GAME}/history`)).json.entries;
  const have = new Set(hist.map((e) => e.version));
  const maxAcked = Math.max(0, ...ackedVersions);
  const missing = ackedVersions.filter((v) => !have.has(v));
  if (missing.length || state.version < maxAcked) {
    lost += missing.length || 1;
    fail(`trial ${n}: acknowledged versions lost: ${missing.slice(0, 5)} (state version ${state.version}, max acked ${maxAcked})`);
  }
  if (state.status !== 'paused') fail(`trial ${n}: status ${state.status} after crash, expected paused`);
  const turn = (state.current_turn || 1) - 1;
  const usedAfter = state.players[turn].time_used;
  const drift = usedBefore - usedAfter; // time the crash cost the clock, at most ~1 s
  maxClockDrift = Math.max(maxClockDrift, Math.abs(drift));
  if (usedAfter > usedBefore + 250) fail(`trial ${n}: clock charged for downtime: used ${usedAfter} > ${usedBefore}`);
  if (drift > 1500) fail(`trial ${n}: clock lost ${drift} ms (checkpoint older than a second)`);
  await again.stop('SIGTERM');
}

for (let i = 1; i <= trials; i++) {
  await trial(i);
  if (process.env.VERBOSE || (trials >= 100 && i % 100 === 0)) console.log(`${i} trials, ${acked} acked changes, ${lost} lost`);
}
rmSync(dir, { recursive: true, force: true });
console.log(`crash: ${trials} trials, ${acked} acknowledged changes, ${lost} lost, largest clock difference ${maxClockDrift} ms`);
console.log(`${trials - Math.min(failures, trials)} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
