// The foundation: static serving, health, metrics, WebSocket upgrade on / and /ws,
// connect and heartbeat, and the command line of PROTOCOL.md section 9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startServer, open, connect, http, run } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('GET /healthz reports ok as JSON', async () => {
  const r = await http(srv, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.protocol, 1);
  assert.match(r.headers.get('content-type'), /application\/json/);
});

test('GET /metrics is Prometheus text with the counters', async () => {
  const r = await http(srv, 'GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  for (const name of ['state_build_info', 'state_ws_connections', 'state_messages_in_total', 'state_messages_out_total',
    'state_errors_total{code="bad_json"}', 'state_commit_duration_seconds_bucket']) {
    assert.ok(r.text.includes(name), `missing ${name}`);
  }
});

test('GET / serves the web app with ETag, and 304 on If-None-Match', async () => {
  const r = await http(srv, 'GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.text, /<html/i);
  const etag = r.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const again = await http(srv, 'GET', '/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
});

test('app routes serve index.html; unknown paths 404 as JSON', async () => {
  const index = await http(srv, 'GET', '/');
  for (const p of ['/display', '/host', '/overlay', '/play', '/watch', '/j/ABC234', '/display?game=g-1', '/event', '/hall', '/hall/e-1', '/host/events', '/host/events/e-1', '/host/events/e-1/checkin']) {
    const r = await http(srv, 'GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.text, index.text, p);
  }
  for (const p of ['/nope', '/j/ABC234/x', '/index.htm', '/api/nope', '/display/x', '/hall/', '/hall/e-1/x', '/host/events/', '/host/events/e-1/x', '/host/events//checkin', '/event/x']) {
    const r = await http(srv, 'GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found', p);
  }
});

// fetch always asks for gzip and inflates; ask with a raw socket instead.
function rawGet(path, headers) {
  return new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
    });
    let buf = Buffer.alloc(0);
    s.on('data', (d) => { buf = Buffer.concat([buf, d]); });
    s.on('end', () => {
      const at = buf.indexOf('\r\n\r\n');
      resolve({ head: buf.subarray(0, at).toString().toLowerCase(), body: buf.subarray(at + 4) });
    });
    s.on('error', reject);
  });
}

test('gzip is served when accepted, with Vary, and decodes to the same bytes', async () => {
  const index = await http(srv, 'GET', '/');
  const asset = index.text.match(/\/assets\/[^"]+\.js/);
  assert.ok(asset, 'the app links a hashed script');
  const plain = await rawGet(asset[0], '');
  const zipped = await rawGet(asset[0], 'Accept-Encoding: gzip, deflate\r\n');
  assert.match(plain.head, /^http\/1.1 200/);
  assert.doesNotMatch(plain.head, /content-encoding/);
  assert.match(zipped.head, /content-encoding: gzip/);
  assert.match(zipped.head, /vary: accept-encoding/);
  assert.match(zipped.head, /cache-control: public, max-age=31536000, immutable/);
  assert.ok(zipped.body.length < plain.body.length / 2, 'gzip saves space');
  assert.deepEqual(gunzipSync(zipped.body), plain.body);
});

test('POST to a static path is 405 with Allow', async () => {
  const r = await http(srv, 'POST', '/', { body: 'x' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
});

for (const path of ['/', '/ws']) {
  test(`WebSocket on ${path}: connect message, then heartbeat reply with server_time`, async () => {
    const c = await open(srv.ws + path);
    assert.equal(c.hello.type, 'connect');
    assert.equal(c.hello.data.protocol, 1);
    assert.equal(c.hello.data.role, 'host', 'loopback is host by default');
    assert.match(c.hello.data.client_id, /^c-/);
    assert.ok(Math.abs(c.hello.data.server_time - Date.now()) < 5000);
    assert.match(c.hello.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const before = Date.now();
    const hb = await c.request('heartbeat');
    assert.equal(hb.type, 'heartbeat');
    assert.ok(hb.data.server_time >= before - 1000 && hb.data.server_time <= Date.now() + 1000);
    c.send({ type: 'heartbeat' });
    const hb2 = await c.next('heartbeat');
    assert.equal(hb2.data.ref, undefined);
    await c.close();
  });
}

test('WebSocket on another path is refused', async () => {
  const c = connect(srv.ws + '/other');
  await assert.rejects(c.opened);
});

test('unknown type and bad JSON get errors and the connection stays open', async () => {
  const c = await open(srv.ws + '/ws');
  const e1 = await c.request('no_such_type', {});
  assert.equal(e1.type, 'error');
  assert.equal(e1.data.code, 'unknown_type');
  c.send('{not json');
  const e2 = await c.next('error');
  assert.equal(e2.data.code, 'bad_json');
  c.send('[1,2]');
  assert.equal((await c.next('error')).data.code, 'bad_message');
  c.send({ type: 42, id: 'x' });
  const e3 = await c.next('error');
  assert.equal(e3.data.code, 'bad_message');
  assert.equal(e3.data.ref, 'x');
  c.send({ type: 'heartbeat', id: 'a'.repeat(65) });
  assert.equal((await c.next('error')).data.code, 'bad_message');
  const hb = await c.request('heartbeat');
  assert.equal(hb.type, 'heartbeat');
  await c.close();
});

test('command line: usage errors exit 2 with one message', () => {
  for (const args of [['--port', 'abc'], ['--nope'], ['--durability', 'sometimes'], ['--tls-cert', 'x'], ['--bind', 'localhost']]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^state-server /);
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--max-connections/);
});

test('command line: a port in use exits 1 with one message', () => {
  const r = run(['--port', String(srv.port), '--bind', '127.0.0.1', '--db', srv.dir + '/other.db'], { timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot listen/);
});

test('environment variables set flags; flags win', async () => {
  const s = await startServer(['--ping-interval', '7'], { env: { STATE_SERVER_LOG_LEVEL: 'debug', STATE_SERVER_PING_INTERVAL: 'x' } })
    .catch((e) => e);
  assert.ok(s instanceof Error, 'a bad environment value is a usage error even when a flag overrides it');
  const ok = await startServer([], { env: { STATE_SERVER_LOG_LEVEL: 'debug' } });
  const c = await open(ok.ws + '/ws');
  await c.close();
  await new Promise((r) => setTimeout(r, 100));
  await ok.stop();
  assert.match(ok.stderr, / debug /);
});

test('SIGTERM closes WebSockets with 1001 and exits 0', async () => {
  const s = await startServer();
  const c = await open(s.ws + '/ws');
  const closed = c.closed;
  s.proc.kill('SIGTERM');
  const { code } = await closed;
  assert.equal(code, 1001);
  const r = await s.exited;
  assert.equal(r.code, 0);
  await s.stop();
});
