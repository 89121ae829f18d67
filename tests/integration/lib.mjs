// Shared helpers for the integration tests: start the real binary on 127.0.0.1
// with --port 0, talk HTTP with fetch and WebSocket with the `ws` package.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const BIN = process.env.STATE_SERVER_BIN || join(repoRoot, 'build', 'state-server');
// A wrapper such as "qemu-aarch64-static" runs a cross-built binary here.
const WRAP = process.env.STATE_SERVER_WRAP ? process.env.STATE_SERVER_WRAP.split(' ') : [];
// Emulation is slower: STATE_SERVER_TIME_SCALE stretches the waits for a start, a
// message and a run() (cross/test.sh sets 4). Waits that check for something that
// must NOT happen are left as they are.
export const TIME_SCALE = Number(process.env.STATE_SERVER_TIME_SCALE) || 1;

export const HOST_TOKEN = 'test-host-token-0123456789abcdef';

/** The command and arguments that start the binary with args, through the wrapper if any. */
function command(args) {
  return WRAP.length ? [WRAP[0], [...WRAP.slice(1), BIN, ...args]] : [BIN, args];
}

/** Runs the binary to completion (through STATE_SERVER_WRAP if set); spawnSync's result, utf8.
 *  A timeout in opts is stretched by TIME_SCALE. */
export function run(args, opts = {}) {
  const [cmd, cmdArgs] = command(args);
  const o = { encoding: 'utf8', ...opts };
  if (o.timeout) o.timeout *= TIME_SCALE;
  return spawnSync(cmd, cmdArgs, o);
}

/** Starts a server; resolves once it printed its listening line. */
export async function startServer(args = [], { dir, env = {} } = {}) {
  const ownDir = !dir;
  dir = dir || mkdtempSync(join(tmpdir(), 'state-test-'));
  const db = join(dir, 'state.db');
  const fullArgs = ['--port', '0', '--bind', '127.0.0.1', '--db', db, ...args];
  const [cmd, cmdArgs] = command(fullArgs);
  const proc = spawn(cmd, cmdArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15000 * TIME_SCALE);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on https?:\/\/[^\s]*:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr}`)); });
  });
  const srv = {
    port, proc, dir, db, exited,
    url: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    /** Stops the server; its directory is removed unless it was passed in or keep is set. */
    async stop(signal = 'SIGTERM', { keep = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const r = await exited;
      if (ownDir && !keep) rmSync(dir, { recursive: true, force: true });
      return r;
    },
  };
  return srv;
}

/** A WebSocket client that queues every message for `next`. */
export function connect(url, opts = {}) {
  const ws = new WebSocket(url, opts);
  const queue = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const msg = isBinary ? data : JSON.parse(data.toString());
    const w = waiters.findIndex((x) => x.pred(msg));
    if (w >= 0) { const [x] = waiters.splice(w, 1); clearTimeout(x.timer); x.resolve(msg); } else queue.push(msg);
  });
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let seq = 0;
  const c = {
    ws, opened, closed, queue,
    /** Next message matching pred (a type string or a function), in arrival order. */
    next(pred = () => true, timeout = 3000) {
      const p = typeof pred === 'string' ? (m) => m.type === pred : pred;
      const i = queue.findIndex(p);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const k = waiters.findIndex((x) => x.resolve === resolve);
          if (k >= 0) waiters.splice(k, 1);
          reject(new Error(`timeout waiting for message; queue: ${JSON.stringify(queue).slice(0, 500)}`));
        }, timeout * TIME_SCALE);
        waiters.push({ pred: p, resolve, timer });
      });
    },
    send(obj) { ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); },
    /** Sends a request with a fresh id and waits for the reply carrying it as ref. */
    async request(type, data, extra = {}) {
      const id = `r-${++seq}`;
      c.send({ type, data, id, ...extra });
      return c.next((m) => m.data && m.data.ref === id);
    },
    close() { ws.close(); return closed; },
  };
  return c;
}

/** Opens a connection and waits for its `connect` message. */
export async function open(url, opts) {
  const c = connect(url, opts);
  await c.opened;
  c.hello = await c.next('connect');
  return c;
}

export async function http(srv, method, path, { body, token, headers = {}, raw = false } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
  const res = await fetch(srv.url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json, raw: raw ? res : undefined };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
