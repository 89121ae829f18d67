// The change feed, the follower and the switchover (PROTOCOL.md section 12,
// docs/switchover.md), with two real servers on loopback:
// - a follower started on an empty database catches up from the primary's backup
//   and feed, and after a scripted session of mixed changes its games equal the
//   primary's field by field (clocks included), with no lag and no divergence;
// - a follower whose database was edited while it was stopped reports exactly
//   that difference on the next change of the game, and repairs it;
// - a follower killed with SIGKILL at random moments resumes with no gap and no
//   entry twice (FOLLOW_KILL_TRIALS: 20 here, 5 under qemu);
// - promote and demote move the WebSocket clients (server_moved, 1012) and the
//   old primary follows the new one; a follower refuses every change (read_only);
// - bad input: follow from a non-host, promote on a primary, demote to nowhere,
//   a primary of a newer schema;
// - an event (section 11) reaches a follower through the feed and equals the
//   primary's, its codes and entrant tokens work there, the promoted follower
//   pairs, times and scores its next round, and a deleted event leaves it;
// - a database of every earlier schema gets the feed on upgrade.
//
// FOLLOW_CHANGES (default 1000) sets the size of the scripted session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { startServer, open, http, sleep, HOST_TOKEN, repoRoot, TIME_SCALE } from './lib.mjs';

const CHANGES = Number(process.env.FOLLOW_CHANGES) || 1000;
// 20 in make test (issue 14); 5 under qemu (make test-cross), where each start is slow.
const KILL_TRIALS = Number(process.env.FOLLOW_KILL_TRIALS) || (process.env.STATE_SERVER_WRAP ? 5 : 20);
const host = { token: HOST_TOKEN };
const sqlite = (db, sql) => execFileSync('sqlite3', [db], { input: sql, encoding: 'utf8' });

async function follower(primary, { dir, args = [] } = {}) {
  dir = dir || mkdtempSync(join(tmpdir(), 'state-follower-'));
  const srv = await startServer(['--host-token', HOST_TOKEN, '--follow', primary.url, ...args], { dir });
  srv.ownDir = dir;
  return srv;
}

const status = async (srv) => (await http(srv, 'GET', '/api/follow', host)).json;

/** Waits until the follower has applied everything the primary has. */
async function caughtUp(primary, f, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs * TIME_SCALE;
  let p, s;
  for (;;) {
    p = await status(primary);
    s = await status(f);
    if (s.last_seq === p.last_seq && s.lag_entries === 0 && s.connected) return { p, s };
    if (Date.now() > end) throw new Error(`not caught up: primary ${JSON.stringify(p)} follower ${JSON.stringify(s)}`);
    await sleep(20);
  }
}

/** A game as both compare it: without server_time and connected. */
function comparable(g) {
  const c = structuredClone(g);
  delete c.server_time;
  for (const p of c.players) delete p.connected;
  return c;
}

async function games(srv) {
  const list = (await http(srv, 'GET', '/api/games', host)).json.games;
  const out = {};
  for (const g of list) out[g.game_id] = comparable((await http(srv, 'GET', `/api/games/${g.game_id}`, host)).json);
  return out;
}

const act = (srv, id, type, data = {}, token = HOST_TOKEN) =>
  http(srv, 'POST', `/api/games/${id}/actions`, { token, body: { type, data } });

test('a follower from an empty database catches up from backup and feed and equals the primary field by field', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    // Before the follower exists: in the backup it starts from.
    for (const id of ['fa', 'fb', 'fc']) {
      const r = await http(a, 'POST', '/api/games', { ...host, body: { game_id: id, player1_name: 'Ana', player2_name: 'Ben' } });
      assert.equal(r.status, 201, r.text);
    }
    assert.equal((await act(a, 'fa', 'game_start')).status, 200);
    assert.equal((await act(a, 'fa', 'score_update', { player_number: 1, primary_delta: 3 })).status, 200);

    b = await follower(a);
    assert.match(b.stderr + b.stdout, /backup/);
    await caughtUp(a, b);

    // The scripted session: REST and WebSocket changes on several games, invites,
    // joins, undo, settings, a deletion, with running clocks.
    const ws = await open(a.ws + '/ws');
    assert.equal((await ws.request('connect', { token: HOST_TOKEN })).type, 'connect');
    for (const id of ['fb', 'fc']) assert.equal((await act(a, id, 'game_start')).status, 200);
    const inv = await http(a, 'POST', '/api/games/fb/invites', { ...host, body: { role: 'player', player_number: 1 } });
    assert.equal(inv.status, 201, inv.text);
    const joined = await http(a, 'POST', '/api/join', { body: { code: inv.json.code } });
    assert.equal(joined.status, 200, joined.text);
    const player = joined.json.token;
    assert.equal((await http(a, 'PUT', '/api/settings', { ...host, body: { club_name: 'Dice & Dragons' } })).status, 200);
    await http(a, 'POST', '/api/games', { ...host, body: { game_id: 'gone', player1_name: 'X', player2_name: 'Y' } });
    assert.equal((await http(a, 'DELETE', '/api/games/gone', host)).status, 204);
    // A host's full replace, with a clock running: the state is the change.
    const cur = (await http(a, 'GET', '/api/games/fc', host)).json;
    cur.players[1].name = 'Cleo';
    delete cur.server_time;
    const rep = await ws.request('game_state', cur, { game_id: 'fc' });
    assert.equal(rep.type, 'ack', JSON.stringify(rep));
    const ids = ['fa', 'fb', 'fc'];
    let n = 0;
    for (let i = 0; n < CHANGES; i++) {
      const id = ids[i % 3];
      const k = i % 10;
      let r;
      if (k === 0) r = await act(a, id, 'turn_change');
      else if (k === 3) r = await act(a, id, 'undo');
      else if (k === 5 && id === 'fb') r = await act(a, id, 'score_update', { player_number: 1, secondary_delta: 1 }, player);
      else if (k === 7) r = await act(a, id, 'settings_update', { settings: { table: `T${i % 9}` } });
      else if (k === 9) {
        // Through the WebSocket (20 messages a second is its rate: few of them).
        if (i % 50 === 9) r = { status: (await ws.request('score_update', { player_number: 2, cp_delta: 1 }, { game_id: id })).type === 'ack' ? 200 : 0 };
        else r = await act(a, id, 'score_update', { player_number: 2, primary_delta: 1 });
      } else r = await act(a, id, 'score_update', { player_number: 1 + (i % 2), primary_delta: 1 });
      if (r.status === 200) n++;
      else if (!(r.status === 409 || r.status === 400)) assert.fail(`change ${i}: ${r.status} ${r.text}`);
    }
    // Clocks stop so that their values can be compared to the millisecond.
    for (const id of ids) await act(a, id, 'game_pause');
    const t0 = Date.now();
    const { s } = await caughtUp(a, b, 2000);
    const took = Date.now() - t0;
    assert.ok(took <= 2000 * TIME_SCALE, `caught up in ${took} ms`);
    assert.equal(s.divergences, 0, JSON.stringify(s.last_divergence));
    assert.ok(s.applied >= CHANGES);
    const ga = await games(a), gb = await games(b);
    assert.deepEqual(Object.keys(gb).sort(), ['fa', 'fb', 'fc']);
    assert.deepEqual(gb, ga);
    assert.ok(ga.fa.players[0].time_used > 0, 'a clock ran');
    // Tokens and settings came over; the player's token works on the follower.
    const asPlayer = await http(b, 'GET', '/api/games/fb', { token: player });
    assert.equal(asPlayer.status, 200, asPlayer.text);
    assert.equal((await http(b, 'GET', '/api/settings', host)).json.club_name, 'Dice & Dragons');
    const m = (await http(b, 'GET', '/metrics')).text;
    assert.match(m, /^follow_lag_entries 0$/m);
    assert.match(m, /^follow_divergences_total 0$/m);

    // A follower refuses every change: REST 409 read_only, WebSocket error read_only.
    const ro = await act(b, 'fa', 'game_resume');
    assert.equal(ro.status, 409);
    assert.equal(ro.json.error.code, 'read_only');
    assert.equal((await http(b, 'PUT', '/api/settings', { ...host, body: { club_name: 'No' } })).json.error.code, 'read_only');
    assert.equal((await http(b, 'POST', '/api/join', { body: { code: 'ABCDEFGH' } })).status, 409);
    const wb = await open(b.ws + '/ws');
    await wb.request('connect', { token: player });
    const e = await wb.request('score_update', { player_number: 1, primary_delta: 1 });
    assert.equal(e.type, 'error');
    assert.equal(e.data.code, 'read_only');
    // Reads and subscriptions work.
    const sub = await wb.request('subscribe', {}, { game_id: 'fb' });
    assert.equal(sub.type, 'game_state');
    assert.equal(sub.data.version, ga.fb.version);
    assert.deepEqual(sub.data.players.map((p) => p.score), ga.fb.players.map((p) => p.score));
    wb.close();
    ws.close();
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

test('a follower whose database was changed while it was stopped reports that divergence and repairs it', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    await http(a, 'POST', '/api/games', { ...host, body: { game_id: 'dv', player1_name: 'Ana', player2_name: 'Ben' } });
    await http(a, 'POST', '/api/games', { ...host, body: { game_id: 'ok', player1_name: 'Cy', player2_name: 'Di' } });
    await act(a, 'dv', 'score_update', { player_number: 1, primary: 5 });
    b = await follower(a);
    await caughtUp(a, b);
    await b.stop('SIGTERM', { keep: true });
    // The total and its round's cell (round 1 before the start), as the store keeps them.
    sqlite(b.db, "UPDATE scores SET primary_vp = 9, rounds = '[[9,0]]' WHERE game_id = 'dv' AND player_number = 1;");
    b = await follower(a, { dir: b.ownDir });
    // A change of another game: nothing to report.
    await act(a, 'ok', 'score_update', { player_number: 2, primary_delta: 1 });
    await caughtUp(a, b);
    assert.equal((await status(b)).divergences, 0);
    // The next change of the edited game shows it: 5 + 1 at the primary, 9 + 1 here.
    assert.equal((await act(a, 'dv', 'score_update', { player_number: 1, primary_delta: 1 })).status, 200);
    const { s } = await caughtUp(a, b);
    assert.equal(s.divergences, 1);
    const d = s.last_divergence;
    assert.equal(d.game_id, 'dv');
    assert.equal(d.repaired, true);
    const seqOfChange = s.last_seq;
    assert.equal(d.seq, seqOfChange);
    const fields = Object.fromEntries(d.fields.map((x) => [x.field, [x.follower, x.primary]]));
    assert.deepEqual(fields['players[0].primary'], [10, 6]);
    assert.deepEqual(fields['players[0].score'], [10, 6]);
    assert.deepEqual(fields['players[0].rounds[0].primary'], [10, 6]);
    assert.deepEqual(Object.keys(fields).sort(), ['players[0].primary', 'players[0].rounds[0].primary', 'players[0].score']);
    assert.match(b.stderr, new RegExp(`game dv, entry ${seqOfChange} .*players\\[0\\]\\.primary.*"follower":10,"primary":6`));
    assert.match((await http(b, 'GET', '/metrics')).text, /^follow_divergences_total 1$/m);
    // Repaired: equal again, and the next change agrees.
    assert.deepEqual((await games(b)).dv, (await games(a)).dv);
    await act(a, 'dv', 'score_update', { player_number: 1, primary_delta: 1 });
    await caughtUp(a, b);
    assert.equal((await status(b)).divergences, 1);
    assert.equal((await games(b)).dv.players[0].primary, 7);
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

// Every entry of a database, as (kind, key, version, seq): the log's and the feed's.
function entries(db) {
  return sqlite(db, `SELECT 'action', game_id, version, seq FROM actions WHERE seq IS NOT NULL
                     UNION ALL SELECT kind, key, 0, seq FROM feed ORDER BY 4;`).trim();
}

test(`a follower killed at random moments (${KILL_TRIALS} trials) resumes with no gap and no entry twice`, async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  let writing = true;
  try {
    const ids = ['k1', 'k2', 'k3', 'k4'];
    for (const id of ids) await http(a, 'POST', '/api/games', { ...host, body: { game_id: id, player1_name: 'A', player2_name: 'B' } });
    await act(a, 'k1', 'game_start');
    b = await follower(a);
    const dir = b.ownDir;
    let count = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = ids[i % ids.length];
        if (i % 23 === 7) {
          // A game that comes and goes: a follower catching up finds its entries
          // after it is gone at the primary.
          const tmp = `t${i}`;
          await http(a, 'POST', '/api/games', { ...host, body: { game_id: tmp, player1_name: 'T', player2_name: 'U' } });
          await act(a, tmp, 'score_update', { player_number: 1, primary: 1 });
          await http(a, 'DELETE', `/api/games/${tmp}`, host);
        } else if (i % 17 === 5) await http(a, 'POST', `/api/games/${id}/invites`, { ...host, body: { role: 'observer' } });
        else if (i % 11 === 3) await act(a, id, 'undo');
        else await act(a, id, 'score_update', { player_number: 1 + (i % 2), secondary_delta: 1 });
        count++;
      }
    })();
    for (let t = 0; t < KILL_TRIALS; t++) {
      await sleep(50 + Math.floor(Math.random() * 400));
      await b.stop('SIGKILL', { keep: true });
      b = await follower(a, { dir });
    }
    writing = false;
    await writer;
    await act(a, 'k1', 'game_pause');
    const { s } = await caughtUp(a, b, 5000);
    assert.ok(count > 20, `${count} changes were made`);
    assert.equal(s.divergences, 0, JSON.stringify(s.last_divergence));
    assert.deepEqual(await games(b), await games(a));
    await b.stop('SIGTERM', { keep: true });
    const pa = entries(a.db), pb = entries(b.db);
    assert.equal(pb, pa, 'the same entries with the same numbers: no gap, none twice');
    const seqs = pb.split('\n').map((l) => Number(l.split('|')[3]));
    assert.equal(new Set(seqs).size, seqs.length);
    b = await follower(a, { dir });
  } finally {
    writing = false;
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

test('switchover: demote sends the clients to the follower, promote makes it take changes, the old primary follows it', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    await http(a, 'POST', '/api/games', { ...host, body: { game_id: 'sw', player1_name: 'Ana', player2_name: 'Ben' } });
    const inv = await http(a, 'POST', '/api/games/sw/invites', { ...host, body: { role: 'player', player_number: 1 } });
    const player = (await http(a, 'POST', '/api/join', { body: { code: inv.json.code } })).json.token;
    b = await follower(a);
    await caughtUp(a, b);
    const phone = await open(a.ws + '/ws');
    await phone.request('connect', { token: player });

    // Refused, and nothing changes: promote on a primary, demote to nowhere.
    const p1 = await http(a, 'POST', '/api/promote', host);
    assert.equal(p1.status, 409, p1.text);
    const nowhere = await http(a, 'POST', '/api/demote', { ...host, body: { to: 'http://127.0.0.1:1' } });
    assert.equal(nowhere.status, 503, nowhere.text);
    assert.equal((await status(a)).role, 'primary');
    assert.equal((await act(a, 'sw', 'score_update', { player_number: 1, primary: 4 })).status, 200);
    assert.equal((await http(a, 'POST', '/api/demote', { ...host, body: {} })).status, 400);

    const d = await http(a, 'POST', '/api/demote', { ...host, body: { to: b.url } });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.role, 'follower');
    const moved = await phone.next('server_moved');
    assert.equal(moved.data.url, b.url);
    assert.equal((await phone.closed).code, 1012);
    assert.equal((await act(a, 'sw', 'score_update', { player_number: 1, primary_delta: 1 })).json.error.code, 'read_only');

    await caughtUp(a, b); // b has every change a took
    const pr = await http(b, 'POST', '/api/promote', host);
    assert.equal(pr.status, 200, pr.text);
    assert.equal(pr.json.role, 'primary');
    // The phone's token works on the new primary, and its change reaches the old one.
    const phone2 = await open(b.ws + '/ws');
    await phone2.request('connect', { token: player });
    const ack = await phone2.request('score_update', { player_number: 1, primary_delta: 2 });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const end = Date.now() + 3000 * TIME_SCALE;
    while ((await games(a)).sw.players[0].primary !== 6) {
      if (Date.now() > end) assert.fail(`the old primary did not follow: ${JSON.stringify(await status(a))}`);
      await sleep(50);
    }
    const sa = await status(a);
    assert.equal(sa.role, 'follower');
    assert.equal(sa.primary, b.url);
    assert.equal(sa.divergences, 0);
    assert.deepEqual((await games(a)).sw, (await games(b)).sw);
    phone2.close();
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

/** An event as both servers show it: without server_time and the join URLs (they
 * name the server); the timer apart, compared within a tolerance. */
function comparableEvent(ev) {
  const c = structuredClone(ev);
  delete c.server_time;
  for (const e of c.entrants || []) delete e.url;
  const timer = c.timer;
  delete c.timer;
  return { c, timer };
}

async function sameEvent(a, b, E) {
  const ea = comparableEvent((await http(a, 'GET', E, host)).json);
  const eb = comparableEvent((await http(b, 'GET', E, host)).json);
  assert.deepEqual(eb.c, ea.c);
  assert.equal(eb.timer.running, ea.timer.running);
  assert.ok(Math.abs(eb.timer.remaining_ms - ea.timer.remaining_ms) <= 1000 * TIME_SCALE,
    `timer ${JSON.stringify(eb.timer)} vs ${JSON.stringify(ea.timer)}`);
  const sa = (await http(a, 'GET', `${E}/standings`, host)).json;
  const sb = (await http(b, 'GET', `${E}/standings`, host)).json;
  delete sa.server_time;
  delete sb.server_time;
  assert.deepEqual(sb, sa);
  return ea.c;
}

/** Waits until fn() is true. */
async function until(fn, what, ms = 3000) {
  const end = Date.now() + ms * TIME_SCALE;
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await sleep(30);
  }
}

test('an event reaches the follower through the feed: rows, results, codes and sessions; the promoted follower runs it on; a delete follows', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    // The follower starts empty, before the event exists: every row of it comes
    // through the feed, none from the backup.
    b = await follower(a);
    await caughtUp(a, b);
    let r = await http(a, 'POST', '/api/events', { ...host, body: { name: 'Relay cup', rounds: 3, round_time_ms: 600000 } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.event_id;
    const E = `/api/events/${id}`;
    r = await http(a, 'POST', `${E}/entrants`, { ...host, body: { entrants: [
      { name: 'Ana', faction: 'Orks' }, { name: 'Ben', faction: 'Tau' }, { name: 'Cai', club: 'North' }, { name: 'Dee' }] } });
    assert.equal(r.status, 201, r.text);
    r = await http(a, 'PATCH', `${E}/entrants/3`, { ...host, body: { faction: 'Necrons' } });
    assert.equal(r.status, 200, r.text);
    const entrants = (await http(a, 'GET', E, host)).json.entrants;
    const tokens = {};
    for (const e of entrants) {
      const j = await http(a, 'POST', '/api/join', { body: { code: e.code } });
      assert.equal(j.status, 200, j.text);
      tokens[e.entrant_id] = j.json.token;
    }
    const obs = await http(a, 'POST', `${E}/invites`, { ...host, body: { role: 'observer' } });
    assert.equal(obs.status, 201, obs.text);
    const observer = (await http(a, 'POST', '/api/join', { body: { code: obs.json.code } })).json.token;

    r = await http(a, 'POST', `${E}/rounds`, host);
    assert.equal(r.status, 201, r.text);
    const tables = r.json.tables;
    assert.equal(tables.length, 2);
    assert.equal((await http(a, 'POST', `${E}/timer`, { ...host, body: { action: 'start' } })).status, 200);
    await sleep(150);
    assert.equal((await http(a, 'POST', `${E}/timer`, { ...host, body: { action: 'pause' } })).status, 200);

    // Table 1 played and confirmed by both players on their phones.
    const t1 = tables[0];
    const phones = [];
    for (const pl of t1.players) {
      const ws = await open(`${a.ws}/ws?token=${tokens[pl.entrant_id]}`);
      assert.equal(ws.hello.data.role, 'player');
      phones.push(ws);
    }
    assert.equal((await act(a, t1.game_id, 'game_start')).status, 200);
    let k = await phones[0].request('score_update', { player_number: 1, primary: 20 }, { game_id: t1.game_id });
    assert.equal(k.type, 'ack', JSON.stringify(k));
    k = await phones[1].request('score_update', { player_number: 2, primary: 12 }, { game_id: t1.game_id });
    assert.equal(k.type, 'ack', JSON.stringify(k));
    assert.equal((await act(a, t1.game_id, 'game_end')).status, 200);
    for (const ph of phones) {
      k = await ph.request('result_confirm', { agree: true }, { game_id: t1.game_id });
      assert.equal(k.type, 'ack', JSON.stringify(k));
    }
    for (const ph of phones) ph.close();

    // The follower's own subscriber of the event gets its state when the host's
    // result of table 2 arrives.
    await caughtUp(a, b);
    const board = await open(`${b.ws}/ws?token=${observer}`);
    assert.equal(board.hello.data.role, 'observer', 'an observer code made on the primary works on the follower');
    const st = await board.request('subscribe_event', { event_id: id });
    assert.equal(st.type, 'event_state');
    assert.equal(st.data.round, 1);
    const t2 = tables[1];
    r = await http(a, 'POST', `${E}/results/${t2.game_id}`, { ...host, body: { winner: 2, vp: [7, 9] } });
    assert.equal(r.status, 200, r.text);
    const pushed = await board.next((m) => m.type === 'event_state' &&
      m.data.tables.some((t) => t.game_id === t2.game_id && t.result && t.result.by_host), 3000);
    assert.equal(pushed.data.round, 1);
    board.close();

    await caughtUp(a, b);
    const state = await sameEvent(a, b, E);
    assert.equal(state.round, 1);
    assert.ok(state.tables.every((t) => t.result && t.result.final), JSON.stringify(state.tables));
    assert.equal((await http(b, 'GET', E, host)).json.timer.running, false);
    // The games of the round carry their event block on the follower too, and the hall shows them.
    for (const t of tables) {
      const ga = (await http(a, 'GET', `/api/games/${t.game_id}`, host)).json;
      const gb = (await http(b, 'GET', `/api/games/${t.game_id}`, host)).json;
      assert.ok(gb.event, `game ${t.game_id} has its event block on the follower`);
      assert.deepEqual(gb.event, ga.event);
    }
    const hall = (await http(b, 'GET', '/api/hall', host)).json;
    for (const t of tables) {
      const g = hall.games.find((x) => x.game_id === t.game_id);
      assert.ok(g, `${t.game_id} in the follower's hall`);
      assert.equal(g.event_id, id);
      assert.equal(g.table, t.table);
    }
    // An entrant's token (its session was made on the primary) reads the event on the follower.
    r = await http(b, 'GET', E, { token: tokens[1] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.event_id, id);
    assert.equal(r.json.entrants[1].code, undefined, 'an entrant sees no codes');
    assert.equal((await http(b, 'GET', `${E}/standings`, { token: observer })).status, 200);
    // The follower refuses to run the event itself.
    r = await http(b, 'POST', `${E}/rounds`, host);
    assert.equal(r.json.error.code, 'read_only', r.text);
    await sameEvent(a, b, E);

    // Switchover: the follower, promoted, runs the event on.
    await a.stop();
    const pr = await http(b, 'POST', '/api/promote', host);
    assert.equal(pr.status, 200, pr.text);
    r = await http(b, 'POST', `${E}/rounds`, host);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.round, 2);
    const round2 = r.json.tables;
    assert.equal(round2.length, 2);
    for (const t of round2) {
      const [x, y] = t.players.map((p) => p.entrant_id);
      assert.ok(!tables.some((o) => o.players.some((p) => p.entrant_id === x) && o.players.some((p) => p.entrant_id === y)),
        `no rematch of round 1: ${x}-${y}`);
    }
    r = await http(b, 'POST', `${E}/timer`, { ...host, body: { action: 'set', remaining_ms: 300000 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.timer.remaining_ms, 300000);
    for (const t of round2) {
      const res = await http(b, 'POST', `${E}/results/${t.game_id}`, { ...host, body: { winner: 1, vp: [5, 3] } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.result.final, true);
    }
    // An entrant phone connects to the new primary as the player of its table.
    const t = round2[0];
    const ws = await open(`${b.ws}/ws?token=${tokens[t.players[0].entrant_id]}`);
    assert.equal(ws.hello.data.role, 'player');
    assert.equal(ws.hello.data.game_id, t.game_id);
    ws.close();
    const s2 = (await http(b, 'GET', `${E}/standings`, host)).json.standings;
    assert.equal(s2.length, 4);
    assert.equal(s2.reduce((n, x) => n + x.wins + x.draws + x.losses, 0), 8, 'two rounds of two tables');
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

test('a running round timer runs on the follower by the primary\'s end, and runs on after the promotion', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    b = await follower(a);
    let r = await http(a, 'POST', '/api/events', { ...host, body: { name: 'Clockwork', rounds: 2, round_time_ms: 600000 } });
    const E = `/api/events/${r.json.event_id}`;
    await http(a, 'POST', `${E}/entrants`, { ...host, body: { entrants: [{ name: 'X' }, { name: 'Y' }] } });
    r = await http(a, 'POST', `${E}/rounds`, host);
    const game = r.json.tables[0].game_id;
    const last = Number(sqlite(a.db, 'SELECT max(seq) FROM feed;').trim());
    assert.equal((await http(a, 'POST', `${E}/timer`, { ...host, body: { action: 'start' } })).status, 200);
    // A timer write costs one entry, the event's own row (not a copy of the event).
    const fed = sqlite(a.db, `SELECT kind || ' ' || json_extract(payload, '$.table') || ' ' || length(payload) FROM feed WHERE seq > ${last};`)
      .trim().split('\n');
    assert.equal(fed.length, 1, fed.join('; '));
    const [kind, table, len] = fed[0].split(' ');
    assert.deepEqual([kind, table], ['event', 'events']);
    assert.ok(Number(len) < 1000, `${len} bytes`);
    await caughtUp(a, b);
    await sleep(50);
    const ta = (await http(a, 'GET', E, host)).json.timer;
    const tb = (await http(b, 'GET', E, host)).json.timer;
    assert.equal(tb.running, true);
    assert.ok(Math.abs(tb.remaining_ms - ta.remaining_ms) <= 1000 * TIME_SCALE, `${JSON.stringify(tb)} vs ${JSON.stringify(ta)}`);
    assert.equal((await http(b, 'GET', `/api/games/${game}`, host)).json.event.timer.running, true);
    await sleep(300);
    const later = (await http(b, 'GET', E, host)).json.timer;
    assert.ok(later.remaining_ms <= tb.remaining_ms - 250, `it runs: ${tb.remaining_ms} then ${later.remaining_ms}`);

    await a.stop();
    assert.equal((await http(b, 'POST', '/api/promote', host)).status, 200);
    const after = (await http(b, 'GET', E, host)).json.timer;
    assert.equal(after.running, true, 'the round goes on');
    assert.ok(after.remaining_ms <= later.remaining_ms && after.remaining_ms > 590000, JSON.stringify(after));
    r = await http(b, 'POST', `${E}/timer`, { ...host, body: { action: 'pause' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.timer.running, false);
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

test('a deleted event leaves the follower, its games and its codes with it', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  let b;
  try {
    b = await follower(a);
    let r = await http(a, 'POST', '/api/events', { ...host, body: { name: 'Short', rounds: 1 } });
    const id = r.json.event_id;
    const E = `/api/events/${id}`;
    await http(a, 'POST', `${E}/entrants`, { ...host, body: { entrants: [{ name: 'X' }, { name: 'Y' }] } });
    const code = (await http(a, 'GET', E, host)).json.entrants[0].code;
    const token = (await http(a, 'POST', '/api/join', { body: { code } })).json.token;
    r = await http(a, 'POST', `${E}/rounds`, host);
    assert.equal(r.status, 201, r.text);
    const game = r.json.tables[0].game_id;
    await caughtUp(a, b);
    assert.equal((await http(b, 'GET', E, host)).status, 200);
    assert.equal((await http(b, 'GET', E, { token })).status, 200);
    const list = (await http(b, 'GET', '/api/events', host)).json;
    assert.ok(JSON.stringify(list).includes(id));
    // An entrant's phone on the follower is closed when the event goes.
    const phone = await open(`${b.ws}/ws?token=${token}`);
    assert.equal((await http(a, 'DELETE', E, host)).status, 204);
    await caughtUp(a, b);
    await until(async () => (await http(b, 'GET', E, host)).status === 404, 'the event gone from the follower');
    assert.equal((await http(b, 'GET', `/api/games/${game}`, host)).status, 404);
    assert.ok(!JSON.stringify((await http(b, 'GET', '/api/events', host)).json).includes(id));
    assert.equal((await http(b, 'GET', E, { token })).status, 401, 'its sessions went with it');
    await phone.closed;
  } finally {
    if (b) { await b.stop(); rmSync(b.ownDir, { recursive: true, force: true }); }
    await a.stop();
  }
});

test('follow is for the host only, and needs a number to start after', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  try {
    await http(a, 'POST', '/api/games', { ...host, body: { game_id: 'ho', player1_name: 'A', player2_name: 'B' } });
    const inv = await http(a, 'POST', '/api/games/ho/invites', { ...host, body: { role: 'player', player_number: 2 } });
    const player = (await http(a, 'POST', '/api/join', { body: { code: inv.json.code } })).json.token;
    const c = await open(a.ws + '/ws');
    await c.request('connect', { token: player });
    const r = await c.request('follow', { after: 0 });
    assert.equal(r.type, 'error');
    assert.equal(r.data.code, 'forbidden');
    c.close();
    assert.equal((await http(a, 'GET', '/api/follow', { token: player })).status, 403);
    const h = await open(a.ws + '/ws');
    await h.request('connect', { token: HOST_TOKEN });
    assert.equal((await h.request('follow', { after: -1 })).data.code, 'bad_message');
    // The feed in order: the creation, the invite, the session (join).
    const start = await h.request('follow', { after: 0 });
    assert.equal(start.type, 'follow_start');
    assert.equal(start.data.last_seq, 3);
    const got = [await h.next('feed'), await h.next('feed'), await h.next('feed')].map((m) => m.data);
    assert.deepEqual(got.map((e) => [e.seq, e.kind]), [[1, 'action'], [2, 'row'], [3, 'row']]);
    assert.equal(got[0].action, 'game_state');
    assert.equal(got[0].state.players[0].name, 'A');
    assert.equal(got[1].payload.table, 'invites');
    assert.equal(got[2].payload.table, 'sessions');
    // Live: a change arrives after its commit with the state after it.
    await act(a, 'ho', 'score_update', { player_number: 1, primary: 3 });
    const live = (await h.next('feed')).data;
    assert.equal(live.seq, 4);
    assert.equal(live.version, 2);
    assert.equal(live.state.version, 2);
    assert.equal(live.state.players[0].primary, 3);
    h.close();
  } finally {
    await a.stop();
  }
});

test('a follower refuses a primary of a newer schema with one clear message', async () => {
  // A stand-in primary that speaks the feed's opening with schema 99.
  const seed = await startServer(['--host-token', HOST_TOKEN]);
  await seed.stop('SIGTERM', { keep: true });
  const web = createServer((req, res) => { res.writeHead(200); res.end('{}'); });
  const wss = new WebSocketServer({ server: web });
  wss.on('connection', (sock) => {
    sock.on('message', (m) => {
      const msg = JSON.parse(m.toString());
      if (msg.type === 'follow')
        sock.send(JSON.stringify({ type: 'follow_start', data: { after: 0, last_seq: 7, schema: 99, boot: 'x', mono_ms: 1, role: 'primary' } }));
    });
  });
  await new Promise((r) => web.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${web.address().port}`;
  const b = await startServer(['--host-token', HOST_TOKEN, '--follow', url], { dir: seed.dir });
  try {
    const end = Date.now() + 3000 * TIME_SCALE;
    while (!/newer than this binary/.test(b.stderr) && Date.now() < end) await sleep(20);
    const lines = b.stderr.split('\n').filter((l) => /schema 99/.test(l));
    assert.equal(lines.length, 1, b.stderr);
    assert.match(lines[0], /the primary's database has schema 99, newer than this binary's \d+/);
    const s = await status(b);
    assert.equal(s.connected, false);
    assert.match(s.error, /schema 99/);
    await sleep(1500); // no retries
    assert.equal(b.stderr.split('\n').filter((l) => /schema 99/.test(l)).length, 1);
  } finally {
    await b.stop();
    wss.close();
    web.close();
    rmSync(seed.dir, { recursive: true, force: true });
  }
});

// Upgrades: a database of every earlier schema gets the feed; old log rows have no
// number (they are in any backup already), new changes do, in order.
const schemaDir = join(repoRoot, 'schema');
const migrations = readdirSync(schemaDir).filter((f) => f.endsWith('.sql')).sort();
const feedAt = migrations.findIndex((m) => /_feed\.sql$/.test(m)) + 1;
for (let v = 1; v < feedAt; v++) {
  test(`a database at schema version ${v} is upgraded with the change feed`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `state-feed${v}-`));
    const db = join(dir, 'state.db');
    let sql = '';
    for (const m of migrations.slice(0, v)) sql += readFileSync(join(schemaDir, m), 'utf8') + '\n';
    sql += `PRAGMA user_version = ${v};
      INSERT INTO game_state (game_id, version, status, round, current_turn, created_at, updated_at)
        VALUES ('old', 2, 'setup', 0, 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:10:00.000Z');
      INSERT INTO scores (game_id, player_number, name) VALUES ('old', 1, 'Ana'), ('old', 2, 'Ben');
      INSERT INTO timers (game_id, player_number, remaining_ms) VALUES ('old', 1, 5400000), ('old', 2, 5400000);\n`;
    if (v >= 2)
      sql += `INSERT INTO actions (game_id, version, at, mono_ms, boot, actor, type, data)
        VALUES ('old', 2, '2026-01-01T00:10:00.000Z', 5, 'b', 'host', 'score_update', '{}');\n`;
    sqlite(db, sql);
    const srv = await startServer(['--host-token', HOST_TOKEN], { dir });
    try {
      assert.equal((await http(srv, 'GET', '/healthz')).json.schema, migrations.length);
      assert.equal((await status(srv)).last_seq, 0);
      assert.equal((await act(srv, 'old', 'score_update', { player_number: 1, primary: 2 })).status, 200);
      assert.equal((await http(srv, 'PUT', '/api/settings', { ...host, body: { venue: 'Club' } })).status, 200);
      assert.equal((await status(srv)).last_seq, 2);
      await srv.stop('SIGTERM', { keep: true });
      assert.equal(entries(db), 'action|old|3|1\nrow|venue|0|2');
      if (v >= 2) assert.equal(sqlite(db, "SELECT count(*) FROM actions WHERE seq IS NULL;").trim(), '1');
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
