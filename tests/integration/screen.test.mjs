// The box's own screen as a server output (PROTOCOL.md section 14): --screen png:FILE
// writes the scoreboard the real binary draws; a QR reader and OCR read it back.
// --screen fb: and drm: with a device that is not there log one line and serve anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, http, run, sleep, TIME_SCALE } from './lib.mjs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Width and height from a PNG's IHDR, after checking the signature and the IEND trailer. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  assert.equal(bytes.toString('latin1', bytes.length - 8, bytes.length - 4), 'IEND');
  return { w: bytes.readUInt32BE(16), h: bytes.readUInt32BE(20) };
}

/** The texts of every QR code zbarimg finds in file (empty when none). */
function qrTexts(file) {
  const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

test('--screen png:FILE draws the game, its invite QR code and running clocks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-screen-'));
  const file = join(dir, 'screen.png');
  const srv = await startServer(['--screen', `png:${file}`, '--screen-size', '1280x720'], { dir });
  try {
    const g = (await http(srv, 'POST', '/api/games', { body: { player1_name: 'Alice', player2_name: 'Bruno' } })).json;
    const inv = await http(srv, 'POST', `/api/games/${g.game_id}/invites`, { body: { role: 'player', player_number: 1 } });
    assert.equal(inv.status, 201);
    const act = (body) => http(srv, 'POST', `/api/games/${g.game_id}/actions`, { body });
    assert.equal((await act({ type: 'score_update', data: { player_number: 1, primary: 7 } })).status, 200);

    // Within 2 s the frame shows the game: a valid PNG of the size asked for, with
    // the invite's join URL as a QR code.
    const deadline = Date.now() + 2000 * TIME_SCALE;
    let texts = [];
    while (Date.now() < deadline) {
      if (existsSync(file)) {
        texts = qrTexts(file);
        if (texts.includes(inv.json.url)) break;
      }
      await sleep(100);
    }
    assert.ok(texts.includes(inv.json.url), `QR codes ${JSON.stringify(texts)} lack ${inv.json.url}`);
    assert.ok(texts.every((t) => t.startsWith(srv.url + '/') || t.startsWith('WIFI:')));
    assert.deepEqual(pngSize(readFileSync(file)), { w: 1280, h: 720 });

    if (has('tesseract')) {
      const text = execFileSync('tesseract', [file, 'stdout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      assert.match(text, /Alice/);
      assert.match(text, /Bruno/);
    }

    // Nothing runs: a second later the frame is the same file, not rewritten.
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    await sleep(1300 * TIME_SCALE);
    assert.equal(statSync(file).mtimeMs, mtime, 'an unchanged frame is not written again');
    assert.ok(readFileSync(file).equals(before));

    // A running clock changes the frame every second.
    assert.equal((await act({ type: 'game_start' })).status, 200);
    await sleep(1200 * TIME_SCALE);
    const a = readFileSync(file);
    await sleep(1200 * TIME_SCALE);
    const b = readFileSync(file);
    assert.deepEqual(pngSize(b), { w: 1280, h: 720 });
    assert.ok(!a.equals(b), 'the clock counts on the screen');

    // A judge call shows on the screen: who called and why (read back by OCR).
    assert.equal((await act({ type: 'judge_call', data: { reason: 'Line of sight' } })).status, 200);
    if (has('tesseract')) {
      let text = '';
      const until = Date.now() + 3000 * TIME_SCALE;
      while (Date.now() < until) {
        await sleep(300);
        text = execFileSync('tesseract', [file, 'stdout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        if (/Judge called by Host/.test(text)) break;
      }
      assert.match(text, /Judge called by Host/);
      assert.match(text, /Line of sight/);
    }
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--screen fb: with no such device: one clear line, and the server serves', async () => {
  const srv = await startServer(['--screen', 'fb:/nonexistent']);
  try {
    assert.equal((await http(srv, 'GET', '/healthz')).status, 200);
    const lines = srv.stderr.split('\n').filter((l) => /screen/.test(l));
    assert.equal(lines.length, 1, srv.stderr);
    assert.match(lines[0], /screen fb: cannot open \/nonexistent: No such file or directory; going on without a screen/);
  } finally {
    await srv.stop();
  }
});

// A DRM card that is missing, or a device that is not one: one line, and the server serves.
// (A real card is drawn on by make test-image, under qemu with virtio-gpu.)
test('--screen drm: with no such card or not a card: one clear line, and the server serves', async () => {
  for (const [spec, want] of [
    ['drm:/nonexistent', /screen drm: cannot open \/nonexistent: No such file or directory; going on without a screen/],
    ['drm:/dev/null', /screen drm: \/dev\/null is not a modesetting card: .*; going on without a screen/],
  ]) {
    const srv = await startServer(['--screen', spec]);
    try {
      assert.equal((await http(srv, 'GET', '/healthz')).status, 200);
      const lines = srv.stderr.split('\n').filter((l) => /screen/.test(l));
      assert.equal(lines.length, 1, srv.stderr);
      assert.match(lines[0], want);
    } finally {
      await srv.stop();
    }
  }
});

test('a bad --screen or --screen-size exits 2 with one line', () => {
  for (const args of [['--screen', 'hdmi'], ['--screen', 'png'], ['--screen-size', '10x10'], ['--screen', 'drm:']]) {
    const r = run(args, { timeout: 5000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /screen/);
  }
});

test('--screen png:FILE: the hall of a running event shows its name, the tables and the round timer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-screen-'));
  const file = join(dir, 'screen.png');
  const srv = await startServer(['--screen', `png:${file}`, '--screen-size', '1280x720'], { dir });
  try {
    const ev = await http(srv, 'POST', '/api/events', { body: { name: 'Spring Open', rounds: 3, round_time_ms: 45 * 60000 } });
    assert.equal(ev.status, 201, ev.text);
    const id = ev.json.event_id;
    const names = ['Anna', 'Boris', 'Carla', 'Dmitri'].map((name) => ({ name }));
    assert.equal((await http(srv, 'POST', `/api/events/${id}/entrants`, { body: { entrants: names } })).status, 201);
    const r = await http(srv, 'POST', `/api/events/${id}/rounds`, { body: {} });
    assert.ok(r.status === 200 || r.status === 201, r.text);
    assert.equal((await http(srv, 'POST', `/api/events/${id}/timer`, { body: { action: 'start' } })).status, 200);
    if (!has('tesseract')) return;
    let text = '';
    const until = Date.now() + 4000 * TIME_SCALE;
    while (Date.now() < until) {
      await sleep(300);
      if (!existsSync(file)) continue;
      text = execFileSync('tesseract', [file, 'stdout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (/Spring Open/.test(text) && /Table ?2/.test(text) && /44:5\d/.test(text)) break;
    }
    assert.match(text, /Spring Open/);
    assert.match(text, /Table ?1/);
    assert.match(text, /Table ?2/);
    for (const n of names) assert.match(text, new RegExp(n.name));
    assert.match(text, /44:5\d/, 'the round timer counts down from 45:00');
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
