// The box's touch input (PROTOCOL.md section 14): the real binary reads input_event
// records from a FIFO (--touch FILE, coordinates in screen pixels), as a touchscreen
// delivers them. Taps on the documented targets (board_controls in src/board.h, also
// in docs/screen.md) are the host's changes: the same version steps and state as the
// same changes over REST. "Pair a phone as host" shows a QR code that joins as host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, http, sleep, TIME_SCALE } from './lib.mjs';

const W = 800;
const H = 480;
// The targets at 800x480 (board_controls): rows of rh = max(48, round(0.11 * 480)) = 53
// px; the score row at y = H - 2 rh in 12 cells, the host row at y = H - rh in 4 cells.
const RH = Math.max(48, Math.round(0.11 * Math.min(W, H)));
const cell = (i, n, row) => ({ x: Math.floor(((2 * i + 1) * W) / (2 * n)), y: H - (row === 0 ? 2 : 1) * RH + Math.floor(RH / 2) });
const P1_PRIMARY_UP = cell(1, 12, 0);
const END_TURN = cell(1, 4, 1);
const PAIR = cell(3, 4, 1);

/** input_event records as the kernel hands them to the binary under test: 8-byte
 *  seconds and microseconds on 64-bit targets (24 bytes a record), 4-byte ones on
 *  32-bit ARM (16 bytes; the kernel's layout there even with a 64-bit time_t). The
 *  binary's architecture is read off its build path (make test-cross). */
const BIN_PATH = process.env.STATE_SERVER_BIN || '';
const NARROW = /\/(armhf|armel)\//.test(BIN_PATH);
function records(list) {
  const size = NARROW ? 16 : 24, t = NARROW ? 8 : 16;
  const b = Buffer.alloc(size * list.length);
  list.forEach(([ms, type, code, value], i) => {
    const o = size * i;
    if (NARROW) {
      b.writeUInt32LE(Math.floor(ms / 1000), o);
      b.writeUInt32LE((ms % 1000) * 1000, o + 4);
    } else {
      b.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), o);
      b.writeBigInt64LE(BigInt((ms % 1000) * 1000), o + 8);
    }
    b.writeUInt16LE(type, o + t);
    b.writeUInt16LE(code, o + t + 2);
    b.writeInt32LE(value, o + t + 4);
  });
  return b;
}
const EV_SYN = 0, EV_ABS = 3, SLOT = 0x2f, TRACKING_ID = 0x39, MT_X = 0x35, MT_Y = 0x36;
let clock = 5000;
let tracking = 1;
/** A finger down at (x, y) and up 80 ms later. */
function tap({ x, y }) {
  const t = (clock += 1000);
  return records([
    [t, EV_ABS, SLOT, 0], [t, EV_ABS, TRACKING_ID, tracking++], [t, EV_ABS, MT_X, x], [t, EV_ABS, MT_Y, y], [t, EV_SYN, 0, 0],
    [t + 80, EV_ABS, TRACKING_ID, -1], [t + 80, EV_SYN, 0, 0],
  ]);
}

async function until(what, fn) {
  const deadline = Date.now() + 3000 * TIME_SCALE;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const scoreOf = (g) => ({
  version: g.version, status: g.status, round: g.round, current_turn: g.current_turn,
  players: g.players.map((p) => ({ primary: p.primary, secondary: p.secondary, cp: p.cp })),
});

test('--touch FIFO: taps on +1 primary, End turn and Pair act as the host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-touch-'));
  const file = join(dir, 'screen.png');
  const fifo = join(dir, 'touch');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const srv = await startServer(['--screen', `png:${file}`, '--screen-size', `${W}x${H}`, '--touch', fifo, ...(process.env.TOUCH_DEBUG ? ['--log-level', 'debug'] : [])], { dir });
  const fd = openSync(fifo, 'w'); // the server holds it open for reading and writing
  try {
    const get = async (id) => (await http(srv, 'GET', `/api/games/${id}`)).json;
    const act = (id, body) => http(srv, 'POST', `/api/games/${id}/actions`, { body });
    // The game the screen shows, and the same game changed over REST to compare with.
    const g = (await http(srv, 'POST', '/api/games', { body: { player1_name: 'Alice', player2_name: 'Bruno' } })).json;
    assert.equal((await act(g.game_id, { type: 'game_start' })).status, 200);
    const v0 = (await get(g.game_id)).version;
    // A tap hits what the screen shows: wait for a frame drawn after the start (REST
    // changes reach the screen by the once-a-second redraw at the latest).
    await until('the screen', () => existsSync(file));
    const drawn = statSync(file).mtimeMs;
    await until('a frame of the started game', () => statSync(file).mtimeMs > drawn);

    writeSync(fd, tap(P1_PRIMARY_UP));
    const a1 = await until('+1 primary', async () => { const s = await get(g.game_id); return s.version > v0 && s; });
    assert.equal(a1.version, v0 + 1);
    assert.equal(a1.players[0].primary, 1);
    assert.equal(a1.players[1].primary, 0);
    writeSync(fd, tap(END_TURN));
    const a2 = await until('end turn', async () => { const s = await get(g.game_id); return s.version > v0 + 1 && s; });
    assert.equal(a2.version, v0 + 2);
    assert.equal(a2.current_turn, 2);

    // The same two changes by the host over REST, on a fresh game (pinning nothing: the
    // screen now shows the hall, whose only target is pairing, so the taps are done first).
    const r = (await http(srv, 'POST', '/api/games', { body: { player1_name: 'Alice', player2_name: 'Bruno' } })).json;
    assert.equal((await act(r.game_id, { type: 'game_start' })).status, 200);
    assert.equal((await act(r.game_id, { type: 'score_update', data: { player_number: 1, primary_delta: 1 } })).status, 200);
    assert.equal((await act(r.game_id, { type: 'turn_change' })).status, 200);
    assert.deepEqual(scoreOf(await get(g.game_id)), scoreOf(await get(r.game_id)));
    assert.equal((await http(srv, 'DELETE', `/api/games/${r.game_id}`)).status, 204);

    // A tap outside every target changes nothing.
    writeSync(fd, tap({ x: 400, y: 100 }));
    await sleep(300 * TIME_SCALE);
    assert.equal((await get(g.game_id)).version, v0 + 2);

    // Pair a phone as host: a QR code of a one-time host code.
    writeSync(fd, tap(PAIR));
    const url = await until('the pairing QR code', () => {
      const out = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      return out.find((t) => t.startsWith(srv.url + '/j/'));
    });
    const code = url.slice(url.lastIndexOf('/') + 1);
    const j = await http(srv, 'POST', '/api/join', { body: { code } });
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.role, 'host');
    const again = await http(srv, 'POST', '/api/join', { body: { code } });
    assert.notEqual(again.status, 200, 'the code works once');
  } finally {
    closeSync(fd);
    if (process.env.TOUCH_DEBUG) console.log(srv.stderr);
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
