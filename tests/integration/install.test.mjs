// --install and --uninstall against a temporary root (STATE_SERVER_INSTALL_ROOT):
// the files, their modes and contents, what --uninstall removes and what it keeps.
// systemctl is never run here (the root is not /).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, BIN } from './lib.mjs';

const mode = (p) => (statSync(p).mode & 0o7777).toString(8);

test('--install writes binary, hardened unit and settings; --uninstall removes the unit and binary, keeps the data', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'state-install-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = { ...process.env, STATE_SERVER_INSTALL_ROOT: root };

  const r = run(['--install', '--port', '8080', '--host-token', 'install-test-token-0123'], { env, timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /systemctl skipped \(not the real root\)/);

  const bin = join(root, 'usr/local/bin/state-server');
  const unit = join(root, 'etc/systemd/system/state-server.service');
  const envFile = join(root, 'etc/default/state-server');
  assert.equal(mode(bin), '755');
  assert.ok(readFileSync(bin).equals(readFileSync(BIN)), 'the installed binary is a copy of the one run');
  assert.equal(mode(unit), '644');
  assert.equal(mode(envFile), '600');

  const text = readFileSync(unit, 'utf8');
  const lines = new Set(text.split('\n'));
  for (const want of [
    'ExecStart=/usr/local/bin/state-server --db /var/lib/state-server/state.db',
    'EnvironmentFile=-/etc/default/state-server',
    'DynamicUser=yes', 'StateDirectory=state-server', 'Restart=on-failure', 'NoNewPrivileges=yes',
    'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes', 'CapabilityBoundingSet=',
    'WantedBy=multi-user.target',
  ]) assert.ok(lines.has(want), `unit lacks "${want}":\n${text}`);
  assert.doesNotMatch(text, /install-test-token/, 'the token stays out of the world-readable unit');
  const settings = readFileSync(envFile, 'utf8');
  assert.match(settings, /^STATE_SERVER_PORT="8080"$/m);
  assert.match(settings, /^STATE_SERVER_HOST_TOKEN="install-test-token-0123"$/m);

  // The unit parses: systemd's own offline analysis, where systemd is installed.
  const sa = spawnSync('systemd-analyze', ['security', '--offline=true', `--root=${root}`, 'state-server.service'], { encoding: 'utf8' });
  if (!sa.error) {
    assert.equal(sa.status, 0, sa.stderr);
    assert.match(sa.stdout, /Overall exposure level for state-server\.service: [0-2]\.\d OK/);
  }

  // What systemd creates on the first start, with a database in it.
  const data = join(root, 'var/lib/private/state-server');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'state.db'), 'games');

  const u = run(['--uninstall'], { env, timeout: 30000 });
  assert.equal(u.status, 0, u.stderr);
  assert.ok(!existsSync(unit));
  assert.ok(!existsSync(bin));
  assert.equal(readFileSync(join(data, 'state.db'), 'utf8'), 'games');
  assert.ok(existsSync(envFile), 'settings are kept for a re-install');
  assert.match(u.stdout, /kept the data in \/var\/lib\/state-server/);
});

test('--install and --uninstall cannot be combined, and take no value', () => {
  assert.equal(run(['--install', '--uninstall']).status, 2);
  assert.equal(run(['--install=yes']).status, 2);
});
