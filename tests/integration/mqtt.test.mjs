// MQTT (PROTOCOL.md section 13, issue 15) against Debian's real mosquitto broker,
// started here on loopback ports, observed with mosquitto_sub.
//
//   node --test tests/integration/mqtt.test.mjs      (after make; needs mosquitto, mosquitto-clients, openssl)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, http, run, sleep, HOST_TOKEN, TIME_SCALE } from './lib.mjs';

const HAVE = spawnSync('mosquitto', ['-h']).status !== null && spawnSync('mosquitto_sub', ['--help']).status !== null;
const skip = !HAVE && 'mosquitto and mosquitto-clients are not installed (cross/deps.sh test)';
const figures = {};

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'state-mqtt-')); });
after(() => {
  rmSync(dir, { recursive: true, force: true });
  if (Object.keys(figures).length) console.log(`mqtt figures: ${JSON.stringify(figures)}`);
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitFor(pred, ms = 3000, what = 'condition') {
  const end = Date.now() + ms * TIME_SCALE;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A mosquitto broker on a loopback port; conf lines are added to its listener. */
async function startBroker({ port, conf = [], name = 'broker' } = {}) {
  port = port || await freePort();
  const file = join(dir, `${name}-${port}.conf`);
  // Started as root, mosquitto would drop to its own user and could not read the test's keys.
  const user = process.getuid && process.getuid() === 0 ? ['user root'] : [];
  const anon = conf.some((l) => l.startsWith('allow_anonymous')) ? [] : ['allow_anonymous true'];
  writeFileSync(file, [...user, `listener ${port} 127.0.0.1`, 'persistence false', ...anon, ...conf, ''].join('\n'));
  const proc = spawn('mosquitto', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  await waitFor(() => new Promise((r) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
    s.on('error', () => r(false));
  }), 5000, 'the broker to listen').catch((e) => { proc.kill(); throw new Error(`${e.message}: ${log}`); });
  return { port, proc, get log() { return log; }, async kill(sig = 'SIGKILL') { proc.kill(sig); await exited; } };
}

/** A subscriber that keeps every message: {topic, retained, payload}. */
function subscribe(port, topic, extra = []) {
  const proc = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', topic, '-F', '%t\t%r\t%p', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const msgs = [];
  let rest = '';
  proc.stdout.on('data', (d) => {
    rest += d;
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i);
      rest = rest.slice(i + 1);
      const [t, r, ...p] = line.split('\t');
      msgs.push({ topic: t, retained: r === '1', payload: p.join('\t') });
    }
  });
  const ready = sleep(300); // mosquitto_sub prints nothing when subscribed
  return { msgs, ready, stop() { proc.kill(); } };
}

/** The retained message of one topic ('' when there is none), from a fresh subscriber. */
function retained(port, topic, { tls } = {}) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-C', '1', '-W', '1', '-F', '%r\t%p'];
  const r = spawnSync('mosquitto_sub', [...args, ...(tls || [])], { encoding: 'utf8' });
  const line = r.stdout.split('\n')[0];
  if (!line) return '';
  const [flag, ...p] = line.split('\t');
  return flag === '1' ? p.join('\t') : '';
}

async function metrics(srv) {
  const text = (await http(srv, 'GET', '/metrics')).text;
  const get = (name) => Number((text.match(new RegExp(`^${name} (\\d+)`, 'm')) || [])[1]);
  return { text, get };
}

async function createGame(srv, names = ['Ana', 'Ben']) {
  const r = await http(srv, 'POST', '/api/games', { token: HOST_TOKEN, body: { player1_name: names[0], player2_name: names[1] } });
  assert.equal(r.status, 201, r.text);
  return r.json.game_id;
}

async function observerToken(srv, id) {
  const inv = await http(srv, 'POST', `/api/games/${id}/invites`, { token: HOST_TOKEN, body: { role: 'observer' } });
  assert.equal(inv.status, 201, inv.text);
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  assert.equal(j.status, 200, j.text);
  return { code: inv.json.code, token: j.json.token };
}

/** A change through REST (WebSocket clients are rate-limited to 20 a second); its version. */
async function act(srv, id, type, data) {
  const r = await http(srv, 'POST', `/api/games/${id}/actions`, { token: HOST_TOKEN, body: { type, data, game_id: id } });
  assert.equal(r.status, 200, r.text);
  assert.ok(Number.isInteger(r.json.version), r.text);
  return r.json.version;
}

function withoutTime(s) {
  const o = typeof s === 'string' ? JSON.parse(s) : structuredClone(s);
  delete o.server_time;
  return o;
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function mqttArgs(broker, prefix, more = []) {
  return ['--host-token', HOST_TOKEN, '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--mqtt-prefix', prefix, ...more];
}

test('200 changes: the retained game is the observer view after each; nothing private ever leaves; delete clears it and the discovery configs',
  { skip }, async () => {
    const broker = await startBroker();
    const all = subscribe(broker.port, '#');
    await all.ready;
    const srv = await startServer(mqttArgs(broker, 'state-server/t1', ['--mqtt-discovery']));
    try {
      const id = await createGame(srv);
      const obs = await observerToken(srv, id);
      const topic = `state-server/t1/games/${id}`;
      const latest = () => [...all.msgs].reverse().find((m) => m.topic === topic);
      for (let i = 0; i < 200; i++) {
        const kinds = [
          ['score_update', { player_number: 1 + (i % 2), primary_delta: 1 }],
          ['score_update', { player_number: 1 + (i % 2), secondary_delta: 1 }],
          ['score_update', { player_number: 1 + (i % 2), private: { note: `PRIVATE-NOTE-${i}` } }],
          ['settings_update', { 'host.pin': `HOST-SECRET-${i}`, venue: `room ${i}` }],
          ['score_update', { player_number: 2 - (i % 2), cp_delta: 1 }],
        ];
        const [type, data] = kinds[i % kinds.length];
        const version = await act(srv, id, type, data);
        const msg = await waitFor(() => { const m = latest(); return m && JSON.parse(m.payload).version === version && m; },
          3000, `version ${version} on ${topic}`);
        const view = await http(srv, 'GET', `/api/games/${id}`, { token: obs.token });
        assert.deepEqual(withoutTime(msg.payload), withoutTime(view.json), `after change ${i + 1}`);
      }
      // Still the latest for a newcomer (retained), and the change stream has every version once, in order.
      const view = await http(srv, 'GET', `/api/games/${id}`, { token: obs.token });
      assert.deepEqual(withoutTime(retained(broker.port, topic)), withoutTime(view.json));
      const changes = all.msgs.filter((m) => m.topic === `${topic}/changes`).map((m) => JSON.parse(m.payload));
      assert.deepEqual(changes.map((x) => x.version), Array.from({ length: 201 }, (_, k) => k + 1));
      for (const ch of changes) assert.deepEqual(Object.keys(ch).sort(), ['actor', 'at', 'type', 'version']);
      assert.equal(changes[3].type, 'score_update');
      assert.equal(changes[3].actor, 'host');
      // Nothing private: no note, no host. setting, no token, no join code in any payload.
      const everything = all.msgs.map((m) => m.topic + ' ' + m.payload).join('\n');
      for (const secret of ['PRIVATE-NOTE', 'HOST-SECRET', 'host.pin', HOST_TOKEN, obs.token, obs.code])
        assert.ok(!everything.includes(secret), `a payload holds ${secret}`);
      assert.match(everything, /room 198/); // the public setting did go out
      assert.equal(retained(broker.port, 'state-server/t1/status'), 'online');
      // Home Assistant: six sensors reading the game topic.
      const ha = all.msgs.filter((m) => m.topic.startsWith('homeassistant/sensor/state-server_t1/') && m.payload);
      assert.equal(new Set(ha.map((m) => m.topic)).size, 6);
      const score = JSON.parse(ha.find((m) => m.topic.endsWith('_p1_score/config')).payload);
      assert.equal(score.state_topic, topic);
      assert.equal(score.value_template, '{{ value_json.players[0].score }}');
      assert.equal(score.availability_topic, 'state-server/t1/status');
      assert.ok(retained(broker.port, `homeassistant/sensor/state-server_t1/${id}_p2_clock/config`).includes('time_remaining'));

      const del = await http(srv, 'DELETE', `/api/games/${id}`, { token: HOST_TOKEN });
      assert.ok(del.status === 200 || del.status === 204, del.text);
      await waitFor(() => { const m = latest(); return m && m.payload === ''; }, 3000, 'the empty retained message');
      assert.equal(retained(broker.port, topic), '');
      for (const k of ['p1_score', 'p2_score', 'p1_cp', 'p2_cp', 'p1_clock', 'p2_clock'])
        assert.equal(retained(broker.port, `homeassistant/sensor/state-server_t1/${id}_${k}/config`), '', k);
      const m = await metrics(srv);
      assert.equal(m.get('state_mqtt_connected'), 1);
      assert.ok(m.get('state_mqtt_published_total') > 400);
    } finally {
      all.stop();
      await srv.stop();
      await broker.kill();
    }
  });

test('the will: kill -9 of the server leaves status offline; a clean stop says offline too', { skip }, async () => {
  const broker = await startBroker();
  try {
    const srv = await startServer(mqttArgs(broker, 'state-server/will'));
    await waitFor(() => retained(broker.port, 'state-server/will/status') === 'online', 3000, 'online');
    await srv.stop('SIGKILL');
    await waitFor(() => retained(broker.port, 'state-server/will/status') === 'offline', 3000, 'the will');
    const srv2 = await startServer(mqttArgs(broker, 'state-server/will'));
    await waitFor(() => retained(broker.port, 'state-server/will/status') === 'online', 3000, 'online again');
    await srv2.stop('SIGTERM');
    assert.equal(retained(broker.port, 'state-server/will/status'), 'offline');
  } finally {
    await broker.kill();
  }
});

test('broker killed while games change: acks keep their latency; afterwards the retained states are the latest, only the latest was queued, and every game is published again',
  { skip }, async () => {
    let broker = await startBroker();
    const port = broker.port;
    const srv = await startServer(mqttArgs(broker, 'state-server/out', ['--durability', 'normal']));
    try {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await createGame(srv));
      const quiet = await createGame(srv); // never changes during the outage
      await waitFor(() => retained(port, `state-server/out/games/${quiet}`) !== '', 3000, 'the quiet game');
      // The server's CPU time (user + system, in clock ticks) from /proc.
      const cpu = () => {
        const f = readFileSync(`/proc/${srv.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return Number(f[11]) + Number(f[12]);
      };
      const ticks = { up: 0, down: 0 };
      const timed = async (n, side) => {
        const c0 = cpu();
        const lat = [];
        for (let i = 0; i < n; i++) {
          const t0 = process.hrtime.bigint();
          await act(srv, ids[i % ids.length], 'score_update', { player_number: 1, primary_delta: 1 });
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        if (side) ticks[side] += cpu() - c0;
        return lat;
      };
      await timed(50); // warm up
      // Latency is compared over interleaved phases (up, down, up, down, ...), so that a
      // burst of load from elsewhere on the machine does not land on one side only.
      const up = [], down = [];
      for (let cycle = 0; cycle < 2; cycle++) {
        up.push(...await timed(250, 'up'));
        await broker.kill('SIGKILL');
        await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 0, 3000, 'the server to notice');
        down.push(...await timed(250, 'down'));
        broker = await startBroker({ port });
        await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 1, 40000, 'the reconnect');
      }
      up.push(...await timed(250, 'up'));
      const killedAt = Date.now();
      await broker.kill('SIGKILL');
      await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 0, 3000, 'the server to notice');
      const superseded0 = (await metrics(srv)).get('state_mqtt_superseded_total');
      down.push(...await timed(250, 'down'));
      const before = await metrics(srv);
      // Started again 5 s after the kill, without persistence: no session survives.
      await sleep(Math.max(0, 5000 - (Date.now() - killedAt)));
      broker = await startBroker({ port });
      const watch = subscribe(port, 'state-server/out/games/+');
      await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 1, 40000, 'the reconnect');
      for (const id of ids) {
        const view = await http(srv, 'GET', `/api/games/${id}`, { token: HOST_TOKEN });
        await waitFor(() => {
          const r = retained(port, `state-server/out/games/${id}`);
          return r && JSON.parse(r).version === view.json.version;
        }, 5000, `the latest state of ${id}`);
      }
      // The quiet game came back too: the broker kept nothing, so everything is republished.
      assert.notEqual(retained(port, `state-server/out/games/${quiet}`), '');
      await sleep(300);
      watch.stop();
      const after = await metrics(srv);
      // 250 changes over 5 games while down: each game's pending state was replaced by the next one.
      const superseded = before.get('state_mqtt_superseded_total') - superseded0;
      assert.ok(superseded >= 250 - ids.length, `superseded ${superseded}`);
      assert.ok(after.get('state_mqtt_reconnects_total') >= 1);
      // Only the latest per game was queued: at most one state per game came after the reconnect
      // (the subscriber started before the server reconnected).
      for (const id of ids) {
        const got = watch.msgs.filter((m) => m.topic === `state-server/out/games/${id}` && !m.retained);
        assert.ok(got.length <= 1, `${got.length} states of ${id} after the reconnect: versions ${got.map((m) => JSON.parse(m.payload).version)}`);
      }
      const p99up = percentile(up, 99), p99down = percentile(down, 99);
      figures.ack_p99_ms_broker_up = +p99up.toFixed(3);
      figures.ack_p99_ms_broker_down = +p99down.toFixed(3);
      figures.ack_p50_ms_broker_up = +percentile(up, 50).toFixed(3);
      figures.ack_p50_ms_broker_down = +percentile(down, 50).toFixed(3);
      figures.server_cpu_ticks_per_750_changes = ticks;
      // The work: a server whose broker is down spends no more CPU per change than one
      // that publishes (robust against a loaded machine, unlike wall-clock tails).
      assert.ok(ticks.down <= ticks.up * 1.1 + 3, `CPU ticks down ${ticks.down} vs up ${ticks.up}`);
      assert.ok(percentile(down, 50) <= percentile(up, 50) * 1.5 + 0.5, 'ack p50');
      // The figure: p99 within 1.5x (1 ms of slack for sub-millisecond timer noise).
      // Tails of 50 ms and more come from other processes when the machine is overloaded
      // (load above its cores); then the figure is recorded but not judged.
      const busy = loadavg()[0] > cpus().length;
      figures.load_average = +loadavg()[0].toFixed(1);
      if (!busy) assert.ok(p99down <= p99up * 1.5 + 1, `ack p99 ${p99down} ms with the broker down vs ${p99up} ms up`);
    } finally {
      await srv.stop();
      await broker.kill();
    }
  });

test('a broker that kept the session (persistence, clean restart): only what changed meanwhile is published again', { skip }, async () => {
  const store = mkdtempSync(join(dir, 'persist-'));
  const conf = ['persistence true', `persistence_location ${store}/`];
  let broker = await startBroker({ conf, name: 'persist' });
  const port = broker.port;
  const srv = await startServer(mqttArgs(broker, 'state-server/keep'));
  try {
    const quiet = await createGame(srv);
    const busy = await createGame(srv);
    await waitFor(() => retained(port, `state-server/keep/games/${busy}`) !== '', 3000, 'the games');
    await broker.kill('SIGTERM'); // a clean stop writes the persistence file
    await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 0, 3000, 'the server to notice');
    const v = await act(srv, busy, 'score_update', { player_number: 1, primary_delta: 3 });
    const published0 = (await metrics(srv)).get('state_mqtt_published_total');
    broker = await startBroker({ port, conf, name: 'persist' });
    const watch = subscribe(port, 'state-server/keep/games/+');
    await watch.ready;
    await waitFor(async () => (await metrics(srv)).get('state_mqtt_connected') === 1, 40000, 'the reconnect');
    await waitFor(() => watch.msgs.some((m) => m.topic.endsWith(busy) && JSON.parse(m.payload).version === v),
      3000, 'the changed game');
    await sleep(500);
    // Sent on the new connection: the status, the changed game's state and its one change message.
    assert.equal((await metrics(srv)).get('state_mqtt_published_total') - published0, 3);
    assert.match(srv.stdout + srv.stderr, /connected to the broker \(kept session\)/);
    assert.equal(watch.msgs.filter((m) => !m.retained && m.topic.endsWith(quiet)).length, 0, 'the unchanged game was not sent again');
    watch.stop();
  } finally {
    await srv.stop();
    await broker.kill();
  }
});

test('a server restarted while its broker was away publishes every game at start, session kept or not', { skip }, async () => {
  const store = mkdtempSync(join(dir, 'persist2-'));
  const conf = ['persistence true', `persistence_location ${store}/`];
  let broker = await startBroker({ conf, name: 'persist2' });
  const port = broker.port;
  const sdir = mkdtempSync(join(dir, 'srv-'));
  let srv = await startServer(mqttArgs(broker, 'state-server/restart'), { dir: sdir });
  try {
    const id = await createGame(srv);
    await waitFor(() => retained(port, `state-server/restart/games/${id}`) !== '', 3000, 'the game');
    await broker.kill('SIGTERM');
    const v = await act(srv, id, 'score_update', { player_number: 2, primary_delta: 5 });
    await srv.stop('SIGTERM', { keep: true });
    broker = await startBroker({ port, conf, name: 'persist2' });
    srv = await startServer(mqttArgs(broker, 'state-server/restart'), { dir: sdir });
    await waitFor(() => { const r = retained(port, `state-server/restart/games/${id}`); return r && JSON.parse(r).version === v; },
      5000, 'the state changed while the broker was away');
  } finally {
    await srv.stop();
    await broker.kill();
  }
});

test('events: P/events/<id> holds the public event state after each change (no join codes), at start-up too, and is cleared on delete; event games carry their event block',
  { skip }, async () => {
    const broker = await startBroker({ name: 'events' });
    const sdir = mkdtempSync(join(dir, 'srv-'));
    let srv = await startServer(mqttArgs(broker, 'state-server/ev'), { dir: sdir });
    try {
      const ev = await http(srv, 'POST', '/api/events', { token: HOST_TOKEN, body: { name: 'Club Night', rounds: 2 } });
      assert.equal(ev.status, 201, ev.text);
      const id = ev.json.event_id;
      const topic = `state-server/ev/events/${id}`;
      const add = await http(srv, 'POST', `/api/events/${id}/entrants`, { token: HOST_TOKEN,
        body: { entrants: [{ name: 'Ana' }, { name: 'Ben' }, { name: 'Cy' }, { name: 'Di' }] } });
      assert.equal(add.status, 201, add.text);
      const codes = JSON.stringify(add.json).match(/"code":"([A-Z0-9]+)"/g) || [];
      assert.ok(codes.length >= 4, `the host sees the entrants' codes: ${add.text.slice(0, 200)}`);
      await waitFor(() => { const r = retained(broker.port, topic); return r && JSON.parse(r).entrants?.length === 4; },
        3000, 'the event with its 4 entrants');
      const pub = retained(broker.port, topic);
      for (const c of codes) assert.ok(!pub.includes(c.slice(8, -1)), 'no join code in the public event state');
      assert.equal(JSON.parse(pub).name, 'Club Night');
      const r = await http(srv, 'POST', `/api/events/${id}/rounds`, { token: HOST_TOKEN, body: {} });
      assert.ok(r.status === 200 || r.status === 201, r.text);
      await waitFor(() => { const x = retained(broker.port, topic); return x && JSON.parse(x).round === 1; }, 3000, 'round 1');
      const table = JSON.parse(retained(broker.port, topic)).tables[0];
      await waitFor(() => { const g = retained(broker.port, `state-server/ev/games/${table.game_id}`); return g && JSON.parse(g).event?.event_id === id; },
        3000, 'the event block in the game of table 1');
      // At start-up every event is handed to the publisher again (the broker lost its retained state).
      await srv.stop('SIGTERM', { keep: true });
      spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-t', topic, '-r', '-n']);
      assert.equal(retained(broker.port, topic), '');
      srv = await startServer(mqttArgs(broker, 'state-server/ev'), { dir: sdir });
      await waitFor(() => retained(broker.port, topic) !== '', 3000, 'the event published at start-up');
      assert.equal((await http(srv, 'DELETE', `/api/events/${id}`, { token: HOST_TOKEN })).status, 204);
      await waitFor(() => retained(broker.port, topic) === '', 3000, 'the retained event cleared');
    } finally {
      await srv.stop();
      await broker.kill();
    }
  });

test('two servers on one broker: each one\'s hall shows the other\'s games within a second; a delete leaves the other\'s hall',
  { skip }, async () => {
    const broker = await startBroker();
    const a = await startServer(mqttArgs(broker, 'state-server/boxa'));
    const b = await startServer(mqttArgs(broker, 'state-server/boxb'));
    try {
      const hall = async (srv) => (await http(srv, 'GET', '/api/hall', { token: HOST_TOKEN })).json;
      const ga = await createGame(a, ['Ana', 'Ben']);
      const gb = await createGame(b, ['Cy', 'Di']);
      const t0 = Date.now();
      await waitFor(async () => (await hall(a)).games.some((g) => g.game_id === gb && g.box === 'boxb'), 1000, 'b in a\'s hall');
      await waitFor(async () => (await hall(b)).games.some((g) => g.game_id === ga && g.box === 'boxa'), 1000, 'a in b\'s hall');
      figures.hall_ms = Date.now() - t0;
      const ha = await hall(a);
      assert.equal(ha.box, 'boxa');
      assert.ok(ha.games.some((g) => g.game_id === ga && g.box === 'boxa'), 'own games are in the hall');
      assert.equal(ha.games.filter((g) => g.game_id === ga).length, 1, 'own games only once');
      const remote = ha.games.find((g) => g.game_id === gb);
      assert.equal(remote.players[0].name, 'Cy');
      assert.ok('table' in remote && 'event_id' in remote);
      // A change on b shows in a's hall within a second.
      await act(b, gb, 'score_update', { player_number: 2, primary: 7 });
      await waitFor(async () => (await hall(a)).games.find((g) => g.game_id === gb)?.players[1].primary === 7, 1000, 'the change');
      assert.equal((await http(a, 'GET', '/api/hall')).status, 200, 'loopback is host');
      await http(b, 'DELETE', `/api/games/${gb}`, { token: HOST_TOKEN });
      await waitFor(async () => !(await hall(a)).games.some((g) => g.game_id === gb), 1000, 'the delete');
      assert.equal((await metrics(a)).get('state_mqtt_remote_games'), 0);
      // A box that vanishes (its will): its games stay, marked as from a box that is offline.
      const gc = await createGame(b, ['Ed', 'Flo']);
      await waitFor(async () => (await hall(a)).games.find((g) => g.game_id === gc)?.box_online === true, 1000, 'box_online');
      assert.ok(!('box_online' in (await hall(a)).games.find((g) => g.game_id === ga)), 'own games carry no box_online');
      await b.stop('SIGKILL');
      await waitFor(async () => (await hall(a)).games.find((g) => g.game_id === gc)?.box_online === false, 2000, 'the will in the hall');
    } finally {
      await a.stop();
      await b.stop();
      await broker.kill();
    }
  });

test('mqtts:// with a test CA; a wrong CA or a wrong password is one clear log line and the server serves on; no credentials in logs or /metrics',
  { skip }, async () => {
    const ssl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.pem']);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'srv.key', '-out', 'srv.csr']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'srv.pem']);
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other-ca', '-keyout', 'other.key', '-out', 'other.pem']);
    const PASSWORD = 'pw-Zq8-secret';
    const pwfile = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', pwfile, 'box', PASSWORD], { stdio: 'ignore' });
    const broker = await startBroker({
      name: 'tls',
      conf: [`cafile ${join(dir, 'ca.pem')}`, `certfile ${join(dir, 'srv.pem')}`, `keyfile ${join(dir, 'srv.key')}`,
        'allow_anonymous false', `password_file ${pwfile}`],
    });
    const url = (pw) => `mqtts://box:${pw}@127.0.0.1:${broker.port}`;
    const servers = [];
    try {
      // Right CA and password, the URL from the environment.
      const good = await startServer(['--host-token', HOST_TOKEN, '--mqtt-prefix', 'state-server/tls', '--mqtt-ca', join(dir, 'ca.pem')],
        { env: { STATE_SERVER_MQTT: url(PASSWORD) } });
      servers.push(good);
      await waitFor(async () => (await metrics(good)).get('state_mqtt_connected') === 1, 5000, 'the TLS connection');
      const id = await createGame(good);
      const tlsSub = ['--cafile', join(dir, 'ca.pem'), '-u', 'box', '-P', PASSWORD];
      await waitFor(() => retained(broker.port, `state-server/tls/games/${id}`, { tls: tlsSub }) !== '', 3000, 'the game over TLS');

      // Wrong CA, wrong password (given on the command line).
      const badCa = await startServer(['--host-token', HOST_TOKEN, '--mqtt', url(PASSWORD), '--mqtt-prefix', 'state-server/badca',
        '--mqtt-ca', join(dir, 'other.pem')]);
      const badPw = await startServer(['--host-token', HOST_TOKEN, '--mqtt', url('wrong-' + PASSWORD), '--mqtt-prefix', 'state-server/badpw',
        '--mqtt-ca', join(dir, 'ca.pem')]);
      servers.push(badCa, badPw);
      // Several attempts (backoff from 0.5 s) ...
      await waitFor(async () => (await metrics(badCa)).get('state_mqtt_connect_failures_total') >= 3, 8000, 'retries (CA)');
      await waitFor(async () => (await metrics(badPw)).get('state_mqtt_connect_failures_total') >= 3, 8000, 'retries (password)');
      // ... one line each, that says what is wrong.
      const lines = (s) => s.stdout.concat(s.stderr).split('\n').filter((l) => /mqtt: (cannot|the broker|lost)/.test(l));
      assert.equal(lines(badCa).length, 1, lines(badCa).join('\n'));
      assert.match(lines(badCa)[0], /certificate verify failed|certificate/i);
      assert.equal(lines(badPw).length, 1, lines(badPw).join('\n'));
      assert.match(lines(badPw)[0], /not authori[sz]ed/i);
      // Serving on.
      for (const s of [badCa, badPw]) {
        assert.equal((await http(s, 'GET', '/healthz')).status, 200);
        assert.equal((await http(s, 'POST', '/api/games', { token: HOST_TOKEN, body: { player1_name: 'A', player2_name: 'B' } })).status, 201);
      }
      // The password appears nowhere.
      for (const s of servers) {
        const m = await metrics(s);
        assert.ok(!m.text.includes('pw-Zq8'), 'password in /metrics');
        assert.ok(!(s.stdout + s.stderr).includes('pw-Zq8'), 'password in the log');
      }
    } finally {
      for (const s of servers) await s.stop();
      await broker.kill();
    }
  });

test('a broker that takes the connection and never answers: the attempt is given up after 10 s, one log line, served on', { skip }, async () => {
  const held = [];
  const mute = net.createServer((s) => { s.on('close', () => { s.wasClosed = true; }); s.on('error', () => {}); s.resume(); held.push(s); });
  await new Promise((r) => mute.listen(0, '127.0.0.1', r));
  const srv = await startServer(['--host-token', HOST_TOKEN, '--mqtt', `mqtt://127.0.0.1:${mute.address().port}`, '--mqtt-prefix', 'state-server/mute']);
  try {
    await waitFor(() => held.length >= 1, 3000, 'the connection');
    assert.equal((await http(srv, 'POST', '/api/games', { token: HOST_TOKEN, body: {} })).status, 201);
    await waitFor(() => held.length >= 2, 15000, 'a second attempt');
    await waitFor(() => held[0].wasClosed, 2000, 'the first connection to be closed');
    const lines = (srv.stdout + srv.stderr).split('\n').filter((l) => /mqtt: .*did not answer/.test(l));
    assert.equal(lines.length, 1, lines.join('\n'));
  } finally {
    await srv.stop();
    for (const s of held) s.destroy();
    mute.close();
  }
});

test('a bad --mqtt URL exits 2 with one clear line that does not repeat the password', () => {
  for (const [args, re] of [
    [['--mqtt', 'http://u:sekrit-pw@127.0.0.1'], /mqtt:\/\/ or mqtts:\/\//],
    [['--mqtt', 'mqtt://u:sekrit-pw@127.0.0.1:99999'], /port/],
    [['--mqtt', 'mqtt://'], /no host/],
    [['--mqtt', 'mqtt://127.0.0.1/path'], /no path/],
    [['--mqtt', 'mqtt://127.0.0.1', '--mqtt-prefix', 'a/#'], /--mqtt-prefix/],
    [['--mqtt', 'mqtt://127.0.0.1', '--mqtt-hall', 'a/#'], /--mqtt-hall/],
    [['--mqtt', 'mqtt://127.0.0.1', '--mqtt-ca', '/x.pem'], /only for an mqtts/],
    [['--mqtt-prefix', 'x'], /need --mqtt/],
  ]) {
    const r = run([...args, '--db', join(dir, 'never.db')], { timeout: 5000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!r.stderr.includes('sekrit'), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
