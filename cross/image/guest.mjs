// Talks to the appliance booted under qemu by cross/image/test.sh.
//
//   node guest.mjs check PORT TOKEN SSID PASSWORD   HTTP and WebSocket checks; one
//                                                   "PASS name" or "FAIL name: why" a line
//   node guest.mjs console SOCKET COMMAND...        types commands on the serial console
//
// The ws package comes from tests/node_modules (the integration tests' own).
import { createRequire } from 'node:module';
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

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'check') {
  await check(...args).catch((e) => result('guest checks', false, e.message));
} else if (cmd === 'console') {
  await consoleType(args[0], args.slice(1));
} else {
  console.error('usage: node guest.mjs check PORT TOKEN SSID PASSWORD | console SOCKET COMMAND...');
  process.exit(2);
}
