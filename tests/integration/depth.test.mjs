// Game model depth against the real binary (PROTOCOL.md sections 5 and 6): per-round
// scores and the compatibility rule for absolute totals, caps, judge calls that stop
// and restart the clocks, the players' word on a result, what a player of another game
// may not do, the history's round column, and the new fields surviving a restart and a
// host's full game_state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, http, sleep } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

let seq = 0;
async function newGame(settings = {}) {
  const r = await http(srv, 'POST', '/api/games', {
    body: { game_id: `d-${++seq}`, player1_name: 'Ana', player2_name: 'Ben', settings },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.game_id;
}

async function tokenFor(gid, player) {
  const inv = await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'player', player_number: player } });
  assert.equal(inv.status, 201, inv.text);
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(j.status, 200, j.text);
  return j.json.token;
}

const read = async (gid) => (await http(srv, 'GET', `/api/games/${gid}`)).json;
const host = () => open(srv.ws + '/ws');
const as = (token) => open(`${srv.ws}/ws?token=${token}`);

async function ok(c, gid, type, data) {
  const r = await c.request(type, data, { game_id: gid });
  assert.equal(r.type, 'ack', `${type} ${JSON.stringify(data)} refused: ${JSON.stringify(r.data)}`);
  return read(gid);
}

async function refused(c, gid, type, data, code) {
  const before = await read(gid);
  const r = await c.request(type, data, { game_id: gid });
  assert.equal(r.type, 'error', `${type} ${JSON.stringify(data)} should be refused`);
  assert.equal(r.data.code, code, r.data.message);
  const afterState = await read(gid);
  assert.equal(afterState.version, before.version, 'a refusal changes nothing');
  return r.data;
}

const cells = (s, p) => s.players[p - 1].rounds.map((r) => [r.primary, r.secondary]);

test('per-round scores: cells, totals as sums, round defaults, the compatibility rule for absolute totals', async () => {
  const gid = await newGame({ rounds: 3 });
  const h = await host();
  let s = await read(gid);
  assert.deepEqual(s.players[0].rounds, [1, 2, 3].map((round) => ({ round, primary: 0, secondary: 0 })));
  assert.equal(s.judge, null);
  assert.equal(s.result, null);
  s = await ok(h, gid, 'score_update', { player_number: 1, primary_delta: 2 }); // before the start: round 1
  await ok(h, gid, 'game_start', {});
  await ok(h, gid, 'turn_change', {});
  await ok(h, gid, 'turn_change', {}); // round 2
  s = await ok(h, gid, 'score_update', { player_number: 1, primary_delta: 5, secondary_delta: 1 });
  assert.deepEqual(cells(s, 1), [[2, 0], [5, 1], [0, 0]]);
  s = await ok(h, gid, 'score_update', { player_number: 1, round: 3, primary: 4 });
  assert.deepEqual(cells(s, 1), [[2, 0], [5, 1], [4, 0]]);
  assert.equal(s.players[0].primary, 11);
  assert.equal(s.players[0].score, 12);
  // An absolute total without round: the current round's cell (2) makes the total come out as asked.
  s = await ok(h, gid, 'score_update', { player_number: 1, primary: 20 });
  assert.deepEqual(cells(s, 1), [[2, 0], [14, 1], [4, 0]]);
  assert.equal(s.players[0].primary, 20);
  // ... and is refused when that cell would go below 0.
  const e = await refused(h, gid, 'score_update', { player_number: 1, primary: 5 }, 'bad_message');
  assert.match(e.message, /primary/);
  await refused(h, gid, 'score_update', { player_number: 1, round: 4, primary_delta: 1 }, 'bad_message');
  await refused(h, gid, 'score_update', { player_number: 1, round: 0, primary_delta: 1 }, 'bad_message');
  await refused(h, gid, 'score_update', { player_number: 1, round: 'two', primary_delta: 1 }, 'bad_message');
  // A player scores its own cells; the opponent sees them too.
  const p2 = await as(await tokenFor(gid, 2));
  await p2.request('subscribe', undefined, { game_id: gid });
  s = await ok(p2, gid, 'score_update', { round: 1, secondary_delta: 3 });
  assert.deepEqual(cells(s, 2), [[0, 3], [0, 0], [0, 0]]);
  // rounds may not drop under a scored round
  await refused(h, gid, 'settings_update', { rounds: 2 }, 'bad_message');
  await h.close();
  await p2.close();
});

test('caps: a change past a round cap or a game cap is refused with bad_message naming the cap', async () => {
  const gid = await newGame({ primary_round_cap: 15, primary_cap: 25, secondary_round_cap: 4, secondary_cap: 6 });
  const h = await host();
  await ok(h, gid, 'score_update', { player_number: 2, round: 1, primary: 15 });
  let e = await refused(h, gid, 'score_update', { player_number: 2, round: 1, primary_delta: 1 }, 'bad_message');
  assert.match(e.message, /primary_round_cap/);
  await ok(h, gid, 'score_update', { player_number: 2, round: 2, primary: 10 });
  e = await refused(h, gid, 'score_update', { player_number: 2, round: 3, primary_delta: 1 }, 'bad_message');
  assert.match(e.message, /primary_cap/);
  e = await refused(h, gid, 'score_update', { player_number: 2, secondary: 5 }, 'bad_message');
  assert.match(e.message, /secondary_round_cap/);
  await ok(h, gid, 'score_update', { player_number: 2, round: 1, secondary: 4 });
  e = await refused(h, gid, 'score_update', { player_number: 2, round: 2, secondary: 3 }, 'bad_message');
  assert.match(e.message, /secondary_cap/);
  // lowering a score is always fine, also under a lowered cap; 0 removes the cap
  await ok(h, gid, 'settings_update', { primary_round_cap: 5 });
  let s = await ok(h, gid, 'score_update', { player_number: 2, round: 1, primary_delta: -1 });
  assert.equal(s.players[1].primary, 24);
  await refused(h, gid, 'settings_update', { primary_cap: 1000 }, 'bad_message');
  await ok(h, gid, 'settings_update', { primary_round_cap: 0, primary_cap: null });
  s = await ok(h, gid, 'score_update', { player_number: 2, round: 1, primary_delta: 30 });
  assert.equal(s.players[1].primary, 54);
  await h.close();
});

test('judge_call pauses an active game and stops its clock; judge_done resumes it; a second call is refused', async () => {
  const gid = await newGame();
  const h = await host();
  await ok(h, gid, 'game_start', {});
  const p1 = await as(await tokenFor(gid, 1));
  await p1.request('subscribe', undefined, { game_id: gid });
  await sleep(150);
  const t0 = Date.now();
  let s = await ok(p1, gid, 'judge_call', { reason: 'line of sight' });
  assert.equal(s.status, 'paused');
  assert.equal(s.judge.called_by, 'player1');
  assert.equal(s.judge.reason, 'line of sight');
  assert.ok(Math.abs(s.judge.at - t0) < 2000, 'at is the wall clock in ms');
  assert.equal(s.players[0].is_running, false);
  const left = s.players[0].time_remaining;
  // the broadcast to the subscribed player shows the call too
  const pushed = await p1.next((m) => m.type === 'game_state' && m.data.judge);
  assert.equal(pushed.data.judge.called_by, 'player1');
  await sleep(300);
  assert.equal((await read(gid)).players[0].time_remaining, left, 'the clock stands while the judge is called');
  const e = await refused(h, gid, 'judge_call', { reason: 'again' }, 'invalid_state');
  assert.match(e.message, /already open/);
  await refused(p1, gid, 'judge_done', {}, 'forbidden');
  await refused(p1, gid, 'judge_call', { reason: 'x'.repeat(201) }, 'bad_message');
  s = await ok(h, gid, 'judge_done', {});
  assert.equal(s.judge, null);
  assert.equal(s.status, 'active');
  assert.equal(s.players[0].is_running, true);
  await sleep(300);
  assert.ok((await read(gid)).players[0].time_remaining < left - 200, 'the clock runs again');
  await refused(h, gid, 'judge_done', {}, 'invalid_state');
  // judge_pauses false: the call is shown, the clock runs on
  await ok(h, gid, 'settings_update', { judge_pauses: false });
  s = await ok(h, gid, 'judge_call', {});
  assert.equal(s.status, 'active');
  assert.equal(s.judge.called_by, 'host');
  assert.equal(s.judge.reason, '');
  await ok(h, gid, 'judge_done', {});
  await h.close();
  await p1.close();
});

test('result_confirm: null until ended, both yes is final, a no disputes and opens a judge call, the host finalises', async () => {
  const gid = await newGame();
  const h = await host();
  const p1 = await as(await tokenFor(gid, 1));
  const p2 = await as(await tokenFor(gid, 2));
  await ok(h, gid, 'score_update', { player_number: 1, primary: 10 });
  await ok(h, gid, 'game_start', {});
  let e = await refused(p1, gid, 'result_confirm', { agree: true }, 'invalid_state');
  assert.match(e.message, /not ended/);
  let s = await ok(h, gid, 'game_end', {});
  assert.deepEqual(s.result, { winner: 1, confirmed: [], disputed: false, final: false });
  await refused(p1, gid, 'result_confirm', {}, 'bad_message');
  await refused(p1, gid, 'result_confirm', { agree: 'yes' }, 'bad_message');
  await refused(p1, gid, 'result_confirm', { agree: true, winner: 1 }, 'forbidden');
  s = await ok(p2, gid, 'result_confirm', { agree: true });
  assert.deepEqual(s.result.confirmed, [2]);
  s = await ok(p1, gid, 'result_confirm', { agree: true });
  assert.deepEqual(s.result, { winner: 1, confirmed: [1, 2], disputed: false, final: true });
  e = await refused(p1, gid, 'result_confirm', { agree: false }, 'invalid_state');
  assert.match(e.message, /final/);

  // a dispute
  const g2 = await newGame();
  const q1 = await as(await tokenFor(g2, 1));
  const q2 = await as(await tokenFor(g2, 2));
  await ok(h, g2, 'game_start', {});
  await ok(q1, g2, 'game_end', { winner: 2 }); // a concession is player 1's yes
  s = await read(g2);
  assert.deepEqual(s.result, { winner: 2, confirmed: [1], disputed: false, final: false });
  s = await ok(q2, g2, 'result_confirm', { agree: false });
  assert.equal(s.result.disputed, true);
  assert.equal(s.result.final, false);
  assert.equal(s.judge.called_by, 'player2');
  assert.equal(s.judge.reason, 'result disputed');
  await refused(q2, g2, 'result_confirm', { agree: true }, 'invalid_state');
  await refused(h, g2, 'result_confirm', { agree: false }, 'bad_message');
  s = await ok(h, g2, 'result_confirm', { agree: true, winner: null });
  assert.deepEqual(s.result, { winner: null, confirmed: [1], disputed: true, final: true });
  assert.equal(s.draw, true);
  s = await ok(h, g2, 'judge_done', {});
  assert.equal(s.judge, null);
  assert.equal(s.status, 'ended');

  // the host finalises a plain game over REST too
  const g3 = await newGame();
  await ok(h, g3, 'game_end', { winner: 2 });
  const r = await http(srv, 'POST', `/api/games/${g3}/actions`, { body: { type: 'result_confirm', data: { agree: true } } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await read(g3)).result.final, true);
  for (const c of [h, p1, p2, q1, q2]) await c.close();
});

test("a player may not confirm, call a judge on, or score another game's result", async () => {
  const a = await newGame();
  const b = await newGame();
  const h = await host();
  await ok(h, b, 'game_end', {});
  const pa = await as(await tokenFor(a, 1));
  for (const [type, data] of [['result_confirm', { agree: true }], ['judge_call', {}], ['score_update', { round: 1, primary_delta: 1 }]]) {
    const before = await read(b);
    const r = await pa.request(type, data, { game_id: b });
    assert.equal(r.type, 'error');
    assert.equal(r.data.code, 'forbidden', `${type}: ${r.data.message}`);
    assert.equal((await read(b)).version, before.version);
  }
  const tok = await tokenFor(a, 2);
  const rest = await http(srv, 'POST', `/api/games/${b}/actions`, { token: tok, body: { type: 'result_confirm', data: { agree: true } } });
  assert.equal(rest.status, 403);
  assert.equal((await read(b)).result.confirmed.length, 0);
  await h.close();
  await pa.close();
});

test('history: every entry carries its round (JSON and the CSV round column)', async () => {
  const gid = await newGame({ rounds: 2 });
  const h = await host();
  await ok(h, gid, 'score_update', { player_number: 1, primary_delta: 1 });
  await ok(h, gid, 'game_start', {});
  await ok(h, gid, 'turn_change', {});
  await ok(h, gid, 'turn_change', {});
  await ok(h, gid, 'score_update', { player_number: 2, secondary_delta: 2 });
  await ok(h, gid, 'score_update', { player_number: 2, round: 1, primary_delta: 3 });
  await ok(h, gid, 'judge_call', { reason: 'terrain', at: 5 }); // a client's "at" is not taken
  const j = (await http(srv, 'GET', `/api/games/${gid}/history`)).json.entries;
  assert.deepEqual(j.map((e) => [e.type, e.round]), [
    ['game_state', 0], ['score_update', 1], ['game_start', 0], ['turn_change', 1], ['turn_change', 1],
    ['score_update', 2], ['score_update', 1], ['judge_call', 2],
  ]);
  const csv = (await http(srv, 'GET', `/api/games/${gid}/history?format=csv`)).text.trimEnd().split('\r\n');
  assert.equal(csv[0], 'version,at,actor,type,data,undone_by,round');
  assert.deepEqual(csv.slice(1).map((l) => l.split(',').at(-1)), ['0', '1', '0', '1', '1', '2', '1', '2']);
  assert.match(csv[8], /"judge_call","\{""reason"":""terrain"",""at"":\d+\}",,2$/);
  // the call's time is logged as the server had it, so a replay can give the same
  const call = j.at(-1);
  assert.equal(call.data.at, (await read(gid)).judge.at);
  await h.close();
});

test("the new fields survive a restart and a host's full game_state; undo takes a confirmation back", async () => {
  const s1 = await startServer();
  try {
    const r = await http(s1, 'POST', '/api/games', { body: { game_id: 'keep', player1_name: 'A', player2_name: 'B', settings: { rounds: 3 } } });
    assert.equal(r.status, 201);
    const act = async (type, data, token) => {
      const x = await http(s1, 'POST', '/api/games/keep/actions', { token, body: { type, data } });
      assert.equal(x.status, 200, `${type}: ${x.text}`);
    };
    await act('score_update', { player_number: 1, round: 2, primary: 7 });
    await act('score_update', { player_number: 2, round: 3, secondary: 4 });
    await act('game_start', {});
    await act('judge_call', { reason: 'rules' });
    await act('game_end', { winner: 1 });
    const inv = await http(s1, 'POST', '/api/games/keep/invites', { body: { role: 'player', player_number: 2 } });
    const tok = (await http(s1, 'POST', '/api/join', { body: { code: inv.json.code } })).json.token;
    await act('result_confirm', { agree: true }, tok);
    const before = (await http(s1, 'GET', '/api/games/keep')).json;
    await s1.stop('SIGTERM', { keep: true });
    const s2 = await startServer([], { dir: s1.dir });
    try {
      const g = (await http(s2, 'GET', '/api/games/keep')).json;
      for (const k of ['players', 'judge', 'result', 'status', 'version']) {
        const strip = (x) => JSON.parse(JSON.stringify(x, (key, v) => (['time_remaining', 'time_used', 'connected'].includes(key) ? undefined : v)));
        assert.deepEqual(strip(g[k]), strip(before[k]), k);
      }
      assert.deepEqual(cells(g, 1), [[0, 0], [7, 0], [0, 0]]);
      assert.equal(g.judge.reason, 'rules');
      assert.deepEqual(g.result.confirmed, [2]);
      // undo of the confirmation reads the logged full state back
      const u = await http(s2, 'POST', '/api/games/keep/actions', { body: { type: 'undo' } });
      assert.equal(u.status, 200, u.text);
      const g2 = (await http(s2, 'GET', '/api/games/keep')).json;
      assert.deepEqual(g2.result.confirmed, []);
      assert.equal(g2.judge.reason, 'rules');
      // a host's full game_state with rounds, judge and result
      const h = await open(s2.ws + '/ws');
      const full = { ...g2, game_id: 'copy', result: { confirmed: [1], disputed: true, final: false } };
      full.players = g2.players.map((p) => ({ ...p }));
      full.players[1].rounds = [{ round: 1, primary: 2, secondary: 0 }, { round: 3, primary: 1, secondary: 5 }];
      delete full.players[1].primary; delete full.players[1].secondary;
      const rep = await h.request('game_state', full, { game_id: 'copy' });
      assert.notEqual(rep.type, 'error', JSON.stringify(rep.data));
      const c = (await http(s2, 'GET', '/api/games/copy')).json;
      assert.deepEqual(cells(c, 2), [[2, 0], [0, 0], [1, 5]]);
      assert.equal(c.players[1].primary, 3);
      assert.equal(c.players[1].secondary, 5);
      assert.deepEqual(c.result, { winner: 1, confirmed: [1], disputed: true, final: false });
      assert.equal(c.judge.reason, 'rules');
      // totals that disagree with the cells are refused; totals alone go to round 1
      const badFull = structuredClone(full);
      badFull.game_id = 'copy2';
      badFull.players[1].primary = 9;
      const bad = await h.request('game_state', badFull, { game_id: 'copy2' });
      assert.equal(bad.type, 'error');
      assert.match(bad.data.message, /players\[1\]\.rounds/);
      const plain = structuredClone(full);
      plain.game_id = 'copy3';
      for (const p of plain.players) delete p.rounds;
      plain.players[1].primary = 9;
      const okPlain = await h.request('game_state', plain, { game_id: 'copy3' });
      assert.notEqual(okPlain.type, 'error', JSON.stringify(okPlain.data));
      const c3 = (await http(s2, 'GET', '/api/games/copy3')).json;
      assert.deepEqual(cells(c3, 2)[0], [9, 0]);
      await h.close();
    } finally {
      await s2.stop();
    }
  } finally {
    await s1.stop();
  }
});
