// Talks to the appliance booted under qemu by cross/image/test.sh.
//
//   node guest.mjs check PORT TOKEN SSID PASSWORD   HTTP and WebSocket checks; one
//                                                   "PASS name" or "FAIL name: why" a line
//   node guest.mjs console SOCKET COMMAND...        types commands on the serial console
//   node guest.mjs act PORT TOKEN GAME CHANGE...    sends each CHANGE (a section 5 envelope
//                                                   as JSON) to GAME over REST, in order
//   node guest.mjs stream PORT TOKEN GAME QPID MONITOR STATE MIN_MS MAX_MS
//                                                   the power cut (cross/image/powercut.sh):
//                                                   streams score changes into GAME and
//                                                   kills qemu (QPID) with SIGKILL at a random
//                                                   moment MIN_MS..MAX_MS into the stream;
//                                                   adds the acknowledged versions to STATE
//   node guest.mjs verify PORT TOKEN GAME STATE     after the next boot: every version in
//                                                   STATE must be in the game's history with
//                                                   its value; ends with a "total" line
//
// The ws package comes from tests/node_modules (the integration tests' own).
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const require = createRequire(new URL('../../tests/package.json', import.meta.url));
const WebSocket = require('ws');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function result(name, ok, why = '') {
  console.log(ok ? `PASS ${name}` : `FAIL ${name}: ${why}`);
  return ok;
}

/** Resolves with the first message (parsed) for which pred is true, or rejects after ms. */
function nextMessage(ws, pred, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { ws.off('message', on); reject(new Error('timed out')); }, ms);
    function on(data) {
      const msg = JSON.parse(data.toString());
      if (pred(msg)) { clearTimeout(timer); ws.off('message', on); resolve(msg); }
    }
    ws.on('message', on);
  });
}

async function check(port, token, ssid, password) {
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${token}` };

  const h = await fetch(`${base}/healthz`);
  const hb = await h.text();
  result('GET /healthz answers 200', h.status === 200, `${h.status} ${hb}`);

  // A WebSocket from outside the guest (slirp: not loopback) starts unauthenticated
  // and becomes host with the token the first boot wrote to the boot partition.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const first = nextMessage(ws, () => true);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const hello = await first;
  result('WebSocket: connect message on upgrade, role none', hello.type === 'connect' && hello.data?.role === 'none',
    JSON.stringify(hello));
  const reply = nextMessage(ws, (m) => m.type === 'connect');
  ws.send(JSON.stringify({ type: 'connect', data: { token } }));
  const asHost = await reply;
  result('WebSocket: connect with the host token gives role host', asHost.data?.role === 'host', JSON.stringify(asHost));
  ws.close();

  // The init script writes the Wi-Fi network into the server's settings once it is up.
  let settings = {};
  for (let i = 0; i < 40; i++) {
    const r = await fetch(`${base}/api/settings`, { headers: auth });
    settings = await r.json();
    if (settings['wifi.ssid'] !== undefined) break;
    await sleep(500);
  }
  result('PUT /api/settings from the guest: wifi.ssid, wifi.password, wifi.security',
    settings['wifi.ssid'] === ssid && settings['wifi.password'] === password && settings['wifi.security'] === 'WPA' &&
      settings['wifi.mode'] === 'ap', JSON.stringify(settings));

  const g = await fetch(`${base}/api/games`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ player1_name: 'Qemu', player2_name: 'Virt', game_id: 'image-test' }),
  });
  result('POST /api/games stores a game on the data partition', g.status === 201, `${g.status} ${await g.text()}`);

  const anon = await fetch(`${base}/api/settings`);
  result('GET /api/settings without a token is refused from outside', anon.status === 401, `${anon.status}`);
}

async function consoleType(path, commands) {
  const s = net.createConnection(path);
  await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
  s.write('\r');
  await sleep(1500);
  for (const c of commands) {
    s.write(`${c}\r`);
    await sleep(500);
  }
  s.end();
}

/** Resolves with the text qemu's monitor (a unix socket) answers to command, or '' after ms. */
function monitor(path, command, until, ms = 2000) {
  return new Promise((resolve) => {
    let text = '';
    const s = net.createConnection(path);
    const done = () => { clearTimeout(timer); s.destroy(); resolve(text); };
    const timer = setTimeout(done, ms);
    s.on('error', done);
    s.on('connect', () => s.write(`${command}\n`));
    s.on('data', (d) => { text += d.toString(); if (until.test(text)) done(); });
  });
}

// STATE: {acked: [[version, player, value]], lost: [index into acked], next}; value
// null for changes other than score_update.
function loadState(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { acked: [], lost: [], next: 0 };
}

async function stream(port, token, game, qpid, monitorPath, statePath, minMs, maxMs) {
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${token}` };
  const state = loadState(statePath);
  const before = state.acked.length;
  let errors = 0;

  /** A host WebSocket; ask(type, data) resolves with the reply (ack or error) to a
   *  change, or null once the connection has died. */
  const connect = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
    const hello = nextMessage(ws, (m) => m.type === 'connect');
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    if ((await hello).data?.role !== 'host') throw new Error('the WebSocket is not host');
    const pending = new Map(); // request id -> resolve
    let seq = 0;
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.on('error', () => {});
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const r = m.data?.ref !== undefined && pending.get(m.data.ref);
      if (r) { pending.delete(m.data.ref); r(m); }
    });
    closed.then(() => { for (const r of pending.values()) r(null); pending.clear(); });
    const ask = (type, data) => new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve(null);
      const id = `pc-${++seq}`;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ type, data, game_id: game, id }));
    });
    return { ask, closed };
  };
  // Four connections (phones), one change in flight on each, so commits are grouped
  // as well as single; each stays under the server's 20 messages a second.
  const conns = await Promise.all([1, 2, 3, 4].map(connect));
  const setup = async (type, data = {}) => {
    const r = await conns[0].ask(type, data);
    if (r?.type !== 'ack') throw new Error(`${type}: ${JSON.stringify(r)}`);
    state.acked.push([r.data.version, null, null]);
  };

  // The game: created and started on the first boot; after a cut it comes back paused.
  const g = await fetch(`${base}/api/games/${game}`, { headers: auth });
  if (g.status === 404) {
    const c = await fetch(`${base}/api/games`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ player1_name: 'Cut', player2_name: 'Power', game_id: game }),
    });
    if (c.status !== 201) throw new Error(`POST /api/games: ${c.status} ${await c.text()}`);
    state.acked.push([(await c.json()).version, null, null]);
    await setup('game_start');
  } else if ((await g.json()).status === 'paused') {
    await setup('game_resume');
  }

  const cutMs = minMs + Math.floor(Math.random() * (maxMs - minMs + 1));
  let flushes = '?';
  const t0 = Date.now();
  setTimeout(async () => {
    const stats = await monitor(monitorPath, 'info blockstats', /flush_operations=\d+/);
    flushes = stats.match(/flush_operations=(\d+)/)?.[1] ?? '?';
    process.kill(qpid, 'SIGKILL');
  }, cutMs);
  const worker = async ({ ask }) => {
    for (;;) {
      const sent = Date.now();
      const n = state.next++;
      const player = 1 + (n % 2);
      const value = 1 + (n % 999);
      const r = await ask('score_update', { player_number: player, secondary: value });
      if (!r) return;
      if (r.type === 'ack') state.acked.push([r.data.version, player, value]);
      else if (errors++ < 5) console.log(`refused: ${JSON.stringify(r.data)}`);
      await sleep(60 - (Date.now() - sent));
    }
  };
  await Promise.all(conns.map(worker));
  await Promise.all(conns.map((c) => c.closed));
  writeFileSync(statePath, JSON.stringify(state));
  console.log(`cut ${(cutMs / 1000).toFixed(2)} s into the stream (${((Date.now() - t0) / 1000).toFixed(2)} s to the socket's close): ` +
    `${state.acked.length - before} acknowledged, ${flushes} flushes from the guest this boot` +
    (errors ? `, ${errors} refused` : ''));
  return errors === 0;
}

async function verify(port, token, game, statePath) {
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${token}` };
  const state = loadState(statePath);
  const problems = [];
  const h = await fetch(`${base}/healthz`);
  if (h.status !== 200) problems.push(`/healthz ${h.status} ${await h.text()}`);
  const g = await fetch(`${base}/api/games/${game}`, { headers: auth });
  const st = g.status === 200 ? await g.json() : null;
  if (!st) problems.push(`GET /api/games/${game}: ${g.status}`);
  const r = st && await fetch(`${base}/api/games/${game}/history`, { headers: auth });
  const hist = r?.status === 200 ? (await r.json()).entries : [];
  const byVersion = new Map(hist.map((e) => [e.version, e]));
  // By index in acked: after a control run lost a whole game, versions repeat.
  const lost = new Set(state.lost);
  let newLost = 0;
  for (const [i, [ver, player, value]] of state.acked.entries()) {
    const e = byVersion.get(ver);
    const ok = e && (value === null || (e.data?.player_number === player && e.data?.secondary === value));
    if (!ok && !lost.has(i)) {
      lost.add(i);
      newLost++;
      if (newLost <= 5) problems.push(`acknowledged version ${ver} ${e ? `is ${JSON.stringify(e.data)}, not secondary ${value}` : 'lost'}`);
    }
  }
  if (st) for (let v = 1; v <= st.version; v++) if (!byVersion.has(v)) problems.push(`version ${v} missing from the log`);
  state.lost = [...lost];
  writeFileSync(statePath, JSON.stringify(state));
  for (const p of problems) console.log(`problem: ${p}`);
  console.log(`total acknowledged=${state.acked.length} lost=${lost.size} version=${st?.version ?? 0} status=${st?.status ?? '-'}`);
  return problems.length === 0;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'check') {
  await check(...args).catch((e) => result('guest checks', false, e.message));
} else if (cmd === 'console') {
  await consoleType(args[0], args.slice(1));
} else if (cmd === 'act') {
  const [port, token, game, ...changes] = args;
  for (const c of changes) {
    const r = await fetch(`http://127.0.0.1:${port}/api/games/${game}/actions`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: c,
    });
    result(`change ${c}`, r.status === 200, `${r.status} ${await r.text()}`);
  }
} else if (cmd === 'stream') {
  const [port, token, game, qpid, mon, statePath, minMs, maxMs] = args;
  const ok = await stream(port, token, game, Number(qpid), mon, statePath, Number(minMs), Number(maxMs))
    .catch((e) => { console.log(`stream failed: ${e.message}`); return false; });
  process.exit(ok ? 0 : 1);
} else if (cmd === 'verify') {
  const ok = await verify(...args).catch((e) => { console.log(`problem: ${e.message}\ntotal acknowledged=? lost=?`); return false; });
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: node guest.mjs check PORT TOKEN SSID PASSWORD | console SOCKET COMMAND... |\n' +
    '  stream PORT TOKEN GAME QPID MONITOR STATE MIN_MS MAX_MS | verify PORT TOKEN GAME STATE');
  process.exit(2);
}
