// PROTOCOL.md section 3 (roles, tokens, invites) and the sanitizing rules of
// section 6: every payload a player or observer receives, over WebSocket and
// REST, is searched for what it may not see (the opponent's private notes,
// `host.` settings, tokens, join codes, other clients' ids); the server's log
// must not hold a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, connect, http, sleep, HOST_TOKEN } from './lib.mjs';

let srv;
const secrets = new Set([HOST_TOKEN]); // every token and code seen in this file, for the log check
before(async () => { srv = await startServer(['--host-token', HOST_TOKEN, '--log-level', 'debug']); });
after(async () => { await srv.stop(); });

const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;
let seq = 0;

async function newGame(s = srv, body = {}, token) {
  const r = await http(s, 'POST', '/api/games', {
    token, body: { game_id: `s-${++seq}`, player1_name: 'Ana', player2_name: 'Ben', ...body },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.game_id;
}

async function invite(gid, role, player, s = srv, token) {
  const r = await http(s, 'POST', `/api/games/${gid}/invites`,
    { token, body: role === 'player' ? { role, player_number: player } : { role } });
  assert.equal(r.status, 201, r.text);
  secrets.add(r.json.code);
  return r.json;
}

async function join(code, s = srv) {
  const r = await http(s, 'POST', '/api/join', { body: { code } });
  assert.equal(r.status, 200, r.text);
  secrets.add(r.json.token);
  return r.json;
}

async function tokenFor(gid, role, player, s = srv, hostToken) {
  return (await join((await invite(gid, role, player, s, hostToken)).code, s)).token;
}

/** A connection that also records every raw text it receives, from the first byte. */
async function spy(url) {
  const c = connect(url);
  c.raw = [];
  c.ws.on('message', (d) => c.raw.push(d.toString()));
  await c.opened;
  c.hello = await c.next('connect');
  return c;
}

async function stateOf(gid) {
  const r = await http(srv, 'GET', `/api/games/${gid}`, { token: HOST_TOKEN });
  assert.equal(r.status, 200);
  return r.json;
}

// ---- roles ------------------------------------------------------------------------------

test('host by loopback (WebSocket and REST) and by token (?token=, Bearer, connect message)', async () => {
  const h = await open(srv.ws + '/ws');
  assert.equal(h.hello.data.role, 'host');
  assert.equal((await http(srv, 'GET', '/api/games')).status, 200, 'loopback REST is host');
  const t = await open(`${srv.ws}/ws?token=${HOST_TOKEN}`);
  assert.equal(t.hello.data.role, 'host');
  assert.equal((await http(srv, 'GET', '/api/games', { token: HOST_TOKEN })).status, 200);
  const wrong = await http(srv, 'GET', '/api/games', { token: 'not-the-token' });
  assert.equal(wrong.status, 401, 'a wrong token is refused even from loopback');
  assert.equal(wrong.json.error.code, 'unauthorized');
  const c = await h.request('connect', { token: HOST_TOKEN });
  assert.equal(c.data.role, 'host');
  await Promise.all([h.close(), t.close()]);
});

test('--no-trust-loopback with --host-token: loopback is nobody until it shows the token', async () => {
  const s = await startServer(['--no-trust-loopback', '--host-token', HOST_TOKEN]);
  try {
    const u = await open(s.ws + '/ws');
    assert.equal(u.hello.data.role, 'none');
    assert.equal(u.hello.data.game_id, undefined);
    const r = await http(s, 'GET', '/api/games');
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'unauthorized');
    assert.equal((await http(s, 'POST', '/api/games', { body: {} })).status, 401);
    assert.equal((await http(s, 'GET', '/api/settings')).status, 401);
    assert.equal((await http(s, 'GET', '/api/games', { token: HOST_TOKEN })).status, 200);
    const gid = await newGame(s, {}, HOST_TOKEN);
    assert.equal((await http(s, 'GET', `/api/games/${gid}`)).status, 401);
    const byUrl = await open(`${s.ws}/ws?token=${HOST_TOKEN}`);
    assert.equal(byUrl.hello.data.role, 'host');
    const c = await u.request('connect', { token: HOST_TOKEN });
    assert.equal(c.data.role, 'host');
    assert.equal((await u.request('subscribe', undefined, { game_id: gid })).type, 'game_state');
    await Promise.all([u.close(), byUrl.close()]);
  } finally { await s.stop(); }
});

test('--no-trust-loopback without --host-token: the token printed on first start is the host token, kept across restarts', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/state-sec-`);
  const s = await startServer(['--no-trust-loopback'], { dir });
  try {
    for (let i = 0; i < 100 && !/host token:.*\n/.test(s.stdout); i++) await sleep(20); // printed after the listening line
    const m = s.stdout.match(/host token: ([0-9a-f]+) \(new/);
    assert.ok(m, s.stdout);
    const tok = m[1];
    assert.ok(tok.length >= 32, 'at least 128 bits of hex');
    secrets.add(tok);
    assert.equal((await http(s, 'GET', '/api/games')).status, 401);
    assert.equal((await http(s, 'GET', '/api/games', { token: tok })).status, 200);
    const w = await open(`${s.ws}/ws?token=${tok}`);
    assert.equal(w.hello.data.role, 'host');
    await w.close();
    await s.stop();
    const s2 = await startServer(['--no-trust-loopback'], { dir });
    try {
      for (let i = 0; i < 100 && !/host token:.*\n/.test(s2.stdout); i++) await sleep(20);
      assert.match(s2.stdout, /host token: stored/);
      assert.doesNotMatch(s2.stdout, new RegExp(tok), 'shown once');
      assert.equal((await http(s2, 'GET', '/api/games', { token: tok })).status, 200);
    } finally { await s2.stop(); }
    const s3 = await startServer(['--no-trust-loopback', '--host-token', 'replacement-token-000000000000000'], { dir });
    secrets.add('replacement-token-000000000000000');
    try {
      assert.equal((await http(s3, 'GET', '/api/games', { token: tok })).status, 401, '--host-token replaces the stored one');
      assert.equal((await http(s3, 'GET', '/api/games', { token: 'replacement-token-000000000000000' })).status, 200);
    } finally { await s3.stop(); }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unauthenticated WebSocket: heartbeat and connect only, everything else unauthorized', async () => {
  const s = await startServer(['--no-trust-loopback', '--host-token', HOST_TOKEN]);
  try {
    const gid = await newGame(s, {}, HOST_TOKEN);
    const ptok = await tokenFor(gid, 'player', 1, s, HOST_TOKEN);
    const u = await open(s.ws + '/ws');
    assert.equal((await u.request('heartbeat')).type, 'heartbeat');
    for (const [type, data] of [['subscribe'], ['unsubscribe'], ['game_state'], ['game_state', { game_id: gid, status: 'setup' }],
      ['score_update', { player_number: 1, primary: 1 }], ['game_start'], ['game_setup', { name: 'x' }], ['undo'],
      ['settings_update', { a: 1 }], ['timer_update', { player_number: 1, action: 'stop' }], ['turn_change'], ['game_end'],
      ['game_pause'], ['game_resume']]) {
      const e = await u.request(type, data, { game_id: gid });
      assert.equal(e.type, 'error', type);
      assert.equal(e.data.code, 'unauthorized', type);
    }
    assert.equal((await u.request('no_such', {})).data.code, 'unknown_type');
    assert.equal((await http(s, 'GET', `/api/games/${gid}`, { token: HOST_TOKEN })).json.version, 1, 'nothing changed');
    const c = await u.request('connect', { token: ptok });
    assert.equal(c.data.role, 'player');
    assert.equal(c.data.player_number, 1);
    assert.equal(c.data.game_id, gid);
    assert.equal((await u.request('subscribe')).type, 'game_state', 'game_id defaults to the token\'s game');
    await u.close();
  } finally { await s.stop(); }
});

test('a wrong token on the URL: error unauthorized, then close 1008', async () => {
  const c = connect(`${srv.ws}/ws?token=wrong-token`);
  await c.opened;
  const e = await c.next('error');
  assert.equal(e.data.code, 'unauthorized');
  assert.equal((await c.closed).code, 1008);
  assert.equal(c.queue.filter((m) => m.type === 'connect').length, 0);
});

test('players and observers by ?token= and by connect message; bound to one game and (players) one number', async () => {
  const a = await newGame();
  const b = await newGame();
  const p1 = await tokenFor(a, 'player', 1);
  const ob = await tokenFor(a, 'observer');
  for (const [tok, role] of [[p1, 'player'], [ob, 'observer']]) {
    const byUrl = await open(`${srv.ws}/ws?token=${tok}`);
    assert.equal(byUrl.hello.data.role, role);
    assert.equal(byUrl.hello.data.game_id, a);
    const byMsg = await open(`${srv.ws}/ws`);
    const c = await byMsg.request('connect', { token: tok });
    assert.equal(c.data.role, role);
    assert.equal(c.data.game_id, a);
    for (const conn of [byUrl, byMsg]) {
      assert.equal((await conn.request('subscribe', undefined, { game_id: a })).type, 'game_state');
      assert.equal((await conn.request('subscribe', undefined, { game_id: b })).data.code, 'forbidden');
      assert.equal((await conn.request('game_state', undefined, { game_id: b })).data.code, 'forbidden');
      assert.equal((await conn.request('score_update', { player_number: 1, primary: 1 }, { game_id: b })).data.code, 'forbidden');
      assert.equal((await conn.request('subscribe', undefined, { game_id: 'no-such' })).data.code, 'forbidden',
        'another game id is forbidden whether it exists or not');
    }
    await Promise.all([byUrl.close(), byMsg.close()]);
  }
  assert.equal((await stateOf(b)).version, 1);
  // REST: read own game and its history, nothing else.
  for (const tok of [p1, ob]) {
    assert.equal((await http(srv, 'GET', `/api/games/${a}`, { token: tok })).status, 200);
    assert.equal((await http(srv, 'GET', `/api/games/${a}/history`, { token: tok })).status, 200);
    assert.equal((await http(srv, 'GET', `/api/games/${a}/history?format=csv`, { token: tok })).status, 200);
    for (const [m, p, body] of [['GET', `/api/games/${b}`], ['GET', `/api/games/${b}/history`], ['GET', '/api/games'],
      ['POST', '/api/games', {}], ['DELETE', `/api/games/${a}`], ['GET', `/api/games/${a}/invites`],
      ['POST', `/api/games/${a}/invites`, { role: 'observer' }], ['GET', `/api/games/${a}/qr.svg`],
      ['GET', '/api/settings'], ['PUT', '/api/settings', { a: 'b' }], ['POST', `/api/games/${b}/actions`, { type: 'game_state' }]]) {
      const r = await http(srv, m, p, { token: tok, body });
      assert.equal(r.status, 403, `${m} ${p}`);
      assert.equal(r.json.error.code, 'forbidden');
    }
  }
  // Observers change nothing, over REST either.
  for (const type of ['score_update', 'game_start', 'game_end', 'undo', 'settings_update', 'turn_change', 'game_setup']) {
    const r = await http(srv, 'POST', `/api/games/${a}/actions`, { token: ob, body: { type, data: { player_number: 1, primary: 1, x: 1, name: 'x' } } });
    assert.equal(r.status, 403, type);
  }
  assert.equal((await stateOf(a)).version, 1);
});

test('invites: code and URL format, reusable codes, listing, revocation ends sessions', async () => {
  const gid = await newGame();
  const inv = await invite(gid, 'player', 2);
  assert.match(inv.code, CODE);
  assert.equal(inv.url, `${srv.stdout.match(/phones open (\S+?)\/?\n/)[1]}/j/${inv.code}`);
  assert.equal(inv.role, 'player');
  assert.equal(inv.player_number, 2);
  const obs = await invite(gid, 'observer');
  assert.equal(obs.player_number, null);
  const list = await http(srv, 'GET', `/api/games/${gid}/invites`);
  assert.deepEqual(list.json.invites.map((i) => i.code).sort(), [inv.code, obs.code].sort());
  // The code can be used again (a phone that lost its storage), typed loosely.
  const j1 = await join(inv.code);
  assert.deepEqual({ ...j1, token: undefined }, { token: undefined, role: 'player', game_id: gid, player_number: 2 });
  assert.match(j1.token, /^[0-9a-f]{32,}$/);
  const j2 = await join(inv.code.toLowerCase().replace(/^(...)/, '$1-'));
  assert.notEqual(j2.token, j1.token);
  const jo = await join(obs.code);
  const c1 = await open(`${srv.ws}/ws?token=${j1.token}`);
  const c2 = await open(`${srv.ws}/ws?token=${j2.token}`);
  const co = await open(`${srv.ws}/ws?token=${jo.token}`);
  // Revoke the player invite: both its sessions end, the observer's does not.
  const del = await http(srv, 'DELETE', `/api/games/${gid}/invites/${inv.code}`);
  assert.equal(del.status, 204);
  assert.equal((await c1.closed).code, 1008);
  assert.equal((await c2.closed).code, 1008);
  assert.equal((await co.request('heartbeat')).type, 'heartbeat');
  assert.equal((await http(srv, 'GET', `/api/games/${gid}`, { token: j1.token })).status, 401);
  const again = await http(srv, 'POST', '/api/join', { body: { code: inv.code } });
  assert.equal(again.status, 404);
  const reopen = connect(`${srv.ws}/ws?token=${j2.token}`);
  assert.equal((await reopen.next('error')).data.code, 'unauthorized');
  assert.equal((await reopen.closed).code, 1008);
  const byMsg = await open(`${srv.ws}/ws`);
  assert.equal((await byMsg.request('connect', { token: j1.token })).data.code, 'unauthorized');
  assert.deepEqual((await http(srv, 'GET', `/api/games/${gid}/invites`)).json.invites.map((i) => i.code), [obs.code]);
  assert.equal((await http(srv, 'DELETE', `/api/games/${gid}/invites/${inv.code}`)).status, 404);
  assert.equal((await http(srv, 'GET', `/api/games/${gid}`, { token: jo.token })).status, 200);
  await Promise.all([co.close(), byMsg.close()]);
});

// ---- sanitizing ---------------------------------------------------------------------------

test('sanitizing: no payload to a player or observer holds what it may not see', async () => {
  const gid = await newGame(srv, { settings: { 'host.pin': 'HOSTPIN-7', venue: 'club' } });
  const inv1 = await invite(gid, 'player', 1);
  const inv2 = await invite(gid, 'player', 2);
  const invo = await invite(gid, 'observer');
  const t1 = (await join(inv1.code)).token;
  const t2 = (await join(inv2.code)).token;
  const to = (await join(invo.code)).token;
  const h = await spy(`${srv.ws}/ws`);
  const p1 = await spy(`${srv.ws}/ws?token=${t1}`);
  const p2 = await spy(`${srv.ws}/ws`);
  await p2.request('connect', { token: t2 });
  const ob = await spy(`${srv.ws}/ws?token=${to}`);
  for (const c of [h, p1, p2, ob]) await c.request('subscribe', undefined, { game_id: gid });

  // Traffic: every kind of change, refusals with ids, reads, a full replace.
  const go = async (c, type, data) => c.request(type, data, { game_id: gid });
  await go(h, 'settings_update', { 'host.notes': 'HOSTNOTE-9', round_names: 'std' });
  await go(p1, 'score_update', { primary: 3, private: { plan: 'P1SECRET' } });
  await go(p2, 'score_update', { primary: 2, private: { plan: 'P2SECRET' } });
  await go(h, 'score_update', { player_number: 2, cp: 1, private: { plan: 'P2SECRET-b' } });
  await go(p1, 'game_setup', { faction: 'Aeldari' });
  await go(h, 'game_start');
  await go(p1, 'turn_change');
  await go(p2, 'undo');
  await go(p1, 'score_update', { player_number: 2, primary: 9 }); // forbidden
  await go(p2, 'settings_update', { 'host.pin': 'x' }); // forbidden
  await go(ob, 'score_update', { primary: 1 }); // forbidden
  await go(p1, 'score_update', { primary: 5000 }); // bad_message
  await go(p1, 'game_state', {});
  await go(ob, 'game_state');
  await p1.request('heartbeat');
  await ob.request('connect', { token: to });
  const full = (await h.request('game_state', undefined, { game_id: gid })).data;
  delete full.ref;
  full.settings['host.extra'] = 'HOSTEXTRA-3';
  full.players[0].private = { plan: 'P1SECRET-full' };
  full.players[1].private = { plan: 'P2SECRET-full' };
  await go(h, 'game_state', full);
  await go(h, 'settings_update', { venue: 'hall' });
  await sleep(200);

  const hostOnly = ['HOSTPIN-7', 'HOSTNOTE-9', 'HOSTEXTRA-3', 'host.pin', 'host.notes', 'host.extra'];
  const codes = [inv1.code, inv2.code, invo.code];
  const tokens = [HOST_TOKEN, t1, t2, to];
  const ids = { h: h.hello.data.client_id, p1: p1.hello.data.client_id, p2: p2.hello.data.client_id, ob: ob.hello.data.client_id };
  const mustNot = {
    p1: [...hostOnly, ...codes, ...tokens, 'P2SECRET', ids.h, ids.p2, ids.ob],
    p2: [...hostOnly, ...codes, ...tokens, 'P1SECRET', ids.h, ids.p1, ids.ob],
    ob: [...hostOnly, ...codes, ...tokens, 'P1SECRET', 'P2SECRET', '"private"', ids.h, ids.p1, ids.p2],
  };
  // The host sees everything (sanity check that the test produced the secrets).
  const hostText = h.raw.join('\n');
  for (const s of ['HOSTPIN-7', 'HOSTNOTE-9', 'HOSTEXTRA-3', 'P1SECRET', 'P2SECRET', 'P1SECRET-full']) assert.ok(hostText.includes(s), s);
  const hostHist = await http(srv, 'GET', `/api/games/${gid}/history`);
  assert.ok(hostHist.text.includes('HOSTNOTE-9'), 'the host\'s history keeps host. settings');
  const obHist = await http(srv, 'GET', `/api/games/${gid}/history`, { token: to });
  const su = obHist.json.entries.find((e) => e.type === 'settings_update');
  assert.deepEqual(su.data, { round_names: 'std' }, 'other keys stay in the history');
  const conns = { p1, p2, ob };
  const toks = { p1: t1, p2: t2, ob: to };
  for (const who of ['p1', 'p2', 'ob']) {
    const payloads = conns[who].raw.map((text) => ['ws', text]);
    assert.ok(payloads.length >= 12, `${who} got ${payloads.length} messages`);
    for (const path of [`/api/games/${gid}`, `/api/games/${gid}/history`, `/api/games/${gid}/history?format=csv`]) {
      const r = await http(srv, 'GET', path, { token: toks[who] });
      assert.equal(r.status, 200, path);
      payloads.push([path, r.text]);
    }
    for (const body of [{ type: 'game_state' }, { type: 'score_update', data: { player_number: 1, primary: 4000 }, id: 'x' },
      { type: 'settings_update', data: { 'host.pin': 'y' } }, { type: 'game_start' }]) {
      const r = await http(srv, 'POST', `/api/games/${gid}/actions`, { token: toks[who], body });
      payloads.push([`actions ${body.type}`, r.text]);
    }
    for (const [where, text] of payloads) {
      for (const s of mustNot[who]) {
        assert.ok(!text.includes(s), `${who} received ${JSON.stringify(s)} in ${where}: ${text.slice(0, 400)}`);
      }
    }
    // Own notes only for players.
    if (who !== 'ob') {
      const mine = who === 'p1' ? 'P1SECRET-full' : 'P2SECRET-full';
      assert.ok(conns[who].raw.some((t) => t.includes(mine)), `${who} sees its own private notes`);
    }
  }
  await Promise.all([h.close(), p1.close(), p2.close(), ob.close()]);
});

test('tokens and join codes never appear in the server\'s log (debug level)', async () => {
  await sleep(100);
  const log = srv.stderr;
  assert.ok(log.length > 0 && / debug /.test(log), 'the debug log was written');
  for (const s of secrets) assert.ok(!log.includes(s), `log holds secret ${s.slice(0, 4)}…`);
});
