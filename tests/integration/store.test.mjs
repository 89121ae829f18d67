// The store: migrations from every earlier schema version, and refusal (exit 1,
// file untouched) of databases this binary must not modify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, http, repoRoot, run } from './lib.mjs';

const schemaDir = join(repoRoot, 'schema');
const migrations = readdirSync(schemaDir).filter((f) => f.endsWith('.sql')).sort();
const sqlite = (db, sql) => execFileSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function runBin(db) {
  return run(['--port', '0', '--bind', '127.0.0.1', '--db', db], { timeout: 10000 });
}

// A database as an older binary left it: migrations 1..v applied, with a game in it.
function oldDatabase(v) {
  const dir = mkdtempSync(join(tmpdir(), `state-schema${v}-`));
  const db = join(dir, 'state.db');
  let sql = '';
  for (const m of migrations.slice(0, v)) sql += readFileSync(join(schemaDir, m), 'utf8') + '\n';
  sql += `PRAGMA user_version = ${v};\n`;
  sql += `INSERT INTO game_state (game_id, version, status, round, current_turn, created_at, updated_at)
          VALUES ('old-game', 7, 'active', 2, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:10:00.000Z');
          ${v >= 2 ? "UPDATE game_state SET first_player = 1, game_time_running = 1 WHERE game_id = 'old-game';" : ''}
          INSERT INTO scores (game_id, player_number, name, primary_vp, secondary_vp, cp) VALUES
            ('old-game', 1, 'Ana', 10, 4, 3), ('old-game', 2, 'Ben', 5, 4, 1);
          ${v >= 4 ? "UPDATE scores SET rounds = '[[' || primary_vp || ',' || secondary_vp || ']]' WHERE game_id = 'old-game';" : ''}
          INSERT INTO timers (game_id, player_number, remaining_ms, used_ms, running) VALUES
            ('old-game', 1, 4711000, 689000, 1), ('old-game', 2, 5380000, 20000, 0);
          INSERT INTO settings (key, value) VALUES ('venue', 'Club');\n`;
  sqlite(db, sql);
  return { dir, db };
}

for (let v = 1; v < migrations.length; v++) {
  test(`a database at schema version ${v} is upgraded and keeps its game`, async () => {
    const { dir, db } = oldDatabase(v);
    const srv = await startServer([], { dir });
    try {
      const health = (await http(srv, 'GET', '/healthz')).json;
      assert.equal(health.schema, migrations.length);
      const g = (await http(srv, 'GET', '/api/games/old-game')).json;
      assert.equal(g.players[0].name, 'Ana');
      assert.equal(g.players[0].primary, 10);
      assert.equal(g.players[0].score, 14);
      assert.equal(g.players[1].cp, 1);
      assert.equal(g.players[0].time_remaining, 4711000);
      assert.equal(g.round, 2);
      // Totals from before per-round scores sit in round 1's cell (migration 4).
      assert.deepEqual(g.players[0].rounds[0], { round: 1, primary: 10, secondary: 4 });
      assert.deepEqual(g.players[1].rounds.slice(1).map((r) => r.primary + r.secondary), [0, 0, 0, 0]);
      assert.equal(g.judge, null);
      assert.equal(g.result, null);
      // It was active when the old binary stopped: it comes back paused, clock stopped.
      assert.equal(g.status, 'paused');
      assert.equal(g.players[0].is_running, false);
      assert.equal(g.version, 8, 'the recovery is a change of its own');
      assert.equal((await http(srv, 'GET', '/api/settings')).json.venue, 'Club');
      // Migration 5: the event tables are there and empty, and an event can be made.
      assert.deepEqual((await http(srv, 'GET', '/api/events')).json.events, []);
      assert.equal((await http(srv, 'POST', '/api/events', { body: { name: 'After upgrade', rounds: 1 } })).status, 201);
      await srv.stop();
      assert.equal(sqlite(db, 'PRAGMA user_version;').trim(), String(migrations.length));
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// From 2 on: schema 1 had no winner column, and migration 2 gives an ended game none.
for (let v = 2; v < 4 && v < migrations.length; v++) {
  test(`a game that had ended at schema version ${v} keeps its result, final`, async () => {
    const { dir, db } = oldDatabase(v);
    sqlite(db, "UPDATE game_state SET status = 'ended', winner = 1, game_time_running = 0 WHERE game_id = 'old-game';"
      + ' UPDATE timers SET running = 0;');
    const srv = await startServer([], { dir });
    try {
      const g = (await http(srv, 'GET', '/api/games/old-game')).json;
      assert.equal(g.status, 'ended');
      assert.deepEqual(g.result, { winner: 1, confirmed: [], disputed: false, final: true });
      assert.deepEqual(g.players[1].rounds[0], { round: 1, primary: 5, secondary: 4 });
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a fresh database gets every migration', async () => {
  const srv = await startServer();
  try {
    assert.equal((await http(srv, 'GET', '/healthz')).json.schema, migrations.length);
  } finally {
    await srv.stop();
  }
});

test('a database newer than the binary is refused with exit 1 and left untouched', () => {
  const { dir, db } = oldDatabase(migrations.length);
  sqlite(db, `PRAGMA user_version = ${migrations.length + 5};`);
  const before = sha(db);
  const r = runBin(db);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /newer than this binary/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(sha(db), before);
  rmSync(dir, { recursive: true, force: true });
});

test('a corrupt database is refused with exit 1 and left untouched', () => {
  const { dir, db } = oldDatabase(migrations.length);
  sqlite(db, "CREATE TABLE filler (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO filler SELECT hex(randomblob(100)) FROM n; CREATE INDEX filler_x ON filler (x);");
  const root = Number(sqlite(db, "SELECT rootpage FROM sqlite_master WHERE name = 'filler_x';").trim());
  const page = Number(sqlite(db, 'PRAGMA page_size;').trim());
  sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE);');
  const bytes = readFileSync(db);
  // Scribble over the cells of the index's root page: the b-tree no longer
  // matches the table, which only an integrity check notices.
  const at = (root - 1) * page + 64;
  for (let i = 0; i < page - 64; i++) bytes[at + i] = (i * 37) & 0xff;
  writeFileSync(db, bytes);
  const before = sha(db);
  const r = runBin(db);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /integrity|malformed|not a database/);
  assert.equal(sha(db), before);
  rmSync(dir, { recursive: true, force: true });
});

test('a file that is not a database is refused with exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-notdb-'));
  const db = join(dir, 'state.db');
  writeFileSync(db, 'this is not a database, it is a shopping list\n'.repeat(200));
  const before = sha(db);
  const r = runBin(db);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /database/);
  assert.equal(sha(db), before);
  rmSync(dir, { recursive: true, force: true });
});

test('a database path that cannot be opened is refused with exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-dirdb-'));
  mkdirSync(join(dir, 'state.db'));
  const r = runBin(join(dir, 'state.db'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /database/);
  rmSync(dir, { recursive: true, force: true });
});

test('--durability normal is reported, full is the default', async () => {
  const a = await startServer();
  const b = await startServer(['--durability', 'normal']);
  try {
    assert.equal((await http(a, 'GET', '/healthz')).json.durability, 'full');
    assert.equal((await http(b, 'GET', '/healthz')).json.durability, 'normal');
  } finally {
    await a.stop();
    await b.stop();
  }
});
