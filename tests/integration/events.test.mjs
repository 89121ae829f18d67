// Events (PROTOCOL.md section 11, docs/tournaments.md) against the real binary: an
// event of 8 entrants over 3 rounds driven through REST and WebSocket, results
// confirmed by both players, one disputed and finalised by the host, a drop and a
// bye, the round timer reaching 0, standings and CSV checked exactly against an
// independent computation, bad input, and a restart that keeps the event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, open, http, sleep, HOST_TOKEN } from './lib.mjs';

let dir, srv;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'state-events-'));
  srv = await startServer(['--host-token', HOST_TOKEN], { dir });
});
after(async () => {
  if (srv && process.env.EVENTS_DEBUG) console.error(srv.stderr);
  if (srv) await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

const host = (method, path, body, headers) => http(srv, method, path, { body, token: HOST_TOKEN, headers });
const action = (gameId, type, data = {}) => host('POST', `/api/games/${gameId}/actions`, { type, data });

const NAMES = [
  ['Ana', 'Aeldari', 'North'], ['Ben', 'Orks', 'North'], ['Cai', 'Necrons', 'South'], ['Dee', 'Tau', 'South'],
  ['Eli', 'Drukhari', ''], ['Fay', 'Custodes', ''], ['Gus', 'Votann', 'East'], ['Hal', 'Tyranids', 'East'],
];

// The standings as docs/tournaments.md defines them, computed here from the games
// the test played: points, SoS (sum of final opponents' points), VP difference, VP for.
function expectedStandings(entrants, games, rounds) {
  const rows = entrants.map((e) => ({ id: e.entrant_id, e, w: 0, d: 0, l: 0, points: 0, sos: 0, vf: 0, va: 0, opps: [], per: {} }));
  const by = (id) => rows[id - 1];
  for (const g of games) {
    if (g.b === 0) { const r = by(g.a); r.w++; r.points += 3; r.per[g.round] = 0; continue; }
    const A = by(g.a), B = by(g.b);
    A.vf += g.vpA; A.va += g.vpB; B.vf += g.vpB; B.va += g.vpA;
    A.per[g.round] = g.vpA; B.per[g.round] = g.vpB;
    A.opps.push(g.b); B.opps.push(g.a);
    if (g.winner === 1) { A.w++; A.points += 3; B.l++; } else if (g.winner === 2) { B.w++; B.points += 3; A.l++; } else { A.d++; B.d++; A.points++; B.points++; }
  }
  for (const r of rows) r.sos = r.opps.reduce((s, o) => s + by(o).points, 0);
  const key = (r) => [r.points, r.sos, r.vf - r.va, r.vf];
  const cmp = (x, y) => { const a = key(x), b = key(y); for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return b[i] - a[i]; return 0; };
  const sorted = [...rows].sort((x, y) => cmp(x, y) || x.id - y.id);
  sorted.forEach((r, i) => { r.rank = i > 0 && cmp(sorted[i - 1], r) === 0 ? sorted[i - 1].rank : i + 1; });
  const csv = ['rank,name,faction,club,W,D,L,points,SoS,VP for,VP against' + Array.from({ length: rounds }, (_, i) => `,R${i + 1}`).join('')];
  for (const r of sorted) {
    csv.push([r.rank, r.e.name, r.e.faction, r.e.club, r.w, r.d, r.l, r.points, r.sos, r.vf, r.va,
      ...Array.from({ length: rounds }, (_, i) => (r.per[i + 1] ?? ''))].join(','));
  }
  return { sorted, csv: csv.join('\r\n') + '\r\n' };
}

test('an event of 8 entrants over 3 rounds: pairing, phones, results, dispute, drop, bye, timer, standings, CSV, restart', async () => {
  let r = await host('POST', '/api/events', { name: 'Club night', rounds: 3, round_time_ms: 600000, settings: { rounds: 3 } });
  assert.equal(r.status, 201, r.text);
  const ev = r.json;
  assert.match(ev.event_id, /^e-[0-9a-f]{8}$/);
  assert.equal(ev.status, 'setup');
  assert.deepEqual(ev.scoring, { win: 3, draw: 1, loss: 0 });
  const E = `/api/events/${ev.event_id}`;

  // Four as JSON, four pasted as CSV text (with a header line and a blank line).
  r = await host('POST', `${E}/entrants`, { entrants: NAMES.slice(0, 4).map(([name, faction, club]) => ({ name, faction, club })) });
  assert.equal(r.status, 201, r.text);
  const text = 'name,faction,club\n' + NAMES.slice(4).map((n) => n.join(', ')).join('\n') + '\n\n';
  r = await http(srv, 'POST', `${E}/entrants`, { body: text, token: HOST_TOKEN, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  r = await host('GET', E);
  const entrants = r.json.entrants;
  assert.deepEqual(entrants.map((e) => [e.entrant_id, e.name, e.faction, e.club]), NAMES.map((n, i) => [i + 1, ...n]));
  for (const e of entrants) assert.match(e.code, /^[A-Z2-9]{6}$/);

  // Each entrant scans its code once; its phone connects before round 1 as an entrant.
  const phones = [];
  for (const e of entrants) {
    const j = await http(srv, 'POST', '/api/join', { body: { code: e.code } });
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.role, 'entrant');
    assert.equal(j.json.event_id, ev.event_id);
    assert.equal(j.json.entrant_id, e.entrant_id);
    const ws = await open(`${srv.ws}/ws?token=${j.json.token}`);
    assert.equal(ws.hello.data.role, 'entrant');
    assert.equal(ws.hello.data.event_id, ev.event_id);
    assert.equal(ws.hello.data.entrant_id, e.entrant_id);
    phones.push({ e, token: j.json.token, ws });
  }
  // The entrant's copy of the event has no codes.
  r = await http(srv, 'GET', E, { token: phones[0].token });
  assert.equal(r.status, 200);
  assert.equal(r.json.entrants[1].code, undefined);

  // The hall board: an observer code of the event, subscribed to it.
  r = await host('POST', `${E}/invites`, { role: 'observer' });
  assert.equal(r.status, 201, r.text);
  const oj = await http(srv, 'POST', '/api/join', { body: { code: r.json.code } });
  assert.equal(oj.json.role, 'observer');
  assert.equal(oj.json.event_id, ev.event_id);
  const board = await open(`${srv.ws}/ws?token=${oj.json.token}`);
  assert.equal(board.hello.data.role, 'observer');
  let st = await board.request('subscribe_event', { event_id: ev.event_id });
  assert.equal(st.type, 'event_state');
  assert.equal(st.data.status, 'setup');
  assert.equal(st.data.entrants[0].code, undefined);
  // The QR code of a code of this event.
  r = await host('GET', `${E}/qr.svg?code=${entrants[0].code}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /^<svg/);

  // Bad input changes nothing.
  r = await host('PATCH', `${E}/entrants/99`, { dropped: true });
  assert.equal(r.status, 404);
  r = await host('POST', `${E}/timer`, { action: 'start' });
  assert.equal(r.status, 409, 'no timer before round 1');

  const played = [];
  const scores = {
    1: [[20, 10, 'confirm'], [15, 15, 'confirm'], [30, 5, 'confirm'], [12, 25, 'confirm']],
    2: [[40, 20, 'confirm'], [18, 18, 'dispute'], [25, 26, 'confirm'], [33, 10, 'confirm']],
    3: [[21, 20, 'confirm'], [10, 30, 'confirm'], [22, 2, 'confirm']],
  };
  for (let round = 1; round <= 3; round++) {
    if (round === 3) {
      // Hal drops before round 3: 7 left, so one bye.
      r = await host('PATCH', `${E}/entrants/8`, { dropped: true });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.dropped, true);
    }
    r = await host('POST', `${E}/rounds`);
    assert.equal(r.status, 201, r.text);
    const state = r.json;
    assert.equal(state.round, round);
    assert.equal(state.status, 'running');
    assert.equal(state.tables.length, round === 3 ? 3 : 4);
    assert.deepEqual(state.tables.map((t) => t.table), state.tables.map((_, i) => i + 1));
    if (round === 3) assert.equal(state.byes.length, 1);
    // Every entrant's phone moves to its table by itself: connect (player) then event_state.
    for (const p of phones) {
      if (p.e.entrant_id === 8) continue;
      const c = await p.ws.next((m) => m.type === 'connect');
      const table = state.tables.find((t) => t.players.some((x) => x.entrant_id === p.e.entrant_id));
      if (table) {
        const pn = table.players.find((x) => x.entrant_id === p.e.entrant_id).player_number;
        assert.equal(c.data.role, 'player');
        assert.equal(c.data.game_id, table.game_id);
        assert.equal(c.data.player_number, pn);
        p.game = table.game_id;
        p.pn = pn;
      } else {
        assert.equal(c.data.role, 'entrant', 'the bye');
        assert.equal(state.byes[0], p.e.entrant_id);
        p.game = null;
        played.push({ round, a: p.e.entrant_id, b: 0 });
      }
      assert.equal(c.data.entrant_id, p.e.entrant_id);
      const es = await p.ws.next('event_state');
      assert.equal(es.data.round, round);
    }
    // No rematches in three rounds of eight.
    for (const t of state.tables) {
      const [a, b] = t.players.map((x) => x.entrant_id);
      assert.ok(!played.some((g) => (g.a === a && g.b === b) || (g.a === b && g.b === a)), `rematch ${a}-${b}`);
    }
    // The game of a table is an ordinary game with the event block, names and factions filled.
    r = await host('GET', `/api/games/${state.tables[0].game_id}`);
    assert.equal(r.json.status, 'setup');
    assert.equal(r.json.players[0].name, state.tables[0].players[0].name);
    assert.equal(r.json.players[0].faction, state.tables[0].players[0].faction);
    assert.deepEqual(r.json.event, { event_id: ev.event_id, name: 'Club night', round, table: 1, timer: { remaining_ms: 600000, running: false } });

    // Pairing while a result is open is refused.
    r = await host('POST', `${E}/rounds`);
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'invalid_state');

    for (const [i, t] of state.tables.entries()) {
      const [vpA, vpB, how] = scores[round][i];
      const pa = phones.find((p) => p.e.entrant_id === t.players[0].entrant_id);
      const pb = phones.find((p) => p.e.entrant_id === t.players[1].entrant_id);
      assert.equal((await action(t.game_id, 'game_start')).status, 200);
      // Each phone scores for itself over the WebSocket.
      let a = await pa.ws.request('score_update', { player_number: 1, primary: vpA }, { game_id: t.game_id });
      assert.equal(a.type, 'ack', JSON.stringify(a));
      a = await pb.ws.request('score_update', { player_number: 2, primary: vpB }, { game_id: t.game_id });
      assert.equal(a.type, 'ack', JSON.stringify(a));
      // A player of another table cannot touch this one.
      const other = phones.find((p) => p.game && p.game !== t.game_id);
      a = await other.ws.request('score_update', { player_number: 1, primary_delta: 1 }, { game_id: t.game_id });
      assert.equal(a.type, 'error');
      assert.equal(a.data.code, 'forbidden');
      assert.equal((await action(t.game_id, 'game_end')).status, 200);
      const winner = vpA > vpB ? 1 : vpB > vpA ? 2 : 0;
      // A player confirming another game's result is refused.
      a = await other.ws.request('result_confirm', { agree: true }, { game_id: t.game_id });
      assert.equal(a.type, 'error');
      assert.equal(a.data.code, 'forbidden');
      a = await pa.ws.request('result_confirm', { agree: true }, { game_id: t.game_id });
      assert.equal(a.type, 'ack', JSON.stringify(a));
      if (how === 'confirm') {
        a = await pb.ws.request('result_confirm', { agree: true }, { game_id: t.game_id });
        assert.equal(a.type, 'ack', JSON.stringify(a));
        played.push({ round, a: t.players[0].entrant_id, b: t.players[1].entrant_id, vpA, vpB, winner });
      } else {
        a = await pb.ws.request('result_confirm', { agree: false }, { game_id: t.game_id });
        assert.equal(a.type, 'ack', JSON.stringify(a));
        r = await host('GET', E);
        const tt = r.json.tables.find((x) => x.game_id === t.game_id);
        assert.equal(tt.result.disputed, true);
        assert.equal(tt.result.final, false);
        assert.equal(tt.judge.called_by, 'player2');
        // Still open: the round cannot be paired.
        if (round < 3) assert.equal((await host('POST', `${E}/rounds`)).status, 409);
        // The organiser decides: player 2 wins, 18-20.
        r = await host('POST', `${E}/results/${t.game_id}`, { winner: 2, vp: [18, 20] });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result.final, true);
        assert.equal(r.json.result.by_host, true);
        assert.deepEqual(r.json.result.vp, [18, 20]);
        played.push({ round, a: t.players[0].entrant_id, b: t.players[1].entrant_id, vpA: 18, vpB: 20, winner: 2 });
      }
    }
    if (round === 1) {
      // The round timer: set to 300 ms and started; at 0 every game of the round is
      // broadcast with the block at 0, and the board gets event_state.
      const p = phones.find((x) => x.game === state.tables[0].game_id);
      await p.ws.request('subscribe', {}, { game_id: p.game });
      board.queue.length = 0; // earlier states (in setup the timer showed 0 too)
      r = await host('POST', `${E}/timer`, { action: 'set', remaining_ms: 300 });
      assert.equal(r.status, 200, r.text);
      const started = Date.now();
      r = await host('POST', `${E}/timer`, { action: 'start' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.timer.running, true);
      const gs = await p.ws.next((m) => m.type === 'game_state' && m.data.event && m.data.event.timer.remaining_ms === 0, 3000);
      const took = Date.now() - started;
      assert.ok(took >= 290 && took < 1000, `the broadcast at 0 came ${took} ms after a 300 ms start`);
      assert.equal(gs.data.event.timer.running, false);
      const bs = await board.next((m) => m.type === 'event_state' && m.data.timer.remaining_ms === 0 && !m.data.timer.running, 3000);
      assert.equal(bs.data.round, 1);
      r = await host('POST', `${E}/timer`, { action: 'start' });
      assert.equal(r.status, 409, 'a timer at 0 does not start');
    }
  }
  // The last final result ends the event (at the next pulse of the events, 100 ms).
  for (let i = 0; i < 20 && (r = await host('GET', E)).json.status !== 'ended'; i++) await sleep(50);
  assert.equal(r.json.status, 'ended');
  r = await host('POST', `${E}/rounds`);
  assert.equal(r.status, 409);

  // Standings and CSV, exactly.
  const exp = expectedStandings(entrants, played, 3);
  r = await http(srv, 'GET', `${E}/standings`, { token: oj.json.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.standings.map((x) => [x.rank, x.entrant_id, x.wins, x.draws, x.losses, x.points, x.sos, x.vp_for, x.vp_against]),
    exp.sorted.map((x) => [x.rank, x.id, x.w, x.d, x.l, x.points, x.sos, x.vf, x.va]));
  assert.equal(r.json.standings.find((x) => x.entrant_id === 8).dropped, true);
  // Each row's rounds: the game, the opponent and the VP of every round, the bye as such.
  const row = (id) => r.json.standings.find((x) => x.entrant_id === id);
  for (const g of played) {
    const ra = row(g.a).rounds[g.round - 1];
    if (g.b === 0) { assert.deepEqual(ra, { round: g.round, kind: 'bye', vp: 0, game_id: null, opponent: null }); continue; }
    const gid = `${ev.event_id}-r${g.round}-t`;
    assert.equal(ra.kind, 'game');
    assert.equal(ra.opponent, g.b);
    assert.equal(ra.vp, g.vpA);
    assert.ok(ra.game_id.startsWith(gid));
    const rb = row(g.b).rounds[g.round - 1];
    assert.deepEqual([rb.kind, rb.opponent, rb.vp, rb.game_id], ['game', g.a, g.vpB, ra.game_id]);
  }
  assert.deepEqual(row(8).rounds[2], { round: 3, kind: 'none', vp: 0, game_id: null, opponent: null });
  r = await host('GET', `${E}/standings?format=csv`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(r.text, exp.csv);

  // The hall: every game of the box with its table and event.
  r = await host('GET', '/api/hall');
  assert.equal(r.status, 200);
  assert.equal(r.json.games.length, 11);
  const hg = r.json.games.find((g) => g.game_id === `${ev.event_id}-r3-t1`);
  assert.equal(hg.table, 1);
  assert.equal(hg.event_id, ev.event_id);
  assert.equal(typeof hg.box, 'string');
  assert.equal(hg.players[0].private, undefined, 'observer view');

  // A restart keeps the event, its entrants, tables and results.
  for (const p of phones) await p.ws.close();
  await board.close();
  await sleep(100);
  const before = (await host('GET', E)).json;
  await srv.stop('SIGTERM', { keep: true });
  srv = await startServer(['--host-token', HOST_TOKEN], { dir });
  const afterState = (await host('GET', E)).json;
  // (the port, and so the join URLs, differ: --port 0)
  for (const s of [before, afterState]) { delete s.server_time; for (const e of s.entrants) delete e.url; }
  assert.deepEqual(afterState, before);
  // Its entrant tokens still work.
  r = await http(srv, 'GET', `${E}/standings`, { token: phones[0].token });
  assert.equal(r.status, 200);
});

test('event_state is coalesced: a burst of changes on many tables reaches the board a few times, the last state included', async () => {
  let r = await host('POST', '/api/events', { name: 'Burst', rounds: 1 });
  const E = `/api/events/${r.json.event_id}`;
  await host('POST', `${E}/entrants`, { entrants: Array.from({ length: 16 }, (_, i) => ({ name: `B${i}` })) });
  const st = (await host('POST', `${E}/rounds`)).json;
  const board = await open(`${srv.ws}/ws?token=${HOST_TOKEN}`);
  await board.request('subscribe_event', {});
  assert.equal((await board.request('subscribe_event', { event_id: st.event_id })).type, 'event_state');
  board.queue.length = 0;
  const t0 = Date.now();
  for (let k = 1; k <= 10; k++) {
    for (const t of st.tables) await action(t.game_id, 'score_update', { player_number: 1, primary: k });
  }
  const burstMs = Date.now() - t0;
  await sleep(600);
  const states = board.queue.filter((m) => m.type === 'event_state');
  // 80 committed changes; at most one event_state every 250 ms (and one more at the edges).
  assert.ok(states.length >= 1, 'the board heard of it');
  assert.ok(states.length <= Math.ceil((burstMs + 600) / 250) + 1, `${states.length} event_state in ${burstMs + 600} ms`);
  assert.ok(states.length < 80);
  const last = states[states.length - 1].data;
  assert.deepEqual(last.tables.map((t) => t.players[0].primary), st.tables.map(() => 10), 'the last state is the newest');
  board.close();
});

test('bad input gets clear errors and changes nothing', async () => {
  let r = await host('POST', '/api/events', { name: 'Other', rounds: 2 });
  const A = r.json.event_id;
  r = await host('POST', '/api/events', { name: 'Another', rounds: 2 });
  const B = r.json.event_id;
  r = await host('POST', `/api/events/${A}/entrants`, { entrants: [{ name: 'X' }, { name: 'Y' }] });
  const codeA = r.json.entrants[0].code;
  const j = await http(srv, 'POST', '/api/join', { body: { code: codeA } });
  // An entrant code used against another event.
  r = await http(srv, 'GET', `/api/events/${B}`, { token: j.json.token });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  const ws = await open(`${srv.ws}/ws?token=${j.json.token}`);
  const e = await ws.request('subscribe_event', { event_id: B });
  assert.equal(e.type, 'error');
  assert.equal(e.data.code, 'forbidden');
  ws.close();
  r = await host('GET', `/api/events/${B}/qr.svg?code=${codeA}`);
  assert.equal(r.status, 404);
  // Sessions of event codes are listed and revoked like any other.
  r = await host('GET', '/api/sessions');
  const mine = r.json.sessions.find((x) => x.event_id === A && x.entrant_id === 1);
  assert.ok(mine, JSON.stringify(r.json).slice(0, 300));
  assert.equal(mine.role, 'entrant');
  const j2 = await http(srv, 'POST', '/api/join', { body: { code: codeA } });
  const r2 = await host('GET', '/api/sessions');
  const second = r2.json.sessions.find((x) => x.event_id === A && x.session_id !== mine.session_id);
  assert.equal((await host('DELETE', `/api/sessions/${second.session_id}`)).status, 204);
  assert.equal((await http(srv, 'GET', `/api/events/${A}`, { token: j2.json.token })).status, 401);
  assert.equal((await http(srv, 'GET', `/api/events/${A}`, { token: j.json.token })).status, 200, 'the other session lives on');
  // Entrants may not change anything.
  r = await http(srv, 'POST', `/api/events/${A}/rounds`, { token: j.json.token });
  assert.equal(r.status, 403);
  // Malformed bodies.
  for (const [path, body, code] of [
    ['/api/events', { rounds: 3 }, 'bad_message'],
    ['/api/events', { name: 'x', rounds: 0 }, 'bad_message'],
    ['/api/events', { name: 'x', rounds: 3, scoring: { win: 'a' } }, 'bad_message'],
    ['/api/events', { name: 'x', rounds: 3, settings: { clock_ms: 5 } }, 'bad_message'],
    ['/api/events', '{"name":', 'bad_json'],
    [`/api/events/${A}/entrants`, { faction: 'no name' }, 'bad_message'],
    [`/api/events/${A}/entrants`, { entrants: [{ name: 'ok' }, { name: 'x'.repeat(41) }] }, 'bad_message'],
    [`/api/events/${A}/entrants`, { entrants: 'Ana' }, 'bad_message'],
    [`/api/events/${A}/timer`, { action: 'explode' }, 'bad_message'],
    [`/api/events/${A}/invites`, { role: 'player' }, 'bad_message'],
  ]) {
    r = await host('POST', path, body);
    assert.equal(r.status, code === 'bad_json' ? 400 : 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code, r.text);
  }
  r = await host('GET', `/api/events/${A}`);
  assert.equal(r.json.entrants.length, 2, 'a refused list adds nobody');
  // More than 512 entrants, in one request and in total.
  const many = Array.from({ length: 513 }, (_, i) => ({ name: `P${i}` }));
  r = await host('POST', `/api/events/${A}/entrants`, { entrants: many });
  assert.equal(r.status, 400, r.text);
  r = await host('POST', `/api/events/${A}/entrants`, { entrants: many.slice(0, 510) });
  assert.equal(r.status, 201, r.text);
  r = await host('POST', `/api/events/${A}/entrants`, { name: 'one too many' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /512/);
  r = await host('GET', `/api/events/${A}`);
  assert.equal(r.json.entrants.length, 512);
  // Unknown event, entrant and game.
  assert.equal((await host('GET', '/api/events/e-00000000')).status, 404);
  assert.equal((await host('PATCH', `/api/events/${A}/entrants/600`, { dropped: true })).status, 404);
  assert.equal((await host('POST', `/api/events/${A}/results/nope`, { winner: 1 })).status, 404);
  // A round of 512, then the list and deletion.
  const t0 = Date.now();
  r = await host('POST', `/api/events/${A}/rounds`);
  assert.equal(r.status, 201);
  assert.equal(r.json.tables.length, 256);
  assert.ok(Date.now() - t0 < 5000);
  r = await host('GET', '/api/events');
  assert.ok(r.json.events.some((x) => x.event_id === A && x.entrants === 512 && x.round === 1));
  r = await host('DELETE', `/api/events/${A}`);
  assert.equal(r.status, 204);
  assert.equal((await host('GET', `/api/events/${A}`)).status, 404);
  assert.equal((await host('GET', `/api/games/${A}-r1-t1`)).status, 404);
  r = await http(srv, 'GET', `/api/events/${A}`, { token: j.json.token });
  assert.equal(r.status, 401, 'its sessions are gone');
  await sleep(10);
});
