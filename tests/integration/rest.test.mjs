// PROTOCOL.md section 7 from the outside: every row of the REST table with its
// success and error statuses (400, 401, 403, 404, 405 with Allow, 409, 413, 429),
// the error shape, and persistence across a restart (games, invites and sessions
// survive; an active game comes back paused with no downtime charged).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, open, http, sleep, HOST_TOKEN } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(['--host-token', HOST_TOKEN]); });
after(async () => { await srv.stop(); });

let seq = 0;
const gidNext = () => `r-${++seq}`;

function isError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /application\/json/);
  assert.equal(typeof r.json.error.message, 'string');
  if (code) assert.equal(r.json.error.code, code, r.text);
}

async function create(body = {}, s = srv) {
  const r = await http(s, 'POST', '/api/games', { body: { game_id: gidNext(), player1_name: 'Ana', player2_name: 'Ben', ...body } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function tokenFor(gid, role, player, s = srv) {
  const inv = await http(s, 'POST', `/api/games/${gid}/invites`, { body: role === 'player' ? { role, player_number: player } : { role } });
  const j = await http(s, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(j.status, 200, j.text);
  return j.json.token;
}

const action = (gid, body, token) => http(srv, 'POST', `/api/games/${gid}/actions`, { body, token });

test('GET /healthz and GET /metrics for anyone', async () => {
  const h = await http(srv, 'GET', '/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'ok');
  const m = await http(srv, 'GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.text, /^# (HELP|TYPE) /m);
});

test('POST /api/games: 201 with the state and Location; settings and game_id optional; refusals', async () => {
  const r = await http(srv, 'POST', '/api/games', { body: { player1_name: 'Ana', player2_name: 'Ben', settings: { rounds: 3, mission: 'x' } } });
  assert.equal(r.status, 201);
  assert.match(r.json.game_id, /^g-[0-9a-f]{8}$/);
  assert.equal(r.headers.get('location'), `/api/games/${r.json.game_id}`);
  assert.equal(r.json.version, 1);
  assert.equal(r.json.status, 'setup');
  assert.deepEqual(r.json.players.map((p) => p.name), ['Ana', 'Ben']);
  assert.deepEqual(r.json.settings, { clock_ms: 5400000, rounds: 3, cp_per_turn: 0, mission: 'x' });
  const empty = await http(srv, 'POST', '/api/games', { body: {} });
  assert.equal(empty.status, 201, 'names are optional');
  assert.deepEqual(empty.json.players.map((p) => p.name), ['', '']);
  const own = await create({ game_id: 'table-1' });
  assert.equal(own.game_id, 'table-1');
  isError(await http(srv, 'POST', '/api/games', { body: { game_id: 'table-1' } }), 409, 'conflict');
  isError(await http(srv, 'POST', '/api/games', { body: { game_id: 'bad id!' } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: { game_id: 'x'.repeat(41) } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: { player1_name: 'x'.repeat(41) } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: { player1_name: 5 } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: { settings: { rounds: 0 } } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: { settings: [1] } }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: '{"player1_name":' }), 400, 'bad_json');
  isError(await http(srv, 'POST', '/api/games', { body: '[]' }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/games', { body: '' }), 400, 'bad_json');
  isError(await http(srv, 'POST', '/api/games', { body: { player1_name: 'x', pad: 'p'.repeat(17000) } }), 413, 'too_large');
  const tok = await tokenFor(own.game_id, 'player', 1);
  isError(await http(srv, 'POST', '/api/games', { token: tok, body: {} }), 403, 'forbidden');
  isError(await http(srv, 'POST', '/api/games', { token: 'wrong', body: {} }), 401, 'unauthorized');
});

test('GET /api/games lists id, status, names, scores, updated_at; host only', async () => {
  const g = await create({ player1_name: 'Lister' });
  await action(g.game_id, { type: 'score_update', data: { player_number: 1, primary: 7, secondary: 1 } });
  const r = await http(srv, 'GET', '/api/games');
  assert.equal(r.status, 200);
  const e = r.json.games.find((x) => x.game_id === g.game_id);
  assert.equal(e.status, 'setup');
  assert.equal(e.version, 2);
  assert.deepEqual(e.players, [{ name: 'Lister', score: 8 }, { name: 'Ben', score: 0 }]);
  assert.match(e.updated_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.json.games[0].game_id, g.game_id, 'newest first');
  isError(await http(srv, 'GET', '/api/games', { token: await tokenFor(g.game_id, 'observer') }), 403, 'forbidden');
});

test('GET /api/games/{id}: host, its player or observer (each its view); 404 for an unknown game', async () => {
  const g = await create();
  await action(g.game_id, { type: 'score_update', data: { player_number: 1, private: { n: 1 } } });
  await action(g.game_id, { type: 'score_update', data: { player_number: 2, private: { n: 2 } } });
  const host = await http(srv, 'GET', `/api/games/${g.game_id}`);
  assert.deepEqual(host.json.players.map((p) => p.private), [{ n: 1 }, { n: 2 }]);
  const p2 = await http(srv, 'GET', `/api/games/${g.game_id}`, { token: await tokenFor(g.game_id, 'player', 2) });
  assert.deepEqual(p2.json.players.map((p) => p.private), [undefined, { n: 2 }]);
  const ob = await http(srv, 'GET', `/api/games/${g.game_id}`, { token: await tokenFor(g.game_id, 'observer') });
  assert.deepEqual(ob.json.players.map((p) => p.private), [undefined, undefined]);
  assert.equal(ob.json.version, 3);
  isError(await http(srv, 'GET', '/api/games/nope'), 404, 'not_found');
  isError(await http(srv, 'GET', '/api/games/nope', { token: 'wrong' }), 401, 'unauthorized');
});

test('DELETE /api/games/{id}: 204, then the game, its log and subscriptions are gone', async () => {
  const g = await create();
  const c = await open(srv.ws + '/ws');
  await c.request('subscribe', undefined, { game_id: g.game_id });
  const tok = await tokenFor(g.game_id, 'player', 1);
  const phone = await open(`${srv.ws}/ws?token=${tok}`);
  isError(await http(srv, 'DELETE', `/api/games/${g.game_id}`, { token: tok }), 403, 'forbidden');
  const r = await http(srv, 'DELETE', `/api/games/${g.game_id}`);
  assert.equal(r.status, 204);
  assert.equal((await phone.closed).code, 1008, 'the sessions of a deleted game end');
  isError(await http(srv, 'GET', `/api/games/${g.game_id}`, { token: tok }), 401, 'unauthorized');
  isError(await http(srv, 'GET', `/api/games/${g.game_id}`), 404, 'not_found');
  isError(await http(srv, 'GET', `/api/games/${g.game_id}/history`), 404, 'not_found');
  isError(await http(srv, 'DELETE', `/api/games/${g.game_id}`), 404, 'not_found');
  assert.equal((await c.request('game_state', undefined, { game_id: g.game_id })).data.code, 'not_found');
  // The id can be used again and starts from version 1 with an empty log.
  const again = await create({ game_id: g.game_id });
  assert.equal(again.version, 1);
  const hist = await http(srv, 'GET', `/api/games/${g.game_id}/history`);
  assert.equal(hist.json.entries.length, 1);
  isError(await http(srv, 'GET', `/api/games/${g.game_id}`, { token: tok }), 401, 'unauthorized');
  // {"type":"game_state","data":{"game_id":...}} over REST is a read as well.
  const rd = await action(g.game_id, { type: 'game_state', data: { game_id: g.game_id } });
  assert.equal(rd.status, 200);
  assert.equal(rd.json.players[0].name, 'Ana');
  await c.close();
});

test('POST /api/games/{id}/actions: the ack or error data with a fitting status; broadcast to subscribers', async () => {
  const g = await create();
  const gid = g.game_id;
  const ws = await open(srv.ws + '/ws');
  await ws.request('subscribe', undefined, { game_id: gid });
  let r = await action(gid, { type: 'score_update', id: 'rest-1', data: { player_number: 1, primary: 4 } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { ref: 'rest-1', version: 2 });
  const b = await ws.next((m) => m.type === 'game_state' && m.data.version === 2);
  assert.equal(b.data.players[0].primary, 4);
  r = await action(gid, { type: 'game_start' });
  assert.deepEqual(r.json, { version: 3 });
  r = await action(gid, { type: 'score_update', id: 'c', data: { player_number: 1, primary: 5, expected_version: 2 } });
  isError(r, 409, 'conflict');
  assert.equal(r.json.error.version, 3);
  assert.equal(r.json.error.ref, 'c');
  isError(await action(gid, { type: 'game_start' }), 409, 'invalid_state');
  isError(await action(gid, { type: 'score_update', data: { player_number: 1, primary: 1000 } }), 400, 'bad_message');
  isError(await action(gid, { type: 'no_such' }), 400, 'unknown_type');
  isError(await action(gid, { data: {} }), 400, 'bad_message');
  isError(await action(gid, { type: 'game_pause', game_id: 'other' }), 400, 'bad_message');
  isError(await action(gid, { type: 'game_pause', data: 5 }), 400, 'bad_message');
  isError(await http(srv, 'POST', `/api/games/${gid}/actions`, { body: '{' }), 400, 'bad_json');
  isError(await action('no-such', { type: 'game_pause' }), 404, 'not_found');
  const tok = await tokenFor(gid, 'player', 2);
  isError(await action(gid, { type: 'game_pause' }, tok), 403, 'forbidden');
  isError(await action(gid, { type: 'game_pause' }, 'wrong'), 401, 'unauthorized');
  r = await action(gid, { type: 'score_update', data: { primary_delta: 2 } }, tok);
  assert.equal(r.status, 200, 'a player scores for itself over REST');
  // game_state without data reads; with a state it replaces.
  r = await action(gid, { type: 'game_state' }, tok);
  assert.equal(r.status, 200);
  assert.equal(r.json.players[1].primary, 2);
  assert.equal(r.json.version, 4);
  const st = (await http(srv, 'GET', `/api/games/${gid}`)).json;
  r = await action(gid, { type: 'game_state', data: { ...st, round: 3 } });
  assert.deepEqual(r.json, { version: 5 });
  assert.equal((await http(srv, 'GET', `/api/games/${gid}`)).json.round, 3);
  const after = (await http(srv, 'GET', `/api/games/${gid}`)).json;
  assert.equal(after.version, 5, 'refusals changed nothing');
  await ws.close();
});

test('GET /api/games/{id}/history: JSON entries and CSV', async () => {
  const g = await create();
  const gid = g.game_id;
  await action(gid, { type: 'score_update', data: { player_number: 1, primary: 4, private: { x: 'hidden' } } });
  await action(gid, { type: 'game_setup', data: { player1_name: 'A "quoted", name' } });
  await action(gid, { type: 'undo' });
  const j = await http(srv, 'GET', `/api/games/${gid}/history`);
  assert.equal(j.status, 200);
  assert.equal(j.json.game_id, gid);
  assert.deepEqual(j.json.entries.map((e) => [e.version, e.actor, e.type, e.undone_by]),
    [[1, 'host', 'game_state', null], [2, 'host', 'score_update', null], [3, 'host', 'game_setup', 4], [4, 'host', 'undo', null]]);
  assert.deepEqual(j.json.entries[1].data, { player_number: 1, primary: 4 }, 'private notes are not logged');
  for (const e of j.json.entries) assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const c = await http(srv, 'GET', `/api/games/${gid}/history?format=csv`);
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type'), /^text\/csv/);
  assert.match(c.headers.get('content-disposition'), new RegExp(`attachment; filename="${gid}-history.csv"`));
  const lines = c.text.trimEnd().split('\r\n');
  assert.equal(lines[0], 'version,at,actor,type,data,undone_by,round');
  assert.equal(lines.length, 5);
  assert.match(lines[3], /^3,"[^"]+","host","game_setup","\{""player1_name"":""A \\""quoted\\"", name""\}",4,0$/);
  assert.ok(!c.text.includes('hidden'));
  isError(await http(srv, 'GET', `/api/games/${gid}/history?format=xml`), 400, 'bad_message');
  isError(await http(srv, 'GET', '/api/games/nope/history'), 404, 'not_found');
});

test('invites: POST gives {code, url, role, player_number}; GET lists; DELETE revokes; QR SVG', async () => {
  const g = await create();
  const gid = g.game_id;
  let r = await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'player', player_number: 1 } });
  assert.equal(r.status, 201);
  assert.deepEqual(Object.keys(r.json).sort(), ['code', 'player_number', 'role', 'url']);
  const code = r.json.code;
  r = await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'observer' } });
  assert.equal(r.json.player_number, null);
  isError(await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'host' } }), 400, 'bad_message');
  isError(await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'player' } }), 400, 'bad_message');
  isError(await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'player', player_number: 3 } }), 400, 'bad_message');
  isError(await http(srv, 'POST', `/api/games/${gid}/invites`, { body: { role: 'observer', player_number: 1 } }), 400, 'bad_message');
  isError(await http(srv, 'POST', `/api/games/${gid}/invites`, { body: 'nope' }), 400, 'bad_json');
  isError(await http(srv, 'POST', '/api/games/nope/invites', { body: { role: 'observer' } }), 404, 'not_found');
  r = await http(srv, 'GET', `/api/games/${gid}/invites`);
  assert.equal(r.json.invites.length, 2);
  const svg = await http(srv, 'GET', `/api/games/${gid}/qr.svg?code=${code}`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svg.text, /<svg[\s\S]*<\/svg>\s*$/);
  const display = await http(srv, 'GET', `/api/games/${gid}/qr.svg`);
  assert.equal(display.status, 200, 'without code: the display URL of the game');
  isError(await http(srv, 'GET', `/api/games/${gid}/qr.svg?code=ZZZZZZ`), 404, 'not_found');
  const other = await create();
  isError(await http(srv, 'GET', `/api/games/${other.game_id}/qr.svg?code=${code}`), 404, 'not_found');
  isError(await http(srv, 'DELETE', `/api/games/${other.game_id}/invites/${code}`), 404, 'not_found');
  assert.equal((await http(srv, 'DELETE', `/api/games/${gid}/invites/${code}`)).status, 204);
  isError(await http(srv, 'DELETE', `/api/games/${gid}/invites/${code}`), 404, 'not_found');
  isError(await http(srv, 'GET', `/api/games/${gid}/qr.svg?code=${code}`), 404, 'not_found');
  r = await http(srv, 'GET', `/api/games/${gid}/invites`);
  assert.equal(r.json.invites.length, 1);
});

test('POST /api/join: {token, role, game_id, player_number}; errors', async () => {
  const g = await create();
  const inv = await http(srv, 'POST', `/api/games/${g.game_id}/invites`, { body: { role: 'player', player_number: 2 } });
  const r = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ['game_id', 'player_number', 'role', 'token']);
  assert.equal(r.json.player_number, 2);
  isError(await http(srv, 'POST', '/api/join', { body: {} }), 400, 'bad_message');
  isError(await http(srv, 'POST', '/api/join', { body: 'x' }), 400, 'bad_json');
});

test('failed join codes: a burst of 10, then 429 with Retry-After (also for a right code)', async () => {
  const s = await startServer();
  try {
    const g = await create({}, s);
    const inv = await http(s, 'POST', `/api/games/${g.game_id}/invites`, { body: { role: 'observer' } });
    const ok = await http(s, 'POST', '/api/join', { body: { code: inv.json.code } });
    assert.equal(ok.status, 200, 'successes do not count');
    const bad = inv.json.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (let i = 0; i < 10; i++) isError(await http(s, 'POST', '/api/join', { body: { code: bad } }), 404, 'not_found');
    const r = await http(s, 'POST', '/api/join', { body: { code: bad } });
    isError(r, 429, 'rate_limited');
    const ra = Number(r.headers.get('retry-after'));
    assert.ok(ra >= 1 && ra <= 6, `Retry-After ${ra}`);
    isError(await http(s, 'POST', '/api/join', { body: { code: inv.json.code } }), 429, 'rate_limited');
    isError(await http(s, 'POST', '/api/join', { body: { code: 'not a code at all' } }), 429, 'rate_limited');
  } finally { await s.stop(); }
});

test('GET and PUT /api/settings (host): strings, null removes; refusals', async () => {
  let r = await http(srv, 'PUT', '/api/settings', { body: { club_name: 'Dice & Dragons', motd: 'hi' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.club_name, 'Dice & Dragons');
  r = await http(srv, 'PUT', '/api/settings', { body: { motd: null } });
  assert.equal(r.json.motd, undefined);
  r = await http(srv, 'GET', '/api/settings');
  assert.equal(r.status, 200);
  assert.equal(r.json.club_name, 'Dice & Dragons');
  isError(await http(srv, 'PUT', '/api/settings', { body: { n: 5 } }), 400, 'bad_message');
  isError(await http(srv, 'PUT', '/api/settings', { body: { ['k'.repeat(41)]: 'v' } }), 400, 'bad_message');
  isError(await http(srv, 'PUT', '/api/settings', { body: { k: 'v'.repeat(201) } }), 400, 'bad_message');
  isError(await http(srv, 'PUT', '/api/settings', { body: { ok: 'fine', bad: 1 } }), 400, 'bad_message');
  assert.equal((await http(srv, 'GET', '/api/settings')).json.ok, undefined, 'all or nothing');
  isError(await http(srv, 'PUT', '/api/settings', { body: { k: 'v', pad: 'p'.repeat(17000) } }), 413, 'too_large');
});

test('405 with Allow for every path and a wrong method; 404 for unknown API paths', async () => {
  const g = await create();
  const inv = await http(srv, 'POST', `/api/games/${g.game_id}/invites`, { body: { role: 'observer' } });
  for (const [method, path, allow] of [
    ['GET', '/api/join', 'POST'], ['PUT', '/api/games', 'GET, POST'], ['POST', `/api/games/${g.game_id}`, 'GET, DELETE'],
    ['GET', `/api/games/${g.game_id}/actions`, 'POST'], ['POST', `/api/games/${g.game_id}/history`, 'GET'],
    ['PUT', `/api/games/${g.game_id}/invites`, 'GET, POST'], ['GET', `/api/games/${g.game_id}/invites/${inv.json.code}`, 'DELETE'],
    ['POST', `/api/games/${g.game_id}/qr.svg`, 'GET'], ['DELETE', '/api/settings', 'GET, PUT'],
  ]) {
    const r = await http(srv, method, path, { body: method === 'GET' ? undefined : {} });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
    assert.equal(r.json.error.code, 'bad_message');
  }
  for (const p of ['/api', '/api/', '/api/nope', `/api/games/${g.game_id}/nope`, `/api/games/${g.game_id}/invites/x/y`]) {
    isError(await http(srv, 'GET', p), 404, 'not_found');
  }
});

test('restart: games, invites and sessions survive; an active game comes back paused with no downtime charged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-restart-'));
  let s = await startServer(['--host-token', HOST_TOKEN], { dir });
  try {
    const active = await create({ settings: { 'host.x': 'y' } }, s);
    const setup = await create({}, s);
    const gid = active.game_id;
    const inv = await http(s, 'POST', `/api/games/${gid}/invites`, { body: { role: 'player', player_number: 1 } });
    const tok = await tokenFor(gid, 'player', 2, s);
    const act = (body) => http(s, 'POST', `/api/games/${gid}/actions`, { body });
    await act({ type: 'score_update', data: { player_number: 1, primary: 11, private: { keep: 'me' } } });
    await act({ type: 'game_start' });
    await sleep(300);
    const before = (await http(s, 'GET', `/api/games/${gid}`)).json;
    assert.equal(before.status, 'active');
    await s.stop();
    await sleep(700); // downtime that must not be charged
    s = await startServer(['--host-token', HOST_TOKEN], { dir });
    const after = (await http(s, 'GET', `/api/games/${gid}`)).json;
    assert.equal(after.status, 'paused');
    assert.equal(after.version, before.version + 1, 'the recovery is a logged change');
    assert.equal(after.players[0].primary, 11);
    assert.deepEqual(after.players[0].private, { keep: 'me' });
    assert.equal(after.players[0].is_running, false);
    const used = after.players[0].time_used;
    assert.ok(used < before.players[0].time_used + 1300,
      `charged ${used - before.players[0].time_used} ms across a 700 ms downtime plus the shutdown`);
    assert.equal(after.players[0].time_used + after.players[0].time_remaining, 5400000);
    assert.equal(after.settings['host.x'], 'y');
    assert.equal((await http(s, 'GET', `/api/games/${setup.game_id}`)).json.status, 'setup', 'setup games stay as they were');
    const hist = (await http(s, 'GET', `/api/games/${gid}/history`)).json.entries;
    assert.deepEqual(hist.at(-1).actor, 'server');
    assert.deepEqual(hist.at(-1).type, 'server_restart');
    // The session still works; the invite still joins.
    const p = await open(`${s.ws}/ws?token=${tok}`);
    assert.equal(p.hello.data.role, 'player');
    assert.equal(p.hello.data.player_number, 2);
    assert.equal((await http(s, 'GET', `/api/games/${gid}`, { token: tok })).status, 200);
    const j = await http(s, 'POST', '/api/join', { body: { code: inv.json.code } });
    assert.equal(j.status, 200);
    assert.equal((await http(s, 'GET', `/api/games/${gid}/invites`)).json.invites.length, 2, 'both invites survive');
    // Undo cannot take the recovery back (it would charge the downtime): it undoes game_start.
    const h = await open(`${s.ws}/ws`);
    const r = await h.request('game_resume', undefined, { game_id: gid });
    assert.equal(r.type, 'ack');
    const st = (await h.request('game_state', undefined, { game_id: gid })).data;
    assert.equal(st.status, 'active');
    assert.equal(st.players[0].is_running, true);
    await Promise.all([p.close(), h.close()]);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clean shutdown keeps the clock time already used (no time given back)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-restart-'));
  let s = await startServer([], { dir });
  try {
    const g = await create({}, s);
    await http(s, 'POST', `/api/games/${g.game_id}/actions`, { body: { type: 'game_start' } });
    await sleep(400);
    const before = (await http(s, 'GET', `/api/games/${g.game_id}`)).json.players[0].time_used;
    await s.stop();
    s = await startServer([], { dir });
    const after = (await http(s, 'GET', `/api/games/${g.game_id}`)).json.players[0].time_used;
    assert.ok(after >= before, `time_used went from ${before} to ${after} ms across a clean restart`);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
