// The start-up banner: the facts of PROTOCOL.md section 9, and a terminal QR code
// that a phone can scan (decoded here with zbarimg from the printed text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, sleep } from './lib.mjs';

// Half blocks to a PBM: each glyph is one module wide and two high; drawn ink is
// a light module (the terminal's foreground on a dark background), blank is dark.
function terminalToPbm(lines, scale = 4, margin = 6) {
  const rows = [];
  for (const line of lines) {
    const chars = [...line];
    rows.push(chars.map((c) => (c === '█' || c === '▀' ? 0 : 1)));
    rows.push(chars.map((c) => (c === '█' || c === '▄' ? 0 : 1)));
  }
  const w = Math.max(...rows.map((r) => r.length)) + 2 * margin;
  const h = rows.length + 2 * margin;
  const out = [`P1`, `${w * scale} ${h * scale}`];
  for (let y = 0; y < h; y++) {
    const src = rows[y - margin];
    const px = [];
    for (let x = 0; x < w; x++) {
      const v = src && x >= margin && x - margin < src.length ? src[x - margin] : 1;
      for (let k = 0; k < scale; k++) px.push(v);
    }
    for (let k = 0; k < scale; k++) out.push(px.join(' '));
  }
  return out.join('\n') + '\n';
}

test('the banner prints version, URL, token facts and a scannable QR code of the display URL', async () => {
  const srv = await startServer(['--public-url', 'http://192.0.2.7:8765/']);
  try {
    await sleep(200);
    const out = srv.stdout;
    assert.match(out, /^state-server \S+ \(protocol 1\)$/m);
    assert.match(out, /^phones open http:\/\/192\.0\.2\.7:8765\/$/m);
    assert.match(out, /^host token: [0-9a-f]{32} \(new; shown once/m);
    const qr = out.split('\n').filter((l) => /[█▀▄]/.test(l));
    assert.ok(qr.length > 10, 'a QR code is drawn');
    const pbm = join(srv.dir, 'banner.pbm');
    writeFileSync(pbm, terminalToPbm(qr));
    const text = execFileSync('zbarimg', ['--raw', '-q', pbm], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    assert.equal(text, 'http://192.0.2.7:8765/display');
  } finally {
    await srv.stop();
  }
});

test('on a later start the token is not printed again', async () => {
  const first = await startServer();
  await sleep(200);
  const token = first.stdout.match(/host token: ([0-9a-f]{32})/)[1];
  await first.stop('SIGTERM', { keep: true });
  const again = await startServer([], { dir: first.dir });
  try {
    await sleep(200);
    assert.ok(!again.stdout.includes(token));
    assert.match(again.stdout, /host token: stored \(hashed\)/);
  } finally {
    await again.stop();
    rmSync(first.dir, { recursive: true, force: true });
  }
});
