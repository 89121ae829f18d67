// MQTT costs (docs/mqtt.md): instructions per change spent in the MQTT module, and
// memory with 1,000 games changing while the broker is down.
//   node bench/mqtt.mjs            (after make; needs mosquitto and valgrind; ~1 min)
// Instructions: the server runs under callgrind collecting only inside mqtt_* and
// mosquitto_* functions (and what they call: rendering the view, reading the log,
// libmosquitto), with a live broker; divided by the changes made.
// Memory: VmRSS after 1,000 games x 5 changes with --mqtt pointing at a port where no
// broker listens, against the same run without --mqtt.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'state-bench-mqtt-'));
const N_COST = Number(process.env.MQTT_BENCH_CHANGES) || 300;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startBroker(port) {
  const conf = join(dir, 'broker.conf');
  writeFileSync(conf, `${process.getuid() === 0 ? 'user root\n' : ''}listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await sleep(500);
  return proc;
}

async function withServer(wrap, args, fn) {
  process.env.STATE_SERVER_WRAP = wrap;
  const { startServer } = await import(`../tests/integration/lib.mjs?wrap=${encodeURIComponent(wrap)}`);
  const srv = await startServer(['--host-token', 'bench-host-token-0123456789abcdef', '--durability', 'normal', ...args], { dir: mkdtempSync(join(dir, 's-')) });
  try {
    return await fn(srv);
  } finally {
    await srv.stop('SIGTERM');
  }
}

async function act(srv, id, body) {
  const r = await fetch(`${srv.url}/api/games/${id}/actions`, { method: 'POST', headers: { authorization: 'Bearer bench-host-token-0123456789abcdef', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(await r.text());
}

async function create(srv) {
  const r = await fetch(`${srv.url}/api/games`, { method: 'POST', headers: { authorization: 'Bearer bench-host-token-0123456789abcdef', 'content-type': 'application/json' }, body: JSON.stringify({ player1_name: 'A', player2_name: 'B' }) });
  return (await r.json()).game_id;
}

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function memory(mqttArgs) {
  return withServer('', mqttArgs, async (srv) => {
    const ids = [];
    for (let i = 0; i < 1000; i++) ids.push(await create(srv));
    for (let k = 0; k < 5; k++) for (const id of ids) await act(srv, id, { type: 'score_update', data: { player_number: 1, primary_delta: 1 } });
    await sleep(500);
    return rss(srv.proc.pid);
  });
}

const out = {};
const dead = await freePort();
const withMqtt = await memory(['--mqtt', `mqtt://127.0.0.1:${dead}`, '--mqtt-prefix', 'bench/down']);
const without = await memory([]);
out.rss_kb_1000_games_5000_changes_broker_down = withMqtt;
out.rss_kb_same_without_mqtt = without;

const port = await freePort();
const broker = await startBroker(port);
const cgOut = join(dir, 'callgrind.out');
await withServer(`valgrind --tool=callgrind --callgrind-out-file=${cgOut} --toggle-collect=mqtt_* --toggle-collect=mosquitto_*`,
  ['--mqtt', `mqtt://127.0.0.1:${port}`, '--mqtt-prefix', 'bench/up'], async (srv) => {
    const id = await create(srv);
    await sleep(1000);
    for (let i = 0; i < N_COST; i++) {
      await act(srv, id, { type: 'score_update', data: { player_number: 1 + (i % 2), primary_delta: 1 } });
      await sleep(2); // let each change be published on its own, as on a real table
    }
    await sleep(1000);
  });
broker.kill();
const files = readdirSync(dir).filter((f) => f.startsWith('callgrind.out'));
let total = 0;
for (const f of files) {
  const m = /^summary: (\d+)/m.exec(readFileSync(join(dir, f), 'utf8')) || /^totals: (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'));
  if (m) total += Number(m[1]);
}
out.changes = N_COST;
out.mqtt_instructions_per_change = Math.round(total / (N_COST + 1));
console.log(JSON.stringify(out, null, 2));
rmSync(dir, { recursive: true, force: true });
