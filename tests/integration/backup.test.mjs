// GET /api/backup (PROTOCOL.md section 12) from the outside: the host gets a
// SQLite file that a second server opens with the first one's games, settings,
// invites and sessions; others are refused; and a backup of a database with a
// long action log, taken while WebSocket clients keep changing games, delays no
// acknowledgement much beyond the normal and holds every change acknowledged
// before it was asked for.
//
// BACKUP_ROWS (default 20000) sets how many log entries the big database gets;
// BACKUP_ROWS=50000 is the figure of docs/store.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, open, http, sleep, HOST_TOKEN } from './lib.mjs';

const ROWS = Number(process.env.BACKUP_ROWS) || 20000;
const GAMES = 100;

async function backup(srv, token = HOST_TOKEN) {
  const res = await fetch(srv.url + '/api/backup', { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function restored(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'state-backup-'));
  writeFileSync(join(dir, 'state.db'), bytes);
  const srv = await startServer(['--host-token', HOST_TOKEN], { dir });
  return { srv, async stop() { await srv.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

test('the host downloads a snapshot that opens as a database of this binary', async () => {
  const a = await startServer(['--host-token', HOST_TOKEN]);
  const b = [];
  try {
    const host = { token: HOST_TOKEN };
    const ids = ['bk-1', 'bk-2', 'bk-3'];
    for (const id of ids) {
      const r = await http(a, 'POST', '/api/games', { ...host, body: { game_id: id, player1_name: 'Ana', player2_name: 'Ben' } });
      assert.equal(r.status, 201, r.text);
    }
    let r = await http(a, 'POST', '/api/games/bk-2/actions', { ...host, body: { type: 'score_update', data: { player_number: 1, primary: 7 } } });
    assert.equal(r.status, 200, r.text);
    r = await http(a, 'PUT', '/api/settings', { ...host, body: { club_name: 'Dice & Dragons' } });
    assert.equal(r.status, 200, r.text);
    const inv = await http(a, 'POST', '/api/games/bk-2/invites', { ...host, body: { role: 'player', player_number: 1 } });
    const j = await http(a, 'POST', '/api/join', { body: { code: inv.json.code } });
    assert.equal(j.status, 200, j.text);
    const player = j.json.token;
    const spare = await http(a, 'POST', '/api/games/bk-3/invites', { ...host, body: { role: 'observer' } });
    assert.equal(spare.status, 201, spare.text);

    // Not the host: no snapshot.
    assert.equal((await backup(a, 'wrong-token')).status, 401);
    assert.equal((await backup(a, player)).status, 403);
    const post = await http(a, 'POST', '/api/backup', host);
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');

    const got = await backup(a);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'application/vnd.sqlite3');
    assert.equal(got.headers.get('cache-control'), 'no-store');
    assert.match(got.headers.get('content-disposition'), /^attachment; filename="state-\d{8}-\d{6}\.db"$/);
    assert.equal(got.bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');

    const copy = await restored(got.bytes);
    b.push(copy);
    const s = copy.srv;
    const games = await http(s, 'GET', '/api/games', host);
    assert.deepEqual(games.json.games.map((g) => g.game_id).sort(), ids);
    const g2 = await http(s, 'GET', '/api/games/bk-2', { token: player });
    assert.equal(g2.status, 200, g2.text);
    assert.equal(g2.json.players[0].primary, 7);
    assert.equal((await http(s, 'GET', '/api/settings', host)).json.club_name, 'Dice & Dragons');
    // The unused invite still joins on the copy.
    const j2 = await http(s, 'POST', '/api/join', { body: { code: spare.json.code } });
    assert.equal(j2.status, 200, j2.text);
    // The player's token may change its own score there.
    r = await http(s, 'POST', '/api/games/bk-2/actions', { token: player, body: { type: 'score_update', data: { player_number: 1, primary_delta: 1 } } });
    assert.equal(r.status, 200, r.text);
  } finally {
    for (const x of b) await x.stop();
    await a.stop();
  }
});

// GETs url into file from a child node process; resolves to the status.
function fetchInChild(url, token, file) {
  const js = `const r = await fetch(${JSON.stringify(url)}, { headers: { authorization: 'Bearer ${token}' } });
    (await import('node:fs')).writeFileSync(${JSON.stringify(file)}, Buffer.from(await r.arrayBuffer()));
    console.log(r.status);`;
  return new Promise((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e', js], { maxBuffer: 1 << 20 },
    (err, out) => (err ? reject(err) : resolve(Number(out.trim())))));
}

// Per game: one real state to copy into the padded log rows, so they weigh what real ones do.
function padLog(db, rows) {
  const sql = `
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1}),
    g AS (SELECT game_id, row_number() OVER (ORDER BY game_id) - 1 AS k, (SELECT count(*) FROM game_state) AS c FROM game_state)
    INSERT INTO actions (game_id, version, at, mono_ms, boot, actor, type, data, before_state)
    SELECT g.game_id, 1000000 + n.i, '2026-01-01T00:00:00Z', n.i, 'pad', 'host', 'score_update',
           '{"player_number":1,"primary_delta":1}',
           (SELECT a.before_state FROM actions a WHERE a.before_state IS NOT NULL LIMIT 1)
    FROM n JOIN g ON g.k = n.i % g.c;`;
  execFileSync('sqlite3', [db, sql]);
}

test(`a backup of ${GAMES} games and ${ROWS} log entries while changes stream`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-backup-big-'));
  let a = await startServer(['--host-token', HOST_TOKEN], { dir });
  let copy;
  const clients = [];
  try {
    const host = { token: HOST_TOKEN };
    for (let i = 0; i < GAMES; i++) {
      const r = await http(a, 'POST', '/api/games', { ...host, body: { game_id: `big-${i}`, player1_name: 'Ana', player2_name: 'Ben' } });
      assert.equal(r.status, 201, r.text);
      await http(a, 'POST', `/api/games/big-${i}/actions`, { ...host, body: { type: 'score_update', data: { player_number: 1, primary: 1 } } });
    }
    await a.stop('SIGTERM', { keep: true });
    padLog(join(dir, 'state.db'), ROWS);
    a = await startServer(['--host-token', HOST_TOKEN], { dir });

    // Four clients (each under the per-connection rate limit) change their own game
    // one change at a time and record when each ack came.
    const acks = []; // { game, version, sent, at }
    let running = true;
    const N = 4;
    for (let k = 0; k < N; k++) clients.push(await open(a.ws + '/ws'));
    const loops = clients.map(async (c, k) => {
      const game = `big-${k}`;
      while (running) {
        const sent = performance.now();
        const m = await c.request('score_update', { player_number: 1, primary_delta: 1 }, { game_id: game });
        assert.equal(m.type, 'ack', JSON.stringify(m));
        const at = performance.now();
        acks.push({ game, version: m.data.version, sent, at });
        await sleep(Math.max(0, 60 - (at - sent)));
      }
    });
    await sleep(1500);
    const asked = performance.now();
    const ackedBefore = acks.filter((x) => x.at < asked);
    // Downloaded by another process: 50 MB arriving here would hold up this
    // process's own loop and be counted as the server's delay.
    const file = join(dir, 'copy.db');
    const fetched = await fetchInChild(a.url + '/api/backup', HOST_TOKEN, file);
    const done = performance.now();
    const got = { status: fetched, bytes: readFileSync(file) };
    await sleep(500);
    running = false;
    await Promise.all(loops);
    assert.equal(got.status, 200);

    const lat = (xs) => Math.max(0, ...xs.map((x) => x.at - x.sent));
    const gap = (xs) => { let g = 0; for (let i = 1; i < xs.length; i++) g = Math.max(g, xs[i].at - xs[i - 1].at); return g; };
    const before = acks.filter((x) => x.at < asked);
    const during = acks.filter((x) => x.at >= asked && x.sent <= done);
    const dbBytes = statSync(join(dir, 'state.db')).size;
    console.log(`# backup of ${GAMES} games, ${ROWS} log entries: ${(got.bytes.length / 1e6).toFixed(1)} MB ` +
      `(file ${(dbBytes / 1e6).toFixed(1)} MB) in ${(done - asked).toFixed(0)} ms; ` +
      `longest ack: ${lat(before).toFixed(1)} ms before, ${lat(during).toFixed(1)} ms during (${during.length} acks); ` +
      `longest gap between acks: ${gap(before).toFixed(1)} ms before, ${gap(during).toFixed(1)} ms during; ` +
      `server: ${((a.stdout + a.stderr).match(/backup: .*/) || ['?'])[0]}`);
    assert.ok(during.length > 0, 'changes kept being acknowledged during the backup');
    // The figures above are the measurement (docs/store.md); what a test can hold on
    // any machine is that the loop went on answering: acks came during the copy, and
    // none waited anywhere near the copy's whole length. A loaded machine adds its own
    // tens of ms, so the bound is generous.
    assert.ok(lat(during) <= lat(before) + 1000, `an ack took ${lat(during)} ms during the backup`);
    assert.ok(gap(during) <= gap(before) + 1000, `acks stalled ${gap(during)} ms during the backup`);

    // Every change acknowledged before the request is in the snapshot.
    copy = await restored(got.bytes);
    for (let k = 0; k < N; k++) {
      const mine = ackedBefore.filter((x) => x.game === `big-${k}`);
      const want = Math.max(0, ...mine.map((x) => x.version));
      const g = await http(copy.srv, 'GET', `/api/games/big-${k}`, host);
      assert.ok(g.json.version >= want, `big-${k}: version ${g.json.version} in the backup, ${want} acknowledged before`);
    }
    const rows = execFileSync('sqlite3', [join(copy.srv.dir, 'state.db'), 'SELECT count(*) FROM actions WHERE boot = \'pad\';'], { encoding: 'utf8' });
    assert.equal(Number(rows), ROWS);
  } finally {
    for (const c of clients) c.close();
    if (copy) await copy.stop();
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
