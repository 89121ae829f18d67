// PROTOCOL.md sections 2-6 and 8 from the outside: the envelope, every message of
// the tables in sections 4 and 5 with its legal and illegal statuses, the game
// state of section 6 (clocks, turns, rounds, undo, presence) and the limits of
// section 8. Every refused request is followed by a fresh game_state read that
// shows nothing changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, connect, http, sleep } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let gameSeq = 0;

/** Creates a game over REST as the loopback host; returns its id. */
async function newGame(body = {}) {
  const r = await http(srv, 'POST', '/api/games', {
    body: { game_id: `p-${++gameSeq}-${Date.now() % 100000}`, player1_name: 'Ana', player2_name: 'Ben', ...body },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.game_id;
}

/** A player or observer token for a game (invite, then join). */
async function tokenFor(gid, role, player) {
  const inv = await http(srv, 'POST', `/api/games/${gid}/invites`,
    { body: role === 'player' ? { role, player_number: player } : { role } });
  assert.equal(inv.status, 201, inv.text);
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(j.status, 200, j.text);
  return j.json.token;
}

/** A fresh game_state read over a new host connection. */
async function read(gid) {
  const h = await open(srv.ws + '/ws');
  const s = await h.request('game_state', undefined, { game_id: gid });
  await h.close();
  assert.equal(s.type, 'game_state', JSON.stringify(s));
  return s.data;
}

/** The state without the fields that move with the wall clock or the reader. */
function fixed(s) {
  const c = structuredClone(s);
  delete c.server_time; delete c.ref; delete c.game_time;
  for (const p of c.players) { delete p.time_remaining; delete p.time_used; }
  return c;
}

/** Sends a request that must be refused with code; then checks the game did not change. */
async function refused(c, gid, type, data, code, extra = {}) {
  const before = await read(gid);
  const r = await c.request(type, data, { game_id: gid, ...extra });
  assert.equal(r.type, 'error', `${type} ${JSON.stringify(data)} should be refused: ${JSON.stringify(r)}`);
  assert.equal(r.data.code, code, `${type} ${JSON.stringify(data)}: ${r.data.message}`);
  assert.equal(typeof r.data.message, 'string');
  const after = await read(gid);
  assert.deepEqual(fixed(after), fixed(before), `${type} ${JSON.stringify(data)} changed the game`);
  return r;
}

/** Sends a change that must be accepted; returns the new state (fresh read). */
async function ok(c, gid, type, data) {
  const r = await c.request(type, data, { game_id: gid });
  assert.equal(r.type, 'ack', `${type} ${JSON.stringify(data)} refused: ${JSON.stringify(r.data)}`);
  const s = await read(gid);
  assert.equal(s.version, r.data.version);
  return s;
}

const host = () => open(srv.ws + '/ws');
const as = (token) => open(`${srv.ws}/ws?token=${token}`);

// ---- section 2: envelope -------------------------------------------------------

test('envelope: server sets timestamp, ignores the client\'s and unknown fields, echoes id as data.ref', async () => {
  const gid = await newGame();
  const h = await host();
  const before = Date.now();
  const a = await h.request('score_update', { player_number: 1, primary: 3 },
    { game_id: gid, timestamp: '1999-01-01T00:00:00.000Z', extra_field: { x: 1 } });
  assert.equal(a.type, 'ack');
  assert.match(a.timestamp, ISO);
  assert.ok(Date.parse(a.timestamp) >= before - 1000, 'the server\'s own time, not the client\'s');
  assert.equal(typeof a.data.ref, 'string');
  const s = await read(gid);
  assert.equal(s.players[0].primary, 3);
  assert.ok(Date.parse(s.updated_at) >= before - 1000);
  // id up to 64 characters is fine, 65 is bad_message; non-string id is bad_message.
  const id64 = 'i'.repeat(64);
  h.send({ type: 'heartbeat', id: id64 });
  assert.equal((await h.next('heartbeat')).data.ref, id64);
  h.send({ type: 'heartbeat', id: 7 });
  assert.equal((await h.next('error')).data.code, 'bad_message');
  // data must be an object when present
  const e = await h.request('score_update', [1], { game_id: gid });
  assert.equal(e.data.code, 'bad_message');
  // type missing
  h.send({ data: {}, id: 'no-type' });
  const e2 = await h.next('error');
  assert.equal(e2.data.code, 'bad_message');
  assert.equal(e2.data.ref, 'no-type');
  await h.close();
});

// ---- section 4: server to client -------------------------------------------------

test('connect: sent on upgrade with the fields of each role, and again after a connect request', async () => {
  const gid = await newGame();
  const p2 = await tokenFor(gid, 'player', 2);
  const ob = await tokenFor(gid, 'observer');
  const h = await host();
  assert.deepEqual(Object.keys(h.hello.data).sort(), ['client_id', 'protocol', 'role', 'server_time']);
  assert.equal(h.hello.data.role, 'host');
  assert.equal(h.hello.game_id, undefined);
  const p = await as(p2);
  assert.equal(p.hello.data.role, 'player');
  assert.equal(p.hello.data.player_number, 2);
  assert.equal(p.hello.data.game_id, gid);
  assert.equal(p.hello.data.protocol, 1);
  assert.ok(Math.abs(p.hello.data.server_time - Date.now()) < 5000);
  const o = await as(ob);
  assert.equal(o.hello.data.role, 'observer');
  assert.equal(o.hello.data.game_id, gid);
  assert.equal(o.hello.data.player_number, undefined);
  assert.notEqual(o.hello.data.client_id, p.hello.data.client_id);
  // A host connection that sends connect with a player token becomes that player.
  const again = await h.request('connect', { token: p2 });
  assert.equal(again.type, 'connect');
  assert.equal(again.data.role, 'player');
  assert.equal(again.data.player_number, 2);
  assert.equal(again.data.client_id, h.hello.data.client_id, 'same connection, same client_id');
  const e = await h.request('game_start', undefined, { game_id: gid });
  assert.equal(e.data.code, 'forbidden', 'now a player');
  const bad = await h.request('connect', { token: 'nope' });
  assert.equal(bad.data.code, 'unauthorized');
  const missing = await h.request('connect', {});
  assert.equal(missing.data.code, 'bad_message');
  await Promise.all([h.close(), p.close(), o.close()]);
});

test('game_state: on subscribe, on request, and to every subscriber after each change; ack only to the sender with id', async () => {
  const gid = await newGame();
  const h = await host();
  const h2 = await host();
  const sub = await h.request('subscribe', undefined, { game_id: gid });
  assert.equal(sub.type, 'game_state');
  assert.equal(sub.game_id, gid);
  assert.equal(sub.data.game_id, gid);
  assert.equal(sub.data.version, 1);
  await h2.request('subscribe', undefined, { game_id: gid });
  const req = await h2.request('game_state', {}, { game_id: gid });
  assert.equal(req.type, 'game_state');
  assert.equal(req.data.version, 1);
  const ack = await h.request('score_update', { player_number: 2, secondary: 4 }, { game_id: gid });
  assert.deepEqual(Object.keys(ack.data).sort(), ['ref', 'version']);
  assert.equal(ack.data.version, 2);
  for (const c of [h, h2]) {
    const b = await c.next((m) => m.type === 'game_state' && m.data.version === 2);
    assert.equal(b.data.ref, undefined, 'a broadcast is not a reply');
    assert.equal(b.data.players[1].secondary, 4);
    assert.equal(b.data.players[1].score, 4);
  }
  // No id: no ack, but the broadcast still comes.
  h.send({ type: 'score_update', game_id: gid, data: { player_number: 2, secondary: 5 } });
  await h.next((m) => m.type === 'game_state' && m.data.version === 3);
  await h2.next((m) => m.type === 'game_state' && m.data.version === 3);
  await sleep(100);
  assert.equal(h.queue.filter((m) => m.type === 'ack').length, 0);
  assert.equal(h2.queue.filter((m) => m.type === 'ack').length, 0);
  // unsubscribe: no more broadcasts
  const un = await h2.request('unsubscribe', undefined, { game_id: gid });
  assert.equal(un.type, 'ack');
  await ok(h, gid, 'score_update', { player_number: 2, secondary: 6 });
  await h.next((m) => m.type === 'game_state' && m.data.version === 4);
  await sleep(100);
  assert.equal(h2.queue.filter((m) => m.type === 'game_state' && m.data.version === 4).length, 0);
  await Promise.all([h.close(), h2.close()]);
});

test('broadcast: host, both players and an observer each get their own view of the same change', async () => {
  const gid = await newGame({ settings: { 'host.fee': 5 } });
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  const p2 = await as(await tokenFor(gid, 'player', 2));
  const ob = await as(await tokenFor(gid, 'observer'));
  for (const c of [h, p1, p2, ob]) await c.request('subscribe', undefined, { game_id: gid });
  await ok(h, gid, 'score_update', { player_number: 2, private: { n: 'two' } });
  const v = (await ok(p1, gid, 'score_update', { primary: 3, private: { n: 'one' } })).version;
  const got = {};
  for (const [k, c] of Object.entries({ h, p1, p2, ob })) got[k] = (await c.next((m) => m.type === 'game_state' && m.data.version === v)).data;
  assert.deepEqual(got.h.players.map((p) => p.private), [{ n: 'one' }, { n: 'two' }]);
  assert.deepEqual(got.p1.players.map((p) => p.private), [{ n: 'one' }, undefined]);
  assert.deepEqual(got.p2.players.map((p) => p.private), [undefined, { n: 'two' }]);
  assert.deepEqual(got.ob.players.map((p) => p.private), [undefined, undefined]);
  assert.equal(got.h.settings['host.fee'], 5);
  for (const k of ['p1', 'p2', 'ob']) {
    assert.equal(got[k].settings['host.fee'], undefined, k);
    assert.equal(got[k].players[0].primary, 3, k);
  }
  await Promise.all([h.close(), p1.close(), p2.close(), ob.close()]);
});

test('errors: not_found, bad_message for a missing game_id, conflict carries version, refs echoed', async () => {
  const gid = await newGame();
  const h = await host();
  const nf = await h.request('subscribe', undefined, { game_id: 'no-such-game' });
  assert.equal(nf.data.code, 'not_found');
  const nf2 = await h.request('score_update', { player_number: 1, primary: 1 }, { game_id: 'no-such-game' });
  assert.equal(nf2.data.code, 'not_found');
  const nogid = await h.request('subscribe');
  assert.equal(nogid.data.code, 'bad_message');
  const nogid2 = await h.request('game_start', {});
  assert.equal(nogid2.data.code, 'bad_message');
  const longgid = await h.request('subscribe', undefined, { game_id: 'x'.repeat(41) });
  assert.equal(longgid.data.code, 'bad_message');
  const c = await refused(h, gid, 'score_update', { player_number: 1, primary: 5, expected_version: 7 }, 'conflict');
  assert.equal(c.data.version, 1);
  const s = await ok(h, gid, 'score_update', { player_number: 1, primary: 5, expected_version: 1 });
  assert.equal(s.version, 2);
  const c2 = await refused(h, gid, 'game_start', { expected_version: 1 }, 'conflict');
  assert.equal(c2.data.version, 2);
  await refused(h, gid, 'score_update', { player_number: 1, primary: 5, expected_version: 'two' }, 'bad_message');
  await h.close();
});

// ---- section 5: client to server -----------------------------------------------------

test('game_state (full): host creates a game and is subscribed to it; replace keeps game_id; players may not', async () => {
  const h = await host();
  const gid = `full-${Date.now()}`;
  const full = {
    game_id: gid, status: 'setup', round: 0, current_turn: null, first_player: 2, winner: null,
    players: [
      { player_number: 1, name: 'Cleo', faction: 'Orks', primary: 7, secondary: 2, cp: 3, time_remaining: 600000, time_used: 0,
        is_running: false, flagged: false, private: { plan: 'left flank' } },
      { player_number: 2, name: 'Dan', faction: '', primary: 0, secondary: 0, cp: 0, time_remaining: 600000, time_used: 0,
        is_running: false, flagged: false },
    ],
    attacker: 1, game_time: 0, settings: { clock_ms: 600000, rounds: 3, cp_per_turn: 1, table: 'B' },
  };
  const a = await h.request('game_state', full, { game_id: gid });
  assert.equal(a.type, 'ack');
  assert.equal(a.data.version, 1);
  const b = await h.next((m) => m.type === 'game_state' && m.game_id === gid);
  assert.equal(b.data.players[0].name, 'Cleo');
  assert.deepEqual(b.data.players[0].private, { plan: 'left flank' });
  assert.equal(b.data.players[0].score, 9);
  assert.equal(b.data.first_player, 2);
  assert.equal(b.data.attacker, 1);
  assert.equal(b.data.settings.table, 'B');
  // Replace: version goes on from the old one, game_id from the envelope wins.
  const a2 = await h.request('game_state', { ...full, game_id: 'ignored', players: [{ ...full.players[0], primary: 1 }, full.players[1]] },
    { game_id: gid });
  assert.equal(a2.type, 'ack');
  assert.equal(a2.data.version, 2);
  const s = await read(gid);
  assert.equal(s.players[0].primary, 1);
  assert.equal(s.game_id, gid);
  // {"game_id": ...} alone is a read, not a replace with defaults (a lenient reading of "none or {}").
  const rd = await h.request('game_state', { game_id: gid }, { game_id: gid });
  assert.equal(rd.type, 'game_state');
  assert.equal(rd.data.version, 2);
  assert.equal((await read(gid)).players[0].name, 'Cleo', 'nothing was reset');
  await refused(h, gid, 'game_state', { ...full, status: 'bogus' }, 'bad_message');
  await refused(h, gid, 'game_state', { ...full, expected_version: 1 }, 'conflict');
  await refused(h, gid, 'game_state', { ...full, players: [{ ...full.players[0], primary: 1000 }, full.players[1]] }, 'bad_message');
  const p = await as(await tokenFor(gid, 'player', 1));
  await refused(p, gid, 'game_state', full, 'forbidden');
  // The game_id may also come from inside the state only.
  const gid2 = `${gid}-b`;
  h.send({ type: 'game_state', id: 'inner', data: { ...full, game_id: gid2 } });
  assert.equal((await h.next((m) => m.data && m.data.ref === 'inner')).type, 'ack');
  assert.equal((await read(gid2)).players[1].name, 'Dan');
  await Promise.all([h.close(), p.close()]);
});

test('game_setup: host fills names, attacker, first_player; a player only its own name and faction, only in setup', async () => {
  const gid = await newGame({ player1_name: '', player2_name: '' });
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  let s = await ok(h, gid, 'game_setup', { player1_name: 'Ana', player2_name: 'Ben', attacker: 2, first_player: 2 });
  assert.equal(s.players[0].name, 'Ana');
  assert.equal(s.players[1].name, 'Ben');
  assert.equal(s.attacker, 2);
  assert.equal(s.first_player, 2);
  s = await ok(h, gid, 'game_setup', { player_number: 2, faction: 'Necrons' });
  assert.equal(s.players[1].faction, 'Necrons');
  s = await ok(p1, gid, 'game_setup', { name: 'Ana B.', faction: 'Aeldari' });
  assert.equal(s.players[0].name, 'Ana B.');
  assert.equal(s.players[0].faction, 'Aeldari');
  s = await ok(p1, gid, 'game_setup', { player1_name: 'Ana C.' });
  assert.equal(s.players[0].name, 'Ana C.');
  await refused(p1, gid, 'game_setup', { player2_name: 'X' }, 'forbidden');
  await refused(p1, gid, 'game_setup', { player_number: 2, name: 'X' }, 'forbidden');
  await refused(p1, gid, 'game_setup', { attacker: 1 }, 'forbidden');
  await refused(p1, gid, 'game_setup', { first_player: 1 }, 'forbidden');
  await refused(h, gid, 'game_setup', { attacker: 3 }, 'bad_message');
  await refused(h, gid, 'game_setup', { first_player: 0 }, 'bad_message');
  await refused(h, gid, 'game_setup', {}, 'bad_message');
  await refused(h, gid, 'game_setup', { player1_name: 'x'.repeat(41) }, 'bad_message');
  await refused(h, gid, 'game_setup', { player1_name: 42 }, 'bad_message');
  await refused(h, gid, 'game_setup', { player1_name: 'a\nb' }, 'bad_message');
  await refused(h, gid, 'game_setup', { player_number: 1, faction: 'f'.repeat(41) }, 'bad_message');
  await refused(h, gid, 'game_setup', { name: 'no player' }, 'bad_message');
  // 40 characters (not bytes) is the limit
  s = await ok(h, gid, 'game_setup', { player2_name: 'é'.repeat(40) });
  assert.equal(s.players[1].name, 'é'.repeat(40));
  await ok(h, gid, 'game_start');
  await refused(p1, gid, 'game_setup', { name: 'Late' }, 'forbidden');
  await refused(h, gid, 'game_setup', { first_player: 1 }, 'invalid_state');
  s = await ok(h, gid, 'game_setup', { attacker: 1, player2_name: 'Ben' });
  assert.equal(s.attacker, 1);
  await ok(h, gid, 'game_pause');
  await ok(h, gid, 'game_setup', { player2_name: 'Ben P.' });
  await ok(h, gid, 'game_end');
  s = await ok(h, gid, 'game_setup', { player2_name: 'Ben E.' });
  assert.equal(s.players[1].name, 'Ben E.');
  await Promise.all([h.close(), p1.close()]);
});

test('score_update: absolutes, deltas, score/score_delta on primary, ranges, private; players for themselves', async () => {
  const gid = await newGame();
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  const ob = await as(await tokenFor(gid, 'observer'));
  let s = await ok(h, gid, 'score_update', { player_number: 1, primary: 10, secondary: 4, cp: 3 });
  assert.deepEqual([s.players[0].primary, s.players[0].secondary, s.players[0].score, s.players[0].cp], [10, 4, 14, 3]);
  s = await ok(h, gid, 'score_update', { player_number: 1, primary_delta: 5, secondary_delta: -4, cp_delta: -3 });
  assert.deepEqual([s.players[0].primary, s.players[0].secondary, s.players[0].score, s.players[0].cp], [15, 0, 15, 0]);
  s = await ok(h, gid, 'score_update', { player_number: 1, score: 20 });
  assert.equal(s.players[0].primary, 20);
  assert.equal(s.players[0].score, 20);
  s = await ok(h, gid, 'score_update', { player_number: 1, score_delta: -2 });
  assert.equal(s.players[0].primary, 18);
  s = await ok(h, gid, 'score_update', { player_number: 2, primary: 999, secondary: 999, cp: 99 });
  assert.equal(s.players[1].score, 1998);
  s = await ok(h, gid, 'score_update', { player_number: 2, primary: 0, secondary: 0, cp: 0 });
  assert.equal(s.players[1].score, 0);
  for (const [data, field] of [
    [{ player_number: 1, primary: 1000 }, 'primary'], [{ player_number: 1, primary: -1 }, 'primary'],
    [{ player_number: 1, secondary: 1000 }, 'secondary'], [{ player_number: 1, cp: 100 }, 'cp'],
    [{ player_number: 1, cp: -1 }, 'cp'], [{ player_number: 1, primary_delta: -19 }, 'primary_delta'],
    [{ player_number: 1, secondary_delta: -1 }, 'secondary_delta'], [{ player_number: 1, cp_delta: 100 }, 'cp_delta'],
    [{ player_number: 1, cp_delta: -1 }, 'cp_delta'], [{ player_number: 1, score: 1000 }, 'score'],
    [{ player_number: 1, primary: 1.5 }, 'primary'], [{ player_number: 1, primary: '3' }, 'primary'],
    [{ player_number: 1, primary: 1, score: 1 }, 'score'], [{ player_number: 1, cp: 1, cp_delta: 1 }, 'cp_delta'],
    [{ player_number: 3, primary: 1 }, 'player_number'], [{ primary: 1 }, 'player_number'], [{ player_number: 1 }, 'data'],
    [{ player_number: 1, private: [1] }, 'private'], [{ player_number: 1, private: 'x' }, 'private'],
  ]) {
    const e = await refused(h, gid, 'score_update', data, 'bad_message');
    assert.match(e.data.message, new RegExp(field), JSON.stringify(data));
  }
  // A player scores for itself, with or without player_number, not for the opponent.
  s = await ok(p1, gid, 'score_update', { cp_delta: 2, private: { secret: 'deep strike' } });
  assert.equal(s.players[0].cp, 2);
  assert.deepEqual(s.players[0].private, { secret: 'deep strike' });
  s = await ok(p1, gid, 'score_update', { player_number: 1, primary_delta: 1 });
  assert.equal(s.players[0].primary, 19);
  await refused(p1, gid, 'score_update', { player_number: 2, primary: 5 }, 'forbidden');
  await refused(ob, gid, 'score_update', { player_number: 1, primary: 5 }, 'forbidden');
  // Legal in setup (above), active and paused; invalid_state once ended.
  await ok(h, gid, 'game_start');
  await ok(h, gid, 'score_update', { player_number: 2, primary_delta: 1 });
  await ok(h, gid, 'game_pause');
  await ok(p1, gid, 'score_update', { secondary_delta: 1 });
  await ok(h, gid, 'game_end', { winner: 1 });
  await refused(h, gid, 'score_update', { player_number: 1, primary: 1 }, 'invalid_state');
  await refused(p1, gid, 'score_update', { cp: 1 }, 'invalid_state');
  await Promise.all([h.close(), p1.close(), ob.close()]);
});

test('timer_update: set in any status but ended, start only while active (stops the other clock), stop only a running clock; host only', async () => {
  const gid = await newGame();
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  let s = await ok(h, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: 1234000 });
  assert.equal(s.players[0].time_remaining, 1234000);
  assert.equal(s.players[0].is_running, false);
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'start' }, 'invalid_state');
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'stop' }, 'invalid_state');
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'set' }, 'bad_message');
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: -1 }, 'bad_message');
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: 86400001 }, 'bad_message');
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'reset' }, 'bad_message');
  await refused(h, gid, 'timer_update', { action: 'stop' }, 'bad_message');
  await refused(p1, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: 5 }, 'forbidden');
  s = await ok(h, gid, 'game_start');
  assert.equal(s.players[0].is_running, true);
  await refused(h, gid, 'timer_update', { player_number: 1, action: 'start' }, 'invalid_state');
  await refused(h, gid, 'timer_update', { player_number: 2, action: 'stop' }, 'invalid_state');
  s = await ok(h, gid, 'timer_update', { player_number: 2, action: 'start' });
  assert.equal(s.players[0].is_running, false, 'starting one clock stops the other');
  assert.equal(s.players[1].is_running, true);
  assert.equal(s.current_turn, 1, 'the turn does not change');
  s = await ok(h, gid, 'timer_update', { player_number: 2, action: 'stop' });
  assert.equal(s.players[1].is_running, false);
  const t = s.players[1].time_remaining;
  await sleep(120);
  assert.equal((await read(gid)).players[1].time_remaining, t, 'a stopped clock does not move');
  await ok(h, gid, 'timer_update', { player_number: 1, action: 'start' });
  await ok(h, gid, 'game_pause');
  await refused(h, gid, 'timer_update', { player_number: 2, action: 'start' }, 'invalid_state');
  s = await ok(h, gid, 'timer_update', { player_number: 2, action: 'set', time_remaining: 60000 });
  assert.equal(s.players[1].time_remaining, 60000);
  await ok(h, gid, 'game_end');
  await refused(h, gid, 'timer_update', { player_number: 2, action: 'set', time_remaining: 1000 }, 'invalid_state');
  await Promise.all([h.close(), p1.close()]);
});

test('game_start, game_pause, game_resume: the status table, clocks and game_time', async () => {
  const gid = await newGame({ settings: { cp_per_turn: 1 } });
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  let s = await read(gid);
  assert.equal(s.status, 'setup');
  assert.equal(s.round, 0);
  assert.equal(s.current_turn, null);
  assert.equal(s.first_player, null);
  assert.equal(s.game_time, 0);
  for (const t of ['game_pause', 'game_resume']) await refused(h, gid, t, undefined, 'invalid_state');
  await refused(p1, gid, 'game_start', undefined, 'forbidden');
  s = await ok(h, gid, 'game_start');
  assert.equal(s.status, 'active');
  assert.equal(s.round, 1);
  assert.equal(s.current_turn, 1, 'first_player defaults to 1');
  assert.equal(s.first_player, 1);
  assert.equal(s.players[0].is_running, true);
  assert.equal(s.players[1].is_running, false);
  assert.deepEqual([s.players[0].cp, s.players[1].cp], [1, 1], 'cp_per_turn at the start of the first turn');
  for (const t of ['game_start', 'game_resume']) await refused(h, gid, t, undefined, 'invalid_state');
  await refused(p1, gid, 'game_pause', undefined, 'forbidden');
  await sleep(150);
  s = await ok(h, gid, 'game_pause');
  assert.equal(s.status, 'paused');
  assert.equal(s.players[0].is_running, false);
  assert.ok(s.players[0].time_used >= 100, `time_used ${s.players[0].time_used}`);
  assert.equal(s.players[0].time_used + s.players[0].time_remaining, 5400000, 'default clock: 90 minutes');
  const gt = s.game_time;
  assert.ok(gt >= 100);
  await sleep(150);
  s = await read(gid);
  assert.equal(s.game_time, gt, 'game_time stands while paused');
  for (const t of ['game_start', 'game_pause']) await refused(h, gid, t, undefined, 'invalid_state');
  await refused(p1, gid, 'game_resume', undefined, 'forbidden');
  s = await ok(h, gid, 'game_resume');
  assert.equal(s.status, 'active');
  assert.equal(s.players[0].is_running, true, 'the clock of the player on turn restarts');
  await ok(h, gid, 'game_end');
  for (const t of ['game_start', 'game_pause', 'game_resume']) await refused(h, gid, t, undefined, 'invalid_state');
  // first_player 2: player 2 starts and its clock runs
  const g2 = await newGame();
  await ok(h, g2, 'game_setup', { first_player: 2 });
  s = await ok(h, g2, 'game_start');
  assert.equal(s.current_turn, 2);
  assert.equal(s.players[1].is_running, true);
  assert.equal(s.players[0].is_running, false);
  await Promise.all([h.close(), p1.close()]);
});

test('turn_change: clock hand-over, round counting, cp_per_turn, automatic end after the last round', async () => {
  const gid = await newGame({ settings: { rounds: 2, cp_per_turn: 2 } });
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  const p2 = await as(await tokenFor(gid, 'player', 2));
  await refused(h, gid, 'turn_change', undefined, 'invalid_state');
  await ok(h, gid, 'score_update', { player_number: 2, primary: 12 });
  let s = await ok(h, gid, 'game_start');
  assert.deepEqual([s.round, s.current_turn, s.players[0].cp, s.players[1].cp], [1, 1, 2, 2]);
  await refused(p2, gid, 'turn_change', undefined, 'forbidden');
  await refused(p1, gid, 'turn_change', { current_turn: 2 }, 'forbidden');
  await refused(h, gid, 'turn_change', { current_turn: 1 }, 'invalid_state');
  await refused(h, gid, 'turn_change', { current_turn: 3 }, 'bad_message');
  await sleep(50);
  s = await ok(p1, gid, 'turn_change');
  assert.deepEqual([s.round, s.current_turn, s.players[0].cp, s.players[1].cp], [1, 2, 4, 4]);
  assert.equal(s.players[0].is_running, false);
  assert.equal(s.players[1].is_running, true);
  assert.ok(s.players[0].time_used >= 40);
  const used1 = s.players[0].time_used;
  s = await ok(p2, gid, 'turn_change');
  assert.deepEqual([s.round, s.current_turn, s.players[0].cp, s.players[1].cp], [2, 1, 6, 6], 'round 2 when the turn returns to the first player');
  assert.equal(s.players[0].is_running, true);
  assert.equal(s.players[1].is_running, false);
  // Paused: the turn passes but no clock starts.
  await ok(h, gid, 'game_pause');
  s = await ok(h, gid, 'turn_change', { current_turn: 2 });
  assert.equal(s.current_turn, 2);
  assert.equal(s.status, 'paused');
  assert.equal(s.players[1].is_running, false);
  assert.ok(s.players[0].time_used >= used1);
  await ok(h, gid, 'game_resume');
  // The second turn of the last round ends the game by score; no more CP.
  s = await ok(p2, gid, 'turn_change');
  assert.equal(s.status, 'ended');
  assert.equal(s.winner, 2);
  assert.equal(s.draw, false);
  assert.deepEqual([s.round, s.current_turn, s.players[0].cp, s.players[1].cp], [2, 2, 8, 8]);
  assert.equal(s.players[0].is_running || s.players[1].is_running, false);
  await refused(h, gid, 'turn_change', undefined, 'invalid_state');
  await Promise.all([h.close(), p1.close(), p2.close()]);
});

test('game_end: by score, explicit winner, draw (null), concede; a player may not name itself', async () => {
  const h = await host();
  // by score
  let gid = await newGame();
  await ok(h, gid, 'score_update', { player_number: 1, primary: 3, secondary: 3 });
  await ok(h, gid, 'score_update', { player_number: 2, primary: 5 });
  await ok(h, gid, 'game_start');
  let s = await ok(h, gid, 'game_end');
  assert.equal(s.status, 'ended');
  assert.equal(s.winner, 1);
  assert.equal(s.draw, false);
  assert.equal(s.players[0].is_running || s.players[1].is_running, false, 'clocks stopped');
  const gt = s.game_time;
  await sleep(60);
  assert.equal((await read(gid)).game_time, gt);
  await refused(h, gid, 'game_end', undefined, 'invalid_state');
  // equal scores by score: a draw
  gid = await newGame();
  s = await ok(h, gid, 'game_end');
  assert.equal(s.winner, null);
  assert.equal(s.draw, true);
  // explicit winner from setup, and explicit draw from paused
  gid = await newGame();
  await ok(h, gid, 'score_update', { player_number: 1, primary: 30 });
  s = await ok(h, gid, 'game_end', { winner: 2 });
  assert.equal(s.winner, 2);
  gid = await newGame();
  await ok(h, gid, 'game_start');
  await ok(h, gid, 'game_pause');
  await refused(h, gid, 'game_end', { winner: 3 }, 'bad_message');
  await refused(h, gid, 'game_end', { winner: '1' }, 'bad_message');
  s = await ok(h, gid, 'game_end', { winner: null });
  assert.equal(s.winner, null);
  assert.equal(s.draw, true);
  // concede
  gid = await newGame();
  await ok(h, gid, 'score_update', { player_number: 2, primary: 50 });
  await ok(h, gid, 'game_start');
  const p2 = await as(await tokenFor(gid, 'player', 2));
  const ob = await as(await tokenFor(gid, 'observer'));
  await refused(p2, gid, 'game_end', { winner: 2 }, 'forbidden');
  await refused(p2, gid, 'game_end', {}, 'forbidden');
  await refused(p2, gid, 'game_end', { winner: null }, 'forbidden');
  await refused(ob, gid, 'game_end', { winner: 1 }, 'forbidden');
  s = await ok(p2, gid, 'game_end', { winner: 1 });
  assert.equal(s.winner, 1, 'a concession stands even against the score');
  await Promise.all([h.close(), p2.close(), ob.close()]);
});

test('settings_update: strings, numbers, booleans, null removes; host only; any status; clock_ms in setup resets clocks', async () => {
  const gid = await newGame();
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  let s = await read(gid);
  assert.deepEqual(s.settings, { clock_ms: 5400000, rounds: 5, cp_per_turn: 0 });
  s = await ok(h, gid, 'settings_update', { mission: 'Take and Hold', points: 2000, tournament: true, clock_ms: 3600000 });
  assert.deepEqual(s.settings, { clock_ms: 3600000, rounds: 5, cp_per_turn: 0, mission: 'Take and Hold', points: 2000, tournament: true });
  assert.equal(s.players[0].time_remaining, 3600000);
  assert.equal(s.players[1].time_remaining, 3600000);
  s = await ok(h, gid, 'settings_update', { points: null, clock_ms: null });
  assert.equal(s.settings.points, undefined);
  assert.equal(s.settings.clock_ms, 5400000, 'a known key set to null goes back to its default');
  await refused(h, gid, 'settings_update', { nested: { a: 1 } }, 'bad_message');
  await refused(h, gid, 'settings_update', { list: [1] }, 'bad_message');
  await refused(h, gid, 'settings_update', {}, 'bad_message');
  await refused(h, gid, 'settings_update', { rounds: 0 }, 'bad_message');
  await refused(h, gid, 'settings_update', { rounds: 100 }, 'bad_message');
  await refused(h, gid, 'settings_update', { rounds: 'five' }, 'bad_message');
  await refused(h, gid, 'settings_update', { clock_ms: 59999 }, 'bad_message');
  await refused(h, gid, 'settings_update', { cp_per_turn: 11 }, 'bad_message');
  await refused(h, gid, 'settings_update', { ['k'.repeat(41)]: 1 }, 'bad_message');
  await refused(h, gid, 'settings_update', { 'bad key': 1 }, 'bad_message');
  await refused(h, gid, 'settings_update', { long: 'v'.repeat(201) }, 'bad_message');
  s = await ok(h, gid, 'settings_update', { ['k'.repeat(40)]: 'v'.repeat(200) });
  assert.equal(s.settings['k'.repeat(40)], 'v'.repeat(200));
  await refused(p1, gid, 'settings_update', { mission: 'x' }, 'forbidden');
  await ok(h, gid, 'game_start');
  s = await ok(h, gid, 'settings_update', { clock_ms: 600000 });
  assert.ok(s.players[0].time_remaining > 600000, 'after setup, clocks are left alone');
  await ok(h, gid, 'game_end');
  s = await ok(h, gid, 'settings_update', { result: 'recorded' });
  assert.equal(s.settings.result, 'recorded');
  await Promise.all([h.close(), p1.close()]);
});

test('undo: a player its own last change only, the host any; the log keeps both', async () => {
  const gid = await newGame();
  const h = await host();
  const p1 = await as(await tokenFor(gid, 'player', 1));
  const p2 = await as(await tokenFor(gid, 'player', 2));
  await refused(h, gid, 'undo', undefined, 'invalid_state');
  await ok(p1, gid, 'score_update', { primary: 5 });
  let s = await ok(p2, gid, 'score_update', { primary: 7 });
  assert.equal(s.version, 3);
  await refused(p1, gid, 'undo', undefined, 'forbidden');
  s = await ok(p2, gid, 'undo');
  assert.equal(s.version, 4, 'undo is a change: version goes up');
  assert.equal(s.players[1].primary, 0);
  assert.equal(s.players[0].primary, 5);
  s = await ok(p1, gid, 'undo');
  assert.equal(s.players[0].primary, 0);
  await refused(p1, gid, 'undo', undefined, 'invalid_state');
  await ok(h, gid, 'game_start');
  await ok(p1, gid, 'score_update', { cp: 4 });
  await refused(p2, gid, 'undo', undefined, 'forbidden');
  s = await ok(h, gid, 'undo');
  assert.equal(s.players[0].cp, 0, 'the host undoes a player\'s change');
  s = await ok(h, gid, 'undo');
  assert.equal(s.status, 'setup', 'undoing game_start restores the status');
  const ob = await as(await tokenFor(gid, 'observer'));
  await refused(ob, gid, 'undo', undefined, 'forbidden');
  const hist = await http(srv, 'GET', `/api/games/${gid}/history`);
  assert.equal(hist.status, 200);
  const e = hist.json.entries;
  assert.deepEqual(e.map((x) => [x.version, x.actor, x.type, x.undone_by]), [
    [1, 'host', 'game_state', null],
    [2, 'player1', 'score_update', 5],
    [3, 'player2', 'score_update', 4],
    [4, 'player2', 'undo', null],
    [5, 'player1', 'undo', null],
    [6, 'host', 'game_start', 9],
    [7, 'player1', 'score_update', 8],
    [8, 'host', 'undo', null],
    [9, 'host', 'undo', null],
  ]);
  await Promise.all([h.close(), p1.close(), p2.close(), ob.close()]);
});

// ---- section 6: clocks, presence, reconnect ---------------------------------------------

test('clock flag: the state is broadcast the moment a clock reaches zero, without any request', async () => {
  const gid = await newGame({ settings: { clock_ms: 60000 } });
  const h = await host();
  const watcher = await as(await tokenFor(gid, 'observer'));
  await watcher.request('subscribe', undefined, { game_id: gid });
  let s = await ok(h, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: 300 });
  assert.equal(s.players[0].time_remaining, 300);
  const t0 = Date.now();
  await ok(h, gid, 'game_start');
  const f = await watcher.next((m) => m.type === 'game_state' && m.data.players[0].flagged, 1500);
  const dt = Date.now() - t0;
  assert.ok(dt >= 250 && dt < 1300, `flag broadcast after ${dt} ms`);
  assert.equal(f.data.players[0].time_remaining, 0);
  assert.equal(f.data.players[0].is_running, false);
  assert.equal(f.data.status, 'active', 'the game goes on');
  assert.equal(f.data.players[1].flagged, false);
  // A flagged clock is not restarted by turn changes; set gives time back.
  s = await ok(h, gid, 'turn_change');
  s = await ok(h, gid, 'turn_change');
  assert.equal(s.current_turn, 1);
  assert.equal(s.players[0].is_running, false);
  assert.equal(s.players[0].flagged, true);
  s = await ok(h, gid, 'timer_update', { player_number: 1, action: 'set', time_remaining: 60000 });
  assert.equal(s.players[0].flagged, false);
  const hist = await http(srv, 'GET', `/api/games/${gid}/history`);
  assert.ok(hist.json.entries.some((x) => x.type === 'clock_tick' && x.actor === 'server'));
  await Promise.all([h.close(), watcher.close()]);
});

test('presence: players[].connected follows the player\'s connections and is broadcast', async () => {
  const gid = await newGame();
  const tok = await tokenFor(gid, 'player', 2);
  const h = await host();
  let s = (await h.request('subscribe', undefined, { game_id: gid })).data;
  assert.deepEqual(s.players.map((p) => p.connected), [false, false]);
  const phone = await as(tok);
  let b = await h.next((m) => m.type === 'game_state' && m.data.players[1].connected === true);
  assert.equal(b.data.version, s.version, 'presence is not a change');
  const phone2 = await as(tok);
  await phone.close();
  await sleep(150);
  assert.equal((await read(gid)).players[1].connected, true, 'still one connection open');
  await phone2.close();
  b = await h.next((m) => m.type === 'game_state' && m.data.players[1].connected === false);
  assert.equal(b.data.players[0].connected, false);
  // connect by message counts as well
  const late = connect(`${srv.ws}/ws`);
  await late.opened;
  await late.next('connect');
  await late.request('connect', { token: tok });
  await h.next((m) => m.type === 'game_state' && m.data.players[1].connected === true);
  late.ws.terminate();
  await h.next((m) => m.type === 'game_state' && m.data.players[1].connected === false);
  await h.close();
});

test('reconnect and resync: the same token on a new connection, full state on subscribe', async () => {
  const gid = await newGame();
  const tok = await tokenFor(gid, 'player', 1);
  const h = await host();
  let phone = await as(tok);
  await phone.request('subscribe');
  await ok(phone, gid, 'score_update', { primary: 4, private: { note: 'mine' } });
  phone.ws.terminate();
  await phone.closed;
  // Changes while the phone is away.
  await ok(h, gid, 'score_update', { player_number: 2, primary: 9 });
  await ok(h, gid, 'game_start');
  phone = await as(tok);
  assert.equal(phone.hello.data.player_number, 1);
  const s = await phone.request('subscribe', undefined, { game_id: gid });
  assert.equal(s.type, 'game_state');
  assert.equal(s.data.status, 'active');
  assert.equal(s.data.players[0].primary, 4);
  assert.equal(s.data.players[1].primary, 9);
  assert.deepEqual(s.data.players[0].private, { note: 'mine' });
  assert.equal(s.data.players[0].connected, true);
  assert.ok(s.data.version >= 4);
  assert.ok(Math.abs(s.data.server_time - Date.now()) < 5000);
  await Promise.all([h.close(), phone.close()]);
});

test('seed-plan client: ws://host:port/ (path /), connect, heartbeat, host pushes a full game_state that another subscriber receives', async () => {
  const gid = `seed-${Date.now()}`;
  const display = await open(srv.ws);
  const phoneLike = await open(srv.ws + '/');
  assert.equal(display.hello.type, 'connect');
  display.send({ type: 'heartbeat', data: {}, timestamp: new Date().toISOString() });
  const hb = await display.next('heartbeat');
  assert.equal(typeof hb.data.server_time, 'number');
  display.send({
    type: 'game_state', game_id: gid, timestamp: new Date().toISOString(),
    data: {
      game_id: gid, status: 'active', round: 2, current_turn: 1, first_player: 1,
      players: [
        { player_number: 1, name: 'Ana', faction: 'Aeldari', primary: 10, secondary: 4, cp: 3, time_remaining: 4711000, time_used: 689000, is_running: true },
        { player_number: 2, name: 'Ben', faction: '', primary: 5, secondary: 4, cp: 1, time_remaining: 5380000, time_used: 20000, is_running: false },
      ],
      attacker: 2, game_time: 709000, settings: { clock_ms: 5400000, rounds: 5, cp_per_turn: 0 },
    },
  });
  const own = await display.next((m) => m.type === 'game_state' && m.game_id === gid);
  assert.equal(own.data.status, 'active');
  const sub = await phoneLike.request('subscribe', undefined, { game_id: gid });
  assert.equal(sub.data.players[0].score, 14);
  assert.equal(sub.data.players[0].is_running, true);
  assert.ok(sub.data.players[0].time_remaining <= 4711000 && sub.data.players[0].time_remaining > 4700000);
  assert.equal(sub.data.game_time >= 709000, true);
  display.send({ type: 'score_update', game_id: gid, data: { player_number: 2, score_delta: 3 } });
  const b = await phoneLike.next((m) => m.type === 'game_state' && m.data.players[1].primary === 8);
  assert.equal(b.data.players[1].score, 12);
  await Promise.all([display.close(), phoneLike.close()]);
});

test('clocks: time_remaining and time_used are as of server_time; a running clock counts down between reads', async () => {
  const gid = await newGame();
  const h = await host();
  await ok(h, gid, 'game_start');
  const a = await read(gid);
  await sleep(250);
  const b = await read(gid);
  const dServer = b.server_time - a.server_time;
  const dClock = a.players[0].time_remaining - b.players[0].time_remaining;
  assert.ok(Math.abs(dServer - dClock) <= 25, `clock moved ${dClock} ms in ${dServer} ms of server time`);
  assert.equal(b.players[0].time_used - a.players[0].time_used, dClock);
  assert.equal(b.players[1].time_remaining, a.players[1].time_remaining, 'the other clock stands');
  assert.ok(Math.abs(b.game_time - a.game_time - dServer) <= 25, 'game_time runs while active');
  await h.close();
});

// ---- section 8: limits ---------------------------------------------------------------------

test('a message with too many JSON values is bad_json; the connection stays', async () => {
  const c = await host();
  c.send(JSON.stringify({ type: 'heartbeat', id: 'deep', pad: new Array(5000).fill(0) /* past the token cap, which is sized to hold a full game state */ }));
  const e = await c.next('error');
  assert.equal(e.data.code, 'bad_json');
  assert.equal((await c.request('heartbeat')).type, 'heartbeat');
  await c.close();
});

test('rate limit: beyond a burst of 40 messages are dropped with rate_limited; the connection stays', async () => {
  const c = await host();
  for (let i = 0; i < 60; i++) c.send({ type: 'heartbeat', id: `b${i}` });
  await sleep(300);
  const hbs = c.queue.filter((m) => m.type === 'heartbeat').length;
  const limited = c.queue.filter((m) => m.type === 'error' && m.data.code === 'rate_limited');
  assert.ok(hbs >= 40 && hbs <= 50, `${hbs} heartbeats answered`);
  assert.equal(hbs + limited.length, 60);
  assert.equal(limited[0].data.ref, undefined, 'a dropped message is not read, so no ref');
  c.queue.length = 0;
  await sleep(1000);
  const hb = await c.request('heartbeat');
  assert.equal(hb.type, 'heartbeat', 'refilled at 20/s');
  await c.close();
});

test('rate limit: a sustained flood is closed with 1008', async () => {
  const c = await host();
  for (let i = 0; i < 200; i++) c.send({ type: 'heartbeat' });
  const { code } = await c.closed;
  assert.equal(code, 1008);
});

test('a message over 16 KiB closes with 1009; 16 KiB exactly is read', async () => {
  const c = await host();
  const pad = (n) => { const base = JSON.stringify({ type: 'heartbeat', id: 'x', pad: '' }); return JSON.stringify({ type: 'heartbeat', id: 'x', pad: 'p'.repeat(n - base.length) }); };
  const exact = pad(16384);
  assert.equal(Buffer.byteLength(exact), 16384);
  c.send(exact);
  assert.equal((await c.next('heartbeat')).data.ref, 'x');
  c.send(pad(16385));
  const { code } = await c.closed;
  assert.equal(code, 1009);
});

test('64 games subscribed per connection; the 65th is refused', async () => {
  const ids = [];
  for (let i = 0; i < 65; i++) ids.push(await newGame());
  const c = await host();
  for (let i = 0; i < 64; i++) {
    if (i && i % 30 === 0) await sleep(1600); // stay inside the rate limit
    assert.equal((await c.request('subscribe', undefined, { game_id: ids[i] })).type, 'game_state');
  }
  const e = await c.request('subscribe', undefined, { game_id: ids[64] });
  assert.equal(e.type, 'error');
  assert.equal(e.data.code, 'bad_message');
  // Subscribing again to one already subscribed is fine; unsubscribe frees a slot.
  assert.equal((await c.request('subscribe', undefined, { game_id: ids[0] })).type, 'game_state');
  await c.request('unsubscribe', undefined, { game_id: ids[0] });
  assert.equal((await c.request('subscribe', undefined, { game_id: ids[64] })).type, 'game_state');
  await c.close();
});

test('private notes at most 1 KiB of JSON; at most 32 settings', async () => {
  const gid = await newGame();
  const h = await host();
  const note = (n) => { const base = JSON.stringify({ t: '' }); return { t: 'n'.repeat(n - base.length) }; };
  let s = await ok(h, gid, 'score_update', { player_number: 1, private: note(1024) });
  assert.equal(JSON.stringify(s.players[0].private).length, 1024);
  await refused(h, gid, 'score_update', { player_number: 1, private: note(1025) }, 'bad_message');
  const many = {};
  for (let i = 0; i < 29; i++) many[`s${i}`] = i;
  s = await ok(h, gid, 'settings_update', many);
  assert.equal(Object.keys(s.settings).length, 32);
  await refused(h, gid, 'settings_update', { one_more: 1 }, 'bad_message');
  s = await ok(h, gid, 'settings_update', { s0: 'replaced' });
  assert.equal(s.settings.s0, 'replaced', 'replacing a key needs no new slot');
  const tooMany = {};
  for (let i = 0; i < 33; i++) tooMany[`t${i}`] = i;
  await refused(h, gid, 'settings_update', tooMany, 'bad_message');
  await h.close();
});

test('--max-connections 3: the fourth upgrade gets 503', async () => {
  const s = await startServer(['--max-connections', '3']);
  try {
    const cs = [];
    for (let i = 0; i < 3; i++) cs.push(await open(s.ws + '/ws'));
    const status = await new Promise((resolve) => {
      const c = connect(s.ws + '/ws');
      c.ws.on('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
      c.ws.on('error', () => {});
      c.ws.on('open', () => resolve('open'));
    });
    assert.equal(status, 503);
    await cs[0].close();
    await sleep(100);
    const again = await open(s.ws + '/ws');
    assert.equal(again.hello.type, 'connect', 'a freed slot can be used');
    await Promise.all([again.close(), cs[1].close(), cs[2].close()]);
  } finally {
    await s.stop();
  }
});
