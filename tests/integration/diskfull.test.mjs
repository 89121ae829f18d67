// A full disk, for real: the database lives on a 2 MiB tmpfs that the test mounts
// (root only; skipped with a reason otherwise). A filler file takes the rest of the
// space; while it is there, changes are refused (WebSocket `error internal`, REST
// 500) and the server keeps serving reads; once it is deleted, changes are accepted
// again; after a restart every acknowledged change is there, no refused one is, and
// the file passes PRAGMA integrity_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, http } from './lib.mjs';
import { startNormal } from './faultlib.mjs';

const GAME = 'full';

/** Mounts a small tmpfs; returns its path or a reason it cannot. */
function mountSmall() {
  if (process.getuid && process.getuid() !== 0) return { reason: 'needs root to mount a tmpfs' };
  const dir = mkdtempSync(join(tmpdir(), 'state-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs: ${(r.stderr || r.error || '').toString().trim()}` };
  }
  return { dir };
}

function unmount(dir) {
  spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Writes a file until the file system is full. */
function fill(path) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const probe = mountSmall();
if (probe.dir) unmount(probe.dir);
const skip = process.env.STATE_SERVER_WRAP ? 'a host test (test-cross)' : probe.reason || false;

/** Starts the server on a fresh small file system and a game with one change. */
async function setup() {
  const { dir } = mountSmall();
  const db = join(dir, 'state.db');
  const srv = await startNormal(db);
  assert.ok(!srv.failed, `the server starts on the tmpfs: ${srv.stderr}`);
  const h = await open(srv.ws + '/ws');
  const mk = await h.request('game_state', { game_id: GAME, settings: { clock_ms: 3600000 } }, { game_id: GAME });
  assert.equal(mk.type, 'ack');
  return { dir, db, srv, h };
}

test('disk full: changes are refused with internal, the server keeps serving, writes resume, nothing acknowledged is lost', { skip, timeout: 60000 }, async () => {
  const { dir, db, srv, h } = await setup();
  const acked = new Map([[1, null]]);
  const refused = [];
  try {
    const s1 = await h.request('score_update', { player_number: 1, secondary: 11 }, { game_id: GAME });
    assert.equal(s1.type, 'ack');
    acked.set(s1.data.version, 11);

    fill(join(dir, 'filler'));
    const ws = await h.request('score_update', { player_number: 1, secondary: 22 }, { game_id: GAME });
    assert.equal(ws.type, 'error', JSON.stringify(ws));
    assert.equal(ws.data.code, 'internal');
    refused.push(22);
    // A failed commit can leave the WAL longer than before, so a smaller write may
    // still fit: whatever the answer, it must be the truth (checked after restart).
    const rest = await http(srv, 'POST', `/api/games/${GAME}/actions`, { body: { type: 'score_update', data: { player_number: 2, secondary: 33 }, id: 'r1' } });
    assert.ok(rest.status === 500 || rest.status === 200, rest.text);
    if (rest.status === 500) {
      assert.equal(rest.json.error.code, 'internal');
      refused.push(33);
    } else {
      acked.set(rest.json.version, 33);
    }
    const put = await http(srv, 'PUT', '/api/settings', { body: { 'full.refused': 'x' } });
    assert.ok(put.status === 500 || put.status === 200, put.text);
    const settingRefused = put.status === 500;
    // Reads still work, and show the state as it is on disk.
    const st = await http(srv, 'GET', `/api/games/${GAME}`);
    assert.equal(st.status, 200);
    assert.equal(st.json.players[0].secondary, 11);
    assert.equal(st.json.players[1].secondary, rest.status === 200 ? 33 : 0);

    rmSync(join(dir, 'filler'));
    const again = await h.request('score_update', { player_number: 2, secondary: 44 }, { game_id: GAME });
    assert.equal(again.type, 'ack', JSON.stringify(again));
    acked.set(again.data.version, 44);
    const put2 = await http(srv, 'PUT', '/api/settings', { body: { 'full.saved': 'y' } });
    assert.equal(put2.status, 200, put2.text);
    await h.close();
    await srv.stop();

    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim(), 'ok');
    const srv2 = await startNormal(db);
    assert.ok(!srv2.failed, srv2.stderr);
    try {
      const hist = (await http(srv2, 'GET', `/api/games/${GAME}/history`)).json.entries;
      const byVersion = new Map(hist.map((e) => [e.version, e]));
      for (const [v, val] of acked) {
        assert.ok(byVersion.has(v), `acknowledged version ${v} lost`);
        if (val !== null) assert.equal(byVersion.get(v).data.secondary, val);
      }
      for (const val of refused) assert.ok(!hist.some((e) => e.data && e.data.secondary === val), `refused value ${val} is in the log`);
      const settings = (await http(srv2, 'GET', '/api/settings')).json;
      assert.equal(settings['full.saved'], 'y');
      if (settingRefused) assert.ok(!('full.refused' in settings), 'a refused setting is there');
      else assert.equal(settings['full.refused'], 'x');
    } finally {
      await srv2.stop();
    }
  } finally {
    await srv.stop();
    unmount(dir);
  }
});

// PROTOCOL.md section 7: /healthz is 503 while the database cannot write, with the
// reason, and 200 again after a successful write.
test('disk full: /healthz is 503 with a reason while writes fail, 200 after a write succeeds', { skip, timeout: 60000 }, async () => {
  const { dir, srv, h } = await setup();
  try {
    assert.equal((await http(srv, 'GET', '/healthz')).status, 200);
    fill(join(dir, 'filler'));
    const ws = await h.request('score_update', { player_number: 1, secondary: 5 }, { game_id: GAME });
    assert.equal(ws.data.code, 'internal');
    // A failed commit can leave the WAL file longer than the last commit, and the
    // health probe's one small write may reuse that room and succeed: then 200 is
    // the truth. Small writes use the room up; the probe must then report 503.
    let bad;
    for (let i = 0; i < 40; i++) {
      bad = await http(srv, 'GET', '/healthz');
      if (bad.status !== 200) break;
      await h.request('score_update', { player_number: 1, secondary: 7 + (i % 2) }, { game_id: GAME });
    }
    assert.equal(bad.status, 503, bad.text);
    assert.equal(bad.json.status, 'error');
    assert.equal(typeof bad.json.reason, 'string');
    assert.ok(bad.json.reason.length > 0);
    rmSync(join(dir, 'filler'));
    assert.equal((await h.request('score_update', { player_number: 1, secondary: 6 }, { game_id: GAME })).type, 'ack');
    assert.equal((await http(srv, 'GET', '/healthz')).status, 200);
    await h.close();
  } finally {
    await srv.stop();
    unmount(dir);
  }
});
