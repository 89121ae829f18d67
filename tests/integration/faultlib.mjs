// Helpers for the fault-injection tests: start build/test/state-server-fault (the
// release objects plus tests/support/faultvfs.c) with a fault chosen by
// STATE_SERVER_FAULT, read its live counters, and speak raw HTTP on a socket opened
// in advance, so that a REST request lands in the same loop turn as WebSocket
// messages sent in the same tick.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { repoRoot, BIN, TIME_SCALE } from './lib.mjs';

export const FAULT_BIN = process.env.STATE_SERVER_FAULT_BIN || join(repoRoot, 'build', 'test', 'state-server-fault');
export const haveFaultBin = existsSync(FAULT_BIN);

/** Starts bin on db with env; resolves to a server handle once it listens, or to
 *  {failed: true, code, stderr} if it exits first (a fault during start-up). */
export function startBin(bin, db, env = {}, args = []) {
  const proc = spawn(bin, ['--port', '0', '--bind', '127.0.0.1', '--db', db, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`${bin} did not start: ${stderr}`)); }, 15000 * TIME_SCALE);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on https?:\/\/[^\s]*:(\d+)/);
      if (!m) return;
      clearTimeout(timer);
      const port = Number(m[1]);
      resolve({
        port, proc, exited, db,
        url: `http://127.0.0.1:${port}`,
        ws: `ws://127.0.0.1:${port}`,
        get stderr() { return stderr; },
        async stop(signal = 'SIGTERM') {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      });
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); resolve({ failed: true, code, signal, get stderr() { return stderr; } }); });
  });
}

/** The release binary on db (its start-up runs PRAGMA integrity_check and exits 1 on failure). */
export const startNormal = (db, env = {}) => startBin(BIN, db, env);

/** The counters faultvfs wrote to its report file: {writes, syncs, truncates, faults}. */
export function readCounts(path) {
  let t = '';
  try { t = readFileSync(path, 'utf8'); } catch { /* not written yet */ }
  const [writes = 0, syncs = 0, truncates = 0, faults = 0] = t.trim().split(/\s+/).filter(Boolean).map(Number);
  return { writes, syncs, truncates, faults };
}

/** A TCP connection to the server, ready to carry one raw HTTP request. */
export function rawConnect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends one HTTP request on a connected socket (the server closes it after the
 *  reply); resolves to {status, json}, or {status: 0} if the connection failed. */
export function rawRequest(sock, method, path, body) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve) => {
    let data = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => { data += d; });
    const done = () => {
      const m = data.match(/^HTTP\/1\.1 (\d{3})/);
      const at = data.indexOf('\r\n\r\n');
      let json;
      try { json = JSON.parse(data.slice(at + 4)); } catch { json = undefined; }
      resolve({ status: m ? Number(m[1]) : 0, json });
    };
    sock.on('end', done);
    sock.on('error', done);
    sock.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
  });
}
