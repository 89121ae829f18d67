// make bench-follow: how far a follower trails its primary under load
// (docs/switchover.md). A primary with 100 games takes FOLLOW_RATE (100) changes a
// second, spread over the games, for FOLLOW_SECONDS (20); a follower started from
// its backup applies them. For each change, the lag is the time from the
// primary's acknowledgement (the REST answer) to the moment a WebSocket client
// subscribed to that game on the follower receives the new version. Prints the
// percentiles and the follower's own figures (/api/follow).
import { startServer, open, http, sleep, HOST_TOKEN } from '../tests/integration/lib.mjs';

const RATE = Number(process.env.FOLLOW_RATE) || 100;
const SECONDS = Number(process.env.FOLLOW_SECONDS) || 20;
const GAMES = 100;
const host = { token: HOST_TOKEN };

const a = await startServer(['--host-token', HOST_TOKEN, '--log-level', 'warn']);
let b;
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
try {
  const ids = [];
  for (let i = 0; i < GAMES; i++) {
    const r = await http(a, 'POST', '/api/games', { ...host, body: { game_id: `bf-${i}`, player1_name: 'A', player2_name: 'B' } });
    if (r.status !== 201) throw new Error(r.text);
    ids.push(`bf-${i}`);
  }
  b = await startServer(['--host-token', HOST_TOKEN, '--follow', a.url, '--log-level', 'warn']);
  // Watchers on the follower: 10 games a connection (a connection may send 20
  // messages a second).
  const seen = new Map(); // "game@version" -> time seen on the follower
  const watchers = [];
  for (let w = 0; w * 10 < GAMES; w++) {
    const c = await open(b.ws + '/ws');
    await c.request('connect', { token: HOST_TOKEN });
    c.ws.on('message', (m) => {
      const msg = JSON.parse(m.toString());
      if (msg.type === 'game_state' && msg.data) seen.set(`${msg.data.game_id}@${msg.data.version}`, performance.now());
    });
    for (const id of ids.slice(w * 10, w * 10 + 10)) await c.request('subscribe', {}, { game_id: id });
    watchers.push(c);
  }
  await sleep(500);
  const acked = new Map(); // "game@version" -> time of the primary's answer
  const total = RATE * SECONDS;
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = ids[i % GAMES];
    inflight.push(
      http(a, 'POST', `/api/games/${id}/actions`, { ...host, body: { type: 'score_update', data: { player_number: 1, primary_delta: 1 } } }).then((r) => {
        if (r.status === 200) acked.set(`${id}@${r.json.version}`, performance.now());
      }),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await sleep(2000);
  const lags = [];
  let missing = 0;
  for (const [k, t] of acked) {
    const s = seen.get(k);
    if (s === undefined) missing++;
    else lags.push(Math.max(0, s - t));
  }
  lags.sort((x, y) => x - y);
  const f = (await http(b, 'GET', '/api/follow', host)).json;
  const fmt = (x) => (x === undefined ? '-' : x.toFixed(1));
  console.log(`follow lag, ${acked.size} changes in ${elapsed.toFixed(1)} s (${(acked.size / elapsed).toFixed(0)}/s) over ${GAMES} games`);
  console.log(`  primary ack -> follower broadcast (ms): p50 ${fmt(pct(lags, 50))}  p90 ${fmt(pct(lags, 90))}  p99 ${fmt(pct(lags, 99))}  max ${fmt(lags[lags.length - 1])}`);
  console.log(`  never seen on the follower: ${missing}`);
  console.log(`  follower: applied ${f.applied}, lag_entries ${f.lag_entries}, divergences ${f.divergences}, last lag_ms ${f.lag_ms}`);
  for (const c of watchers) c.close();
  if (missing > 0 || f.divergences !== 0 || f.lag_entries !== 0) process.exitCode = 1;
} finally {
  if (b) await b.stop();
  await a.stop();
}
