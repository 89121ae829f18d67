// PROTOCOL.md section 10 (trust at the edges) and section 3's host pairing, from
// the outside: each attack of issue 11 is a test that fails if it is let through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { startServer, open, connect, http, run, sleep, HOST_TOKEN } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

/** A raw HTTP/1.1 request, so Host and Origin are exactly what the test says. */
function raw(port, method, path, headers = {}, body = '') {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      const text = rest.join('\r\n\r\n');
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      resolve({ status, head, text, json });
    });
    s.on('error', reject);
    const h = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
    if (body) h['Content-Length'] = Buffer.byteLength(body);
    let req = `${method} ${path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(h)) if (v !== null) req += `${k}: ${v}\r\n`;
    s.end(req + '\r\n' + body);
  });
}

const games = async () => (await http(srv, 'GET', '/api/games')).json.games.map((g) => g.game_id);

test('loopback with no proxy header, an own Host and no Origin is host (the Pi itself)', async () => {
  for (const host of [`127.0.0.1:${srv.port}`, `localhost:${srv.port}`, 'localhost', `[::1]:${srv.port}`]) {
    const r = await raw(srv.port, 'GET', '/api/games', { Host: host });
    assert.equal(r.status, 200, `Host: ${host}: ${r.text}`);
  }
  const same = await raw(srv.port, 'GET', '/api/games', { Origin: `http://127.0.0.1:${srv.port}` });
  assert.equal(same.status, 200, 'the own origin keeps loopback trust');
});

test('attack: a proxy header from loopback is not host (a reverse proxy on the Pi)', async () => {
  for (const [k, v] of [['X-Forwarded-For', '203.0.113.5'], ['Forwarded', 'for=203.0.113.5'], ['X-Real-IP', '203.0.113.5']]) {
    const r = await raw(srv.port, 'GET', '/api/games', { [k]: v });
    assert.equal(r.status, 401, `${k}: ${r.text}`);
  }
});

test('attack: a foreign Host is not host (DNS rebinding)', async () => {
  for (const host of ['evil.example', `evil.example:${srv.port}`, '127.0.0.1.evil.example']) {
    const r = await raw(srv.port, 'GET', '/api/games', { Host: host });
    assert.equal(r.status, 401, `Host: ${host}: ${r.text}`);
  }
});

test('attack: a cross-site POST (text/plain, foreign Origin) is 403 and creates nothing (CSRF)', async () => {
  const before = await games();
  const body = JSON.stringify({ game_id: 'csrf-1', player1_name: 'X', player2_name: 'Y' });
  for (const origin of ['http://evil.example', `http://127.0.0.1:${srv.port + 1}`, 'https://127.0.0.1:' + srv.port, 'null']) {
    const r = await raw(srv.port, 'POST', '/api/games', { Origin: origin, 'Content-Type': 'text/plain' }, body);
    assert.equal(r.status, 403, `Origin ${origin}: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  // Every state-changing method, and the unauthenticated join as well.
  assert.equal((await raw(srv.port, 'PUT', '/api/settings', { Origin: 'http://evil.example' }, '{"venue":"x"}')).status, 403);
  assert.equal((await raw(srv.port, 'DELETE', '/api/games/nothing', { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await raw(srv.port, 'POST', '/api/join', { Origin: 'http://evil.example' }, '{"code":"ABCDEF"}')).status, 403);
  assert.deepEqual(await games(), before, 'a game was created');
  assert.equal((await http(srv, 'GET', '/api/settings')).json.venue, undefined);
  // A token is never ambient: with one, the Origin does not matter.
  const ok = await raw(srv.port, 'POST', '/api/games', { Origin: 'http://evil.example', Authorization: 'Bearer ' + await hostToken() },
    JSON.stringify({ game_id: 'with-token', player1_name: 'A', player2_name: 'B' }));
  assert.equal(ok.status, 201, ok.text);
});

test('attack: a WebSocket upgrade with a foreign Origin gets no role (cross-site WebSocket hijacking)', async () => {
  const evil = await open(srv.ws + '/ws', { origin: 'http://evil.example' });
  assert.equal(evil.hello.data.role, 'none');
  const r = await evil.request('game_state', undefined, { game_id: 'with-token' });
  assert.equal(r.data.code, 'unauthorized');
  await evil.close();
  const foreignHost = await open(srv.ws + '/ws', { headers: { host: 'evil.example' } });
  assert.equal(foreignHost.hello.data.role, 'none');
  await foreignHost.close();
  const proxied = await open(srv.ws + '/ws', { headers: { 'x-forwarded-for': '203.0.113.7' } });
  assert.equal(proxied.hello.data.role, 'none');
  await proxied.close();
  const own = await open(srv.ws + '/ws', { origin: `http://127.0.0.1:${srv.port}` });
  assert.equal(own.hello.data.role, 'host');
  await own.close();
});

let pairedToken;
async function hostToken() {
  if (pairedToken) return pairedToken;
  const inv = await http(srv, 'POST', '/api/host-invites');
  assert.equal(inv.status, 201, inv.text);
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  pairedToken = j.json.token;
  return pairedToken;
}

test('host pairing: a one-time, five-minute code becomes a host session', async () => {
  const inv = await http(srv, 'POST', '/api/host-invites');
  assert.equal(inv.status, 201, inv.text);
  assert.match(inv.json.code, /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
  assert.equal(inv.json.url, `${srv.url.replace('127.0.0.1', '127.0.0.1')}/j/${inv.json.code}`);
  const left = Date.parse(inv.json.expires_at) - Date.now();
  assert.ok(left > 4 * 60 * 1000 && left <= 5 * 60 * 1000 + 1000, `expires in ${left} ms`);
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code.toLowerCase() } });
  assert.equal(j.status, 200, j.text);
  assert.equal(j.json.role, 'host');
  assert.equal(j.json.game_id, null);
  // The session is host on REST and on the WebSocket, from the network too.
  assert.equal((await raw(srv.port, 'GET', '/api/games', { Host: 'evil.example', Authorization: 'Bearer ' + j.json.token })).status, 200);
  const ws = await open(srv.ws + '/ws?token=' + j.json.token, { origin: 'http://evil.example' });
  assert.equal(ws.hello.data.role, 'host');
  await ws.close();
  // Used once: 401 the second time.
  const again = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(again.status, 401, again.text);
  assert.equal(again.json.error.code, 'unauthorized');
  // Only a host may make one.
  const guest = await raw(srv.port, 'POST', '/api/host-invites', { Host: 'evil.example' });
  assert.equal(guest.status, 401);
});

test('host pairing: an expired code gives 401, and the join limiter covers host codes', async () => {
  const s2 = await startServer();
  try {
    const inv = await http(s2, 'POST', '/api/host-invites');
    await s2.stop('SIGTERM', { keep: true });
    execFileSync('sqlite3', [s2.db, `UPDATE host_invites SET expires_ms = 1 WHERE code = '${inv.json.code}';`]);
    const s3 = await startServer([], { dir: s2.dir });
    try {
      const j = await http(s3, 'POST', '/api/join', { body: { code: inv.json.code } });
      assert.equal(j.status, 401, j.text);
      // Wrong codes, host or not, count against the address.
      let limited = false;
      for (let i = 0; i < 15 && !limited; i++)
        limited = (await http(s3, 'POST', '/api/join', { body: { code: 'ZZZZZZ' } })).status === 429;
      assert.ok(limited, 'never rate-limited');
      const ok = await http(s3, 'POST', '/api/host-invites');
      assert.equal((await http(s3, 'POST', '/api/join', { body: { code: ok.json.code } })).status, 429, 'a limited address may not try a host code');
    } finally {
      await s3.stop();
    }
  } finally {
    rmSync(s2.dir, { recursive: true, force: true });
  }
});

test('sessions: listed without tokens; revoking one ends its REST and closes its sockets with 1008', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'sess-1', player1_name: 'Ana', player2_name: 'Ben' } });
  const inv = await http(srv, 'POST', '/api/games/sess-1/invites', { body: { role: 'player', player_number: 1 } });
  const pj = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  const player = pj.json.token;
  const host = await hostToken();
  const list = await http(srv, 'GET', '/api/sessions');
  assert.equal(list.status, 200);
  assert.ok(!list.text.includes(player) && !list.text.includes(host), 'a token in the list');
  const mine = list.json.sessions.find((x) => x.role === 'player' && x.game_id === 'sess-1');
  assert.ok(mine, list.text);
  assert.equal(mine.player_number, 1);
  assert.match(mine.session_id, /^s-\d+$/);
  const hostRow = list.json.sessions.find((x) => x.role === 'host');
  assert.match(hostRow.session_id, /^h-\d+$/);
  // Used sessions say when and from where.
  const pws = await open(srv.ws + '/ws?token=' + player);
  await sleep(100);
  const seen = (await http(srv, 'GET', '/api/sessions')).json.sessions.find((x) => x.session_id === mine.session_id);
  assert.ok(seen.last_seen_at, 'last_seen_at');
  assert.equal(seen.address, '127.0.0.1');

  const del = await http(srv, 'DELETE', `/api/sessions/${mine.session_id}`);
  assert.equal(del.status, 204, del.text);
  const closed = await Promise.race([pws.closed, sleep(2000).then(() => null)]);
  assert.equal(closed && closed.code, 1008, 'the player socket was not closed with 1008');
  assert.equal((await http(srv, 'GET', '/api/games/sess-1', { token: player })).status, 401);
  assert.equal((await http(srv, 'DELETE', `/api/sessions/${mine.session_id}`)).status, 404, 'revoked twice');
  assert.equal((await http(srv, 'DELETE', '/api/sessions/nonsense')).status, 404);
  // A host session is revocable like any other.
  const hws = await open(srv.ws + '/ws?token=' + host);
  assert.equal((await http(srv, 'DELETE', `/api/sessions/${hostRow.session_id}`)).status, 204);
  const hclosed = await Promise.race([hws.closed, sleep(2000).then(() => null)]);
  assert.equal(hclosed && hclosed.code, 1008);
  assert.equal((await http(srv, 'GET', '/api/games', { token: host })).status, 401);
  pairedToken = undefined;
  // Only the host lists or revokes.
  const other = await raw(srv.port, 'GET', '/api/sessions', { Host: 'evil.example' });
  assert.equal(other.status, 401);
});

test('--trusted-proxy: its X-Forwarded-For names the client for the limiter, and never grants host', async () => {
  const p = await startServer(['--trusted-proxy', '127.0.0.1']);
  try {
    assert.equal((await raw(p.port, 'GET', '/api/games', { 'X-Forwarded-For': '127.0.0.1' })).status, 401);
    // Ten wrong codes from one forwarded client limit that client, not the next one.
    let limited = false;
    for (let i = 0; i < 15 && !limited; i++)
      limited = (await raw(p.port, 'POST', '/api/join', { 'X-Forwarded-For': '198.51.100.1' }, '{"code":"ZZZZZZ"}')).status === 429;
    assert.ok(limited);
    const other = await raw(p.port, 'POST', '/api/join', { 'X-Forwarded-For': '198.51.100.2' }, '{"code":"ZZZZZZ"}');
    assert.equal(other.status, 404, 'another forwarded client was limited too');
  } finally {
    await p.stop();
  }
  // Without the flag the header is ignored: every forwarded client is the proxy.
  const q = await startServer();
  try {
    let limited = false;
    for (let i = 0; i < 15 && !limited; i++)
      limited = (await raw(q.port, 'POST', '/api/join', { 'X-Forwarded-For': `198.51.100.${i}` }, '{"code":"ZZZZZZ"}')).status === 429;
    assert.ok(limited, 'X-Forwarded-For was believed without --trusted-proxy');
  } finally {
    await q.stop();
  }
  assert.equal(run(['--trusted-proxy', 'proxy.example']).status, 2);
});

test('state-server --pair-host asks the running server for a code and draws its QR code', async () => {
  const r = run(['--pair-host', '--port', String(srv.port), '--bind', '127.0.0.1'], { timeout: 10000 });
  assert.equal(r.status, 0, r.stderr);
  const m = /code: ([A-Z2-9]{6}) \(works once/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(r.stdout.includes(`/j/${m[1]}`));
  assert.ok(r.stdout.split('\n').filter((l) => /[▀▄█]/.test(l)).length > 10, 'no QR code drawn');
  const j = await http(srv, 'POST', '/api/join', { body: { code: m[1] } });
  assert.equal(j.json.role, 'host');
  const none = run(['--pair-host', '--port', '1', '--bind', '127.0.0.1'], { timeout: 10000 });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no server answers/);
});

// A real reverse proxy on loopback (Debian's nginx) in front of the server: no
// request through it is host without a token.
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
test('behind nginx on the same machine, nobody is host without a token', { skip: !NGINX && 'nginx is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-nginx-'));
  const port = await new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${srv.port};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $http_connection;
    }
  }
}
`);
  const ng = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  try {
    let up = false;
    let last = '';
    // fetch, not raw(): raw() half-closes after its request, which nginx takes for a
    // client that went away before the answer.
    for (let i = 0; i < 50 && !up; i++) {
      await sleep(100);
      up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200 || ((last = String(r.status)), false),
        (e) => ((last = String(e)), false));
    }
    assert.ok(up, `nginx did not start: ${last}`);
    const via = { url: `http://127.0.0.1:${port}`, port };
    assert.equal((await http(via, 'GET', '/api/games')).status, 401);
    assert.equal((await http(via, 'POST', '/api/games', { body: { player1_name: 'A', player2_name: 'B' } })).status, 401);
    assert.equal((await http(via, 'POST', '/api/host-invites')).status, 401);
    assert.equal((await http(via, 'GET', '/api/sessions')).status, 401);
    const ws = await open(`ws://127.0.0.1:${port}/ws`);
    assert.equal(ws.hello.data.role, 'none');
    await ws.close();
    // With a token it works through the proxy, WebSocket included.
    const t = await hostToken();
    assert.equal((await http(via, 'GET', '/api/games', { token: t })).status, 200);
    const tws = await open(`ws://127.0.0.1:${port}/ws?token=${t}`);
    assert.equal(tws.hello.data.role, 'host');
    await tws.close();
  } finally {
    ng.kill('SIGTERM');
    await new Promise((r) => ng.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});

// Issue 11.3: the undo log must read back a game whose private notes hold as many
// JSON values as the limits allow (1 KiB of "[0,0,...]" per player).
test('undo works on a game whose private notes hold the most JSON values the limits allow', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'dense', player1_name: 'Ana', player2_name: 'Ben' } });
  const dense = { v: [] };
  while (JSON.stringify(dense).length + 2 <= 1024) dense.v.push(0);
  assert.ok(JSON.stringify(dense).length <= 1024);
  const h = await open(srv.ws + '/ws');
  for (const p of [1, 2]) {
    const r = await h.request('score_update', { player_number: p, private: dense }, { game_id: 'dense' });
    assert.equal(r.type, 'ack', JSON.stringify(r));
  }
  assert.equal((await h.request('score_update', { player_number: 1, primary: 5 }, { game_id: 'dense' })).type, 'ack');
  const u = await h.request('undo', {}, { game_id: 'dense' });
  assert.equal(u.type, 'ack', JSON.stringify(u));
  const s = await h.request('game_state', undefined, { game_id: 'dense' });
  assert.equal(s.data.players[0].primary, 0);
  assert.deepEqual(s.data.players[0].private, dense);
  // A host's full game_state with such notes is taken too (the message is 16 KiB at most).
  const full = { ...s.data };
  delete full.ref;
  const r = await h.request('game_state', full, { game_id: 'dense-copy' });
  assert.equal(r.type, 'ack', JSON.stringify(r).slice(0, 300));
  await h.close();
});

// Issue 11.3: every control frame counts against the connection's rate limit, and
// at most one pong waits in the queue.
test('a ping flood is rate-limited like messages and ends with 1008; pongs do not pile up', async () => {
  const c = connect(srv.ws + '/ws');
  await c.opened;
  let pongs = 0;
  c.ws.on('pong', () => { pongs++; });
  for (let i = 0; i < 400; i++) c.ws.ping(Buffer.from(String(i)));
  const closed = await Promise.race([c.closed, sleep(5000).then(() => null)]);
  assert.equal(closed && closed.code, 1008, 'the flood was not closed with 1008');
  // The bucket holds 40 (PROTOCOL.md section 8): far fewer answers than pings.
  assert.ok(pongs <= 45, `${pongs} pongs for 400 pings`);
  // Everyone else is still served.
  assert.equal((await http(srv, 'GET', '/healthz')).status, 200);
});

// Issue 11.3: a reply to a read never shows a change that is not committed. A change
// and a read that arrive in one loop turn: the read shows the state before the change
// (which is not on disk yet), and the change reaches the reader after its commit.
test('a read in the same turn as a change shows the committed state, not the pending one', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'pending', player1_name: 'Ana', player2_name: 'Ben' } });
  const c = await open(srv.ws + '/ws');
  const v0 = (await c.request('subscribe', undefined, { game_id: 'pending' })).data.version;
  const sock = c.ws._socket;
  sock.cork();
  c.send({ type: 'score_update', game_id: 'pending', id: 'chg', data: { player_number: 1, primary: 9 } });
  c.send({ type: 'game_state', game_id: 'pending', id: 'read' });
  sock.uncork();
  const read = await c.next((m) => m.data && m.data.ref === 'read');
  const ack = await c.next((m) => m.data && m.data.ref === 'chg');
  assert.equal(ack.data.version, v0 + 1);
  assert.equal(read.data.version, v0, 'the read showed a change before its commit');
  assert.equal(read.data.players[0].primary, 0);
  const bcast = await c.next((m) => m.type === 'game_state' && m.data.version === v0 + 1);
  assert.equal(bcast.data.players[0].primary, 9);
  await c.close();
});
