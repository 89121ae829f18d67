// TLS: with --tls-cert and --tls-key the same port serves HTTPS and WSS; a bad
// certificate or key file is a start-up failure (exit 1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, run } from './lib.mjs';

let dir, srv;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'state-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=state-server.test',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  srv = await startServer(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { dir });
});
after(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

function get(path) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: srv.port, path, rejectUnauthorized: false }, (res) => {
      let body = '';
      const cert = res.socket.getPeerCertificate();
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, cert }));
    }).on('error', reject);
  });
}

test('the listening line says https', () => {
  assert.match(srv.stdout, /listening on https:\/\/127\.0\.0\.1:\d+/);
});

test('HTTPS serves health and the app with the given certificate', async () => {
  const h = await get('/healthz');
  assert.equal(h.status, 200);
  assert.equal(JSON.parse(h.body).status, 'ok');
  assert.equal(h.cert.subject.CN, 'state-server.test');
  const app = await get('/');
  assert.equal(app.status, 200);
  assert.match(app.body, /<html/i);
});

test('WSS on /ws gets connect and answers heartbeat', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${srv.port}/ws`, { rejectUnauthorized: false });
  const msgs = [];
  const got = (type) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type}`)), 3000);
    const check = () => {
      const m = msgs.find((x) => x.type === type);
      if (m) { clearTimeout(t); resolve(m); } else setTimeout(check, 10);
    };
    check();
  });
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  assert.equal((await got('connect')).data.role, 'host');
  ws.send(JSON.stringify({ type: 'heartbeat', id: 'h' }));
  assert.equal((await got('heartbeat')).data.ref, 'h');
  // A broadcast over TLS: create a game and receive its state.
  ws.send(JSON.stringify({ type: 'game_state', game_id: 'tls', data: { players: [{ player_number: 1, name: 'Ana' }] }, id: 'g' }));
  const st = await got('game_state');
  assert.equal(st.data.players[0].name, 'Ana');
  ws.close();
});

test('plain HTTP on the TLS port is not served', async () => {
  const r = await fetch(`http://127.0.0.1:${srv.port}/healthz`).then((x) => x.status, () => 'refused');
  assert.notEqual(r, 200);
});

test('a missing or mismatched key file is a start-up failure (exit 1)', () => {
  const other = mkdtempSync(join(tmpdir(), 'state-tls-bad-'));
  writeFileSync(join(other, 'junk.pem'), 'not a key\n');
  for (const args of [['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(other, 'junk.pem')],
    ['--tls-cert', join(other, 'missing.pem'), '--tls-key', join(dir, 'key.pem')]]) {
    const r = run(['--port', '0', '--bind', '127.0.0.1', '--db', join(other, 'x.db'), ...args], { timeout: 10000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /TLS/);
  }
  rmSync(other, { recursive: true, force: true });
});
