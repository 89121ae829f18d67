// WebSocket conformance of the real server binary, case by case, over raw TCP sockets
// with hand-built (masked) client frames. Case families and numbers follow the layout
// of the Autobahn testsuite where a case maps onto one (1 framing, 2 ping/pong,
// 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close, 9 limits); H is the
// opening handshake and S the server's own behaviour. The cases are written for this
// server: it speaks JSON text, so instead of an echo each data case sends a `heartbeat`
// request and expects the `heartbeat` reply carrying its id.
//
// Every frame the server sends is checked on arrival: FIN and no RSV bits, a known
// opcode, no mask, the minimal length encoding, control frames of at most 125 bytes,
// text that is valid UTF-8, a close payload with a legal code. docs/conformance.md
// lists the cases and the deliberate deviations.
//
// Run: make && node --test tests/conformance/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, open, http, sleep } from '../integration/lib.mjs';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX = 16 * 1024;
const OP = { CONT: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 };
const utf8 = new TextDecoder('utf-8', { fatal: true });

// ---- client frames -------------------------------------------------------------------

/**
 * Builds one client frame. opts: fin (default true), rsv (0..7), mask (default true),
 * key (4 bytes), len16/len64 (force a longer length form), length (announce a
 * different length than the payload has).
 */
function frame(op, payload = Buffer.alloc(0), opts = {}) {
  const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const { fin = true, rsv = 0, mask = true, len16 = false, len64 = false } = opts;
  const len = opts.length ?? p.length;
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | op];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len64 || len > 0xffff) {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  } else if (len16 || len > 125) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(m | len);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, p]);
  const key = opts.key ?? randomBytes(4);
  const body = Buffer.alloc(p.length);
  for (let i = 0; i < p.length; i++) body[i] = p[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

const text = (s, opts) => frame(OP.TEXT, Buffer.from(s), opts);
const cont = (s, opts) => frame(OP.CONT, Buffer.from(s), opts);
function closeFrame(code, reason = Buffer.alloc(0)) {
  if (code === undefined) return frame(OP.CLOSE);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return frame(OP.CLOSE, Buffer.concat([b, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)]));
}

/** A heartbeat request with the given id, padded with an unknown field to total bytes. */
function heartbeat(id, total = 0) {
  const base = JSON.stringify({ type: 'heartbeat', id });
  if (total === 0) return Buffer.from(base);
  const shell = `{"type":"heartbeat","id":${JSON.stringify(id)},"pad":""}`;
  const n = total - Buffer.byteLength(shell);
  assert.ok(n >= 0, 'padding target too small');
  const s = `{"type":"heartbeat","id":${JSON.stringify(id)},"pad":"${'p'.repeat(n)}"}`;
  assert.equal(Buffer.byteLength(s), total);
  return Buffer.from(s);
}

const isLegalCloseCode = (c) => (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);

// ---- raw client ----------------------------------------------------------------------

/**
 * A WebSocket client on a raw socket. Frames from the server are parsed strictly and
 * queued; anything malformed is recorded in `violations` (checked at the end of every
 * case by `done`).
 */
class Raw {
  constructor(sock, rest) {
    this.sock = sock;
    this.buf = rest;
    this.frames = [];
    this.waiters = [];
    this.violations = [];
    this.ended = false;
    this.sockError = null;
    this.closed = new Promise((resolve) => sock.on('close', () => { this.ended = true; this.wake(); resolve(); }));
    sock.on('error', (e) => { this.sockError = e; });
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.parse(); });
    this.parse();
  }

  parse() {
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const rsv = (b[0] >> 4) & 7;
      const op = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
        if (len < 126) this.violations.push(`16-bit length ${len} not minimal`);
      } else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big < 65536n) this.violations.push(`64-bit length ${big} not minimal`);
        if (big > BigInt(64 * 1024 * 1024)) { this.violations.push(`absurd length ${big}`); this.sock.destroy(); return; }
        len = Number(big);
        off = 10;
      }
      if (masked) { this.violations.push('server frame is masked'); off += 4; }
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      this.buf = b.subarray(off + len);
      if (rsv) this.violations.push(`server frame has RSV bits ${rsv}`);
      if (![0, 1, 2, 8, 9, 10].includes(op)) this.violations.push(`server frame has opcode ${op}`);
      if (!fin) this.violations.push('server frame is fragmented');
      if (op >= 8 && len > 125) this.violations.push(`control frame of ${len} bytes`);
      if (op === OP.TEXT) {
        try { utf8.decode(payload); } catch { this.violations.push('server text is not UTF-8'); }
      }
      if (op === OP.CLOSE) {
        if (len === 1) this.violations.push('server close of one byte');
        if (len >= 2 && !isLegalCloseCode(payload.readUInt16BE(0))) this.violations.push(`server close code ${payload.readUInt16BE(0)}`);
        if (len > 2) { try { utf8.decode(payload.subarray(2)); } catch { this.violations.push('server close reason not UTF-8'); } }
      }
      this.frames.push({ op, payload, at: Date.now() });
      this.wake();
    }
  }

  wake() {
    while (this.waiters.length && (this.frames.length || this.ended)) this.waiters.shift()();
  }

  /** The next frame from the server; null when the socket closed first. */
  async next(timeout = 3000) {
    const deadline = Date.now() + timeout;
    while (!this.frames.length && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for a frame from the server');
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return this.frames.length ? this.frames.shift() : null;
  }

  /** The next text message, parsed. */
  async json(timeout) {
    const f = await this.next(timeout);
    assert.ok(f, 'connection closed while waiting for a message');
    assert.equal(f.op, OP.TEXT, `expected a text frame, got opcode ${f.op}`);
    return JSON.parse(f.payload.toString());
  }

  send(...bufs) { this.sock.write(Buffer.concat(bufs)); }

  /** Writes the bytes one at a time, each in its own TCP segment. */
  async sendSlowly(buf) {
    for (let i = 0; i < buf.length; i++) {
      this.sock.write(buf.subarray(i, i + 1));
      if (i % 16 === 15) await sleep(1);
    }
  }

  /** Expects the heartbeat reply for id as the next frame. */
  async expectHeartbeat(id) {
    const m = await this.json();
    assert.equal(m.type, 'heartbeat', JSON.stringify(m));
    assert.equal(m.data.ref, id);
    assert.equal(typeof m.data.server_time, 'number');
  }

  /** Expects a pong with exactly this payload as the next frame. */
  async expectPong(payload) {
    const f = await this.next();
    assert.ok(f, 'connection closed instead of a pong');
    assert.equal(f.op, OP.PONG, `expected a pong, got opcode ${f.op}`);
    assert.deepEqual(f.payload, Buffer.from(payload));
  }

  /**
   * Pings sent back to back: RFC 6455 section 5.5.3 lets an endpoint answer only the
   * most recent of the pings it has not answered yet, and the server keeps at most
   * one pong waiting (issue 11: a ping flood must not grow a queue). So: pongs come
   * in order, each echoing one of the payloads, and the last one echoes the last.
   */
  async expectPongsFor(payloads) {
    const want = payloads.map((p) => Buffer.from(p));
    let at = -1;
    while (at < want.length - 1) {
      const f = await this.next();
      assert.ok(f, 'connection closed instead of a pong');
      assert.equal(f.op, OP.PONG, `expected a pong, got opcode ${f.op}`);
      const k = want.findIndex((p, i) => i > at && p.equals(f.payload));
      assert.ok(k > at, `pong ${f.payload} answers no later ping`);
      at = k;
    }
  }

  /**
   * Expects a close frame with this code as the next frame, then the TCP connection to
   * go away (the server drops it as soon as its close frame is written).
   */
  async expectClose(code) {
    const f = await this.next();
    assert.ok(f, `connection dropped without a close frame (wanted ${code})`);
    assert.equal(f.op, OP.CLOSE, `expected a close frame, got opcode ${f.op}: ${f.payload.toString().slice(0, 200)}`);
    assert.ok(f.payload.length >= 2, 'close frame without a code');
    assert.equal(f.payload.readUInt16BE(0), code, `close reason: ${f.payload.subarray(2).toString()}`);
    await this.expectEnd();
    return f.payload.subarray(2).toString();
  }

  /** Expects the server to close the TCP connection with nothing more sent. */
  async expectEnd(timeout = 3000) {
    const f = await this.next(timeout);
    assert.equal(f, null, `unexpected frame after close: opcode ${f && f.op}`);
    assert.ok(this.ended);
  }

  /** Final checks: no malformed server frame, and the socket is gone. */
  done() {
    assert.deepEqual(this.violations, []);
    this.sock.destroy();
  }
}

/** Performs the opening handshake; resolves to { status, headers, raw } or a Raw client. */
function handshake(port, { path = '/ws', headers = {}, key = randomBytes(16).toString('base64'), expectUpgrade = true } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    const h = {
      Host: `127.0.0.1:${port}`, Upgrade: 'websocket', Connection: 'Upgrade',
      'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13', ...headers,
    };
    let req = `GET ${path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(h)) if (v !== null) req += `${k}: ${v}\r\n`;
    req += '\r\n';
    let acc = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('handshake timeout')); }, 5000);
    const onData = (d) => {
      acc = Buffer.concat([acc, d]);
      const end = acc.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = acc.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const hdrs = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      if (status !== 101 || !expectUpgrade) {
        // Read the rest of the response (the body is short), then report it.
        setTimeout(() => { clearTimeout(timer); sock.destroy(); resolve({ status, headers: hdrs, body: acc.subarray(end + 4).toString() }); }, 150);
        return;
      }
      clearTimeout(timer);
      sock.removeListener('data', onData);
      const want = createHash('sha1').update(key + GUID).digest('base64');
      if (hdrs['sec-websocket-accept'] !== want) {
        sock.destroy();
        reject(new Error(`bad Sec-WebSocket-Accept ${hdrs['sec-websocket-accept']}, wanted ${want}`));
        return;
      }
      const c = new Raw(sock, acc.subarray(end + 4));
      c.status = status;
      c.headers = hdrs;
      resolve(c);
    };
    sock.on('data', onData);
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.write(req);
  });
}

let srv;

/** A connected raw client past its `connect` message. */
async function client(path = '/ws') {
  const c = await handshake(srv.port, { path });
  const hello = await c.json();
  assert.equal(hello.type, 'connect');
  assert.equal(hello.data.role, 'host');
  return c;
}

/** Runs one case on a fresh connection and checks the server's frames at the end. */
function wsCase(name, fn, opts) {
  test(name, opts, async () => {
    const c = await client();
    try {
      await fn(c);
      assert.deepEqual(c.violations, []);
    } finally {
      c.done();
    }
  });
}

/** A case where the given bytes must make the server close with code. */
function refusal(name, code, bytes, before = async () => {}) {
  wsCase(name, async (c) => {
    await before(c);
    c.send(...(Array.isArray(bytes) ? bytes : [bytes]));
    await c.expectClose(code);
  });
}

before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// ---- 1 framing -------------------------------------------------------------------------

describe('1 framing', () => {
  wsCase('1.1.1 empty text message gets a bad_json error and the connection stays open', async (c) => {
    c.send(text(''));
    const m = await c.json();
    assert.equal(m.type, 'error');
    assert.equal(m.data.code, 'bad_json');
    c.send(text(heartbeat('after')));
    await c.expectHeartbeat('after');
  });
  for (const [num, len] of [['1.1.2', 125], ['1.1.3', 126], ['1.1.4', 127], ['1.1.5', 128], ['1.1.6', 1000], ['1.1.7', MAX - 1]]) {
    wsCase(`${num} text message of ${len} bytes (${len <= 125 ? '7' : '16'}-bit length)`, async (c) => {
      c.send(text(heartbeat(`len-${len}`, len)));
      await c.expectHeartbeat(`len-${len}`);
    });
  }
  wsCase('1.1.8 text message of 4000 bytes written one byte per segment', async (c) => {
    await c.sendSlowly(text(heartbeat('slow', 4000)));
    await c.expectHeartbeat('slow');
  });
  wsCase('1.1.9 three messages in one TCP write get three replies in order', async (c) => {
    c.send(text(heartbeat('a')), text(heartbeat('b', 300)), text(heartbeat('c')));
    await c.expectHeartbeat('a');
    await c.expectHeartbeat('b');
    await c.expectHeartbeat('c');
  });
  wsCase('1.1.10 all-zero masking key', async (c) => {
    c.send(text(heartbeat('zero-key'), { key: Buffer.alloc(4) }));
    await c.expectHeartbeat('zero-key');
  });
  refusal('1.2.1 binary message of 0 bytes closes with 1003', 1003, frame(OP.BINARY));
  refusal('1.2.2 binary message of 126 bytes closes with 1003', 1003, frame(OP.BINARY, randomBytes(126)));
  refusal('1.2.3 binary message after a text message closes with 1003', 1003, frame(OP.BINARY, Buffer.from('{}')),
    async (c) => { c.send(text(heartbeat('first'))); await c.expectHeartbeat('first'); });
  refusal('1.3.1 unmasked text frame closes with 1002', 1002, text(heartbeat('x'), { mask: false }));
  refusal('1.3.2 unmasked ping closes with 1002', 1002, frame(OP.PING, Buffer.from('hi'), { mask: false }));
  refusal('1.3.3 unmasked close closes with 1002', 1002, frame(OP.CLOSE, Buffer.from([3, 232]), { mask: false }));
  refusal('1.4.1 16-bit length for a 5-byte payload closes with 1002', 1002, text('{"a"}', { len16: true }));
  refusal('1.4.2 64-bit length for a 200-byte payload closes with 1002', 1002, text('x'.repeat(200), { len64: true }));
  refusal('1.4.3 64-bit length with the top bit set closes with 1002', 1002,
    Buffer.from([0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4]));
});

// ---- 2 ping/pong -----------------------------------------------------------------------

describe('2 ping/pong', () => {
  wsCase('2.1 ping without payload gets an empty pong', async (c) => {
    c.send(frame(OP.PING));
    await c.expectPong('');
  });
  wsCase('2.2 ping with a text payload gets a pong with the same payload', async (c) => {
    c.send(frame(OP.PING, Buffer.from('Hello, \u00e9t\u00e9')));
    await c.expectPong(Buffer.from('Hello, \u00e9t\u00e9'));
  });
  wsCase('2.3 ping with a binary payload gets a pong with the same payload', async (c) => {
    const p = Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]);
    c.send(frame(OP.PING, p));
    await c.expectPong(p);
  });
  wsCase('2.4 ping with a 125-byte payload gets a 125-byte pong', async (c) => {
    const p = randomBytes(125);
    c.send(frame(OP.PING, p));
    await c.expectPong(p);
  });
  refusal('2.5 ping with 126-byte payload closes with 1002', 1002, frame(OP.PING, randomBytes(126)));
  wsCase('2.6 ping with a 125-byte payload written one byte per segment', async (c) => {
    const p = randomBytes(125);
    await c.sendSlowly(frame(OP.PING, p));
    await c.expectPong(p);
  });
  wsCase('2.7 unsolicited empty pong is ignored', async (c) => {
    c.send(frame(OP.PONG), text(heartbeat('after-pong')));
    await c.expectHeartbeat('after-pong');
  });
  wsCase('2.8 unsolicited pong with a payload is ignored', async (c) => {
    c.send(frame(OP.PONG, Buffer.from('unsolicited')), text(heartbeat('after-pong')));
    await c.expectHeartbeat('after-pong');
  });
  wsCase('2.9 unsolicited pong, then a ping: one pong for the ping', async (c) => {
    c.send(frame(OP.PONG, Buffer.from('unsolicited')), frame(OP.PING, Buffer.from('solicited')));
    await c.expectPong('solicited');
    c.send(text(heartbeat('end')));
    await c.expectHeartbeat('end');
  });
  wsCase('2.10 ten pings in one write: pongs in order, the last ping answered', async (c) => {
    const ps = Array.from({ length: 10 }, (_, i) => Buffer.from(`payload-${i}`));
    c.send(...ps.map((p) => frame(OP.PING, p)));
    await c.expectPongsFor(ps);
  });
  wsCase('2.11 ten pings written one byte per segment: pongs in order, the last ping answered', async (c) => {
    const ps = Array.from({ length: 10 }, (_, i) => Buffer.from(`slow-${i}`));
    await c.sendSlowly(Buffer.concat(ps.map((p) => frame(OP.PING, p))));
    await c.expectPongsFor(ps);
  });
  refusal('2.12 ping with a 16-bit length of 5 closes with 1002', 1002, frame(OP.PING, Buffer.from('hello'), { len16: true }));
});

// ---- 3 reserved bits -------------------------------------------------------------------

describe('3 reserved bits', () => {
  refusal('3.1 text with RSV1 closes with 1002', 1002, text(heartbeat('x'), { rsv: 4 }));
  wsCase('3.2 valid text, then text with RSV2: reply to the first, then close 1002', async (c) => {
    c.send(text(heartbeat('ok')), text(heartbeat('bad'), { rsv: 2 }));
    await c.expectHeartbeat('ok');
    await c.expectClose(1002);
  });
  wsCase('3.3 valid text, text with RSV3, ping: reply, close 1002, no pong', async (c) => {
    c.send(text(heartbeat('ok')), text(heartbeat('bad'), { rsv: 1 }), frame(OP.PING));
    await c.expectHeartbeat('ok');
    await c.expectClose(1002);
  });
  refusal('3.4 text with RSV1+RSV3 written slowly closes with 1002', 1002, Buffer.alloc(0),
    async (c) => { await c.sendSlowly(text(heartbeat('x'), { rsv: 5 })); });
  refusal('3.5 binary with RSV1+RSV2 closes with 1002', 1002, frame(OP.BINARY, Buffer.from([1, 2]), { rsv: 6 }));
  refusal('3.6 ping with all RSV bits closes with 1002', 1002, frame(OP.PING, Buffer.from('p'), { rsv: 7 }));
  refusal('3.7 close with RSV1 closes with 1002', 1002, frame(OP.CLOSE, Buffer.from([3, 232]), { rsv: 4 }));
  refusal('3.8 continuation with RSV1 closes with 1002', 1002, [text('{"type":', { fin: false }), cont('"heartbeat"}', { rsv: 4 })]);
});

// ---- 4 opcodes -------------------------------------------------------------------------

describe('4 opcodes', () => {
  [3, 4, 5, 6, 7].forEach((op, i) => {
    refusal(`4.1.${i + 1} reserved non-control opcode ${op}${i % 2 ? ' with a payload' : ''} closes with 1002`, 1002,
      frame(op, i % 2 ? Buffer.from('reserved') : Buffer.alloc(0)));
  });
  [11, 12, 13, 14, 15].forEach((op, i) => {
    refusal(`4.2.${i + 1} reserved control opcode ${op}${i % 2 ? ' with a payload' : ''} closes with 1002`, 1002,
      frame(op, i % 2 ? Buffer.from('reserved') : Buffer.alloc(0)));
  });
  wsCase('4.3.1 valid text, then opcode 5, then ping: reply, close 1002, no pong', async (c) => {
    c.send(text(heartbeat('ok')), frame(5), frame(OP.PING));
    await c.expectHeartbeat('ok');
    await c.expectClose(1002);
  });
});

// ---- 5 fragmentation -------------------------------------------------------------------

describe('5 fragmentation', () => {
  refusal('5.1 fragmented ping closes with 1002', 1002, [frame(OP.PING, Buffer.from('frag'), { fin: false }), frame(OP.CONT, Buffer.from('ment'))]);
  refusal('5.2 fragmented pong closes with 1002', 1002, [frame(OP.PONG, Buffer.from('frag'), { fin: false }), frame(OP.CONT, Buffer.from('ment'))]);
  refusal('5.2.1 fragmented close closes with 1002', 1002, frame(OP.CLOSE, Buffer.from([3, 232]), { fin: false }));
  wsCase('5.3 text in two fragments', async (c) => {
    const m = heartbeat('two-frags');
    c.send(text(m.subarray(0, 10), { fin: false }), cont(m.subarray(10)));
    await c.expectHeartbeat('two-frags');
  });
  wsCase('5.4 text in two fragments written one byte per segment', async (c) => {
    const m = heartbeat('two-frags-slow');
    await c.sendSlowly(Buffer.concat([text(m.subarray(0, 10), { fin: false }), cont(m.subarray(10))]));
    await c.expectHeartbeat('two-frags-slow');
  });
  wsCase('5.6 text in two fragments with a ping in between: pong, then the reply', async (c) => {
    const m = heartbeat('frag-ping');
    c.send(text(m.subarray(0, 7), { fin: false }), frame(OP.PING, Buffer.from('between')), cont(m.subarray(7)));
    await c.expectPong('between');
    await c.expectHeartbeat('frag-ping');
  });
  wsCase('5.7 same as 5.6, written one byte per segment', async (c) => {
    const m = heartbeat('frag-ping-slow');
    await c.sendSlowly(Buffer.concat([text(m.subarray(0, 7), { fin: false }), frame(OP.PING, Buffer.from('between')), cont(m.subarray(7))]));
    await c.expectPong('between');
    await c.expectHeartbeat('frag-ping-slow');
  });
  wsCase('5.8 fragmented heartbeat with a ping and a pong between every fragment', async (c) => {
    const m = heartbeat('interleaved', 600);
    const parts = [];
    for (let i = 0, k = 0; i < m.length; i += 97, k++) {
      const last = i + 97 >= m.length;
      parts.push(frame(k === 0 ? OP.TEXT : OP.CONT, m.subarray(i, i + 97), { fin: last }));
      if (!last) parts.push(frame(OP.PING, Buffer.from(`p${k}`)), frame(OP.PONG, Buffer.from(`u${k}`)));
    }
    c.send(...parts);
    await c.expectPongsFor(Array.from({ length: Math.ceil(m.length / 97) - 1 }, (_, k) => `p${k}`));
    await c.expectHeartbeat('interleaved');
  });
  refusal('5.9 continuation (FIN) without a message closes with 1002', 1002, cont('{"type":"heartbeat"}'));
  refusal('5.10 continuation (no FIN) without a message closes with 1002', 1002, cont('{"type":', { fin: false }));
  wsCase('5.11 continuation after a finished message: reply to the message, then close 1002', async (c) => {
    c.send(text(heartbeat('done')), cont('more'));
    await c.expectHeartbeat('done');
    await c.expectClose(1002);
  });
  refusal('5.15 new text frame inside a fragmented message closes with 1002', 1002, [text('{"type":', { fin: false }), text(heartbeat('again'))]);
  refusal('5.16 binary frame inside a fragmented text closes with 1002', 1002, [text('{"type":', { fin: false }), frame(OP.BINARY, Buffer.from('x'))]);
  refusal('5.17 non-final text inside a fragmented text closes with 1002', 1002, [text('{"type":', { fin: false }), text('"x"', { fin: false })]);
  wsCase('5.18 text in 64 fragments of a few bytes', async (c) => {
    const m = heartbeat('many-frags', 256);
    const parts = [];
    for (let k = 0; k < 64; k++) parts.push(frame(k === 0 ? OP.TEXT : OP.CONT, m.subarray(k * 4, k * 4 + 4), { fin: k === 63 }));
    c.send(...parts);
    await c.expectHeartbeat('many-frags');
  });
  wsCase('5.19 empty fragments before and after the payload', async (c) => {
    const m = heartbeat('empty-frags');
    c.send(text('', { fin: false }), cont('', { fin: false }), cont(m, { fin: false }), cont(''));
    await c.expectHeartbeat('empty-frags');
  });
  wsCase('5.20 two fragmented messages back to back', async (c) => {
    const a = heartbeat('first-frag');
    const b = heartbeat('second-frag');
    c.send(text(a.subarray(0, 5), { fin: false }), cont(a.subarray(5)), text(b.subarray(0, 9), { fin: false }), cont(b.subarray(9)));
    await c.expectHeartbeat('first-frag');
    await c.expectHeartbeat('second-frag');
  });
});

// ---- 6 UTF-8 ---------------------------------------------------------------------------

const VALID_IDS = [
  ['6.2.1', 'kosme in Greek', '\u03ba\u1f79\u03c3\u03bc\u03b5'],
  ['6.2.2', 'first 2-, 3- and 4-byte code points', '\u0080\u0800\u{10000}'],
  ['6.2.3', 'last 1-, 2-, 3- and 4-byte code points', '\u007f\u07ff\uffff\u{10ffff}'],
  ['6.2.4', 'code points next to the surrogates', '\ud7ff\ue000\ufffd'],
];
const INVALID = [
  ['6.3.1', 'overlong NUL (C0 80)', [0xc0, 0x80]],
  ['6.3.2', 'overlong slash in 3 bytes', [0xe0, 0x80, 0xaf]],
  ['6.3.3', 'overlong U+FFFF in 4 bytes', [0xf0, 0x8f, 0xbf, 0xbf]],
  ['6.3.4', 'high surrogate U+D800', [0xed, 0xa0, 0x80]],
  ['6.3.5', 'low surrogate U+DFFF', [0xed, 0xbf, 0xbf]],
  ['6.3.6', 'surrogate pair in CESU-8', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
  ['6.3.7', 'U+110000', [0xf4, 0x90, 0x80, 0x80]],
  ['6.3.8', 'lead byte F5', [0xf5, 0x80, 0x80, 0x80]],
  ['6.3.9', 'bytes FE and FF', [0xfe, 0xff]],
  ['6.3.10', 'lone continuation byte', [0x80]],
  ['6.3.11', 'truncated 3-byte sequence', [0xe2, 0x82]],
  ['6.3.12', 'truncated 4-byte sequence before ASCII', [0xf0, 0x9f, 0x98, 0x41]],
];

/** A heartbeat whose id holds raw bytes (valid JSON around possibly invalid UTF-8). */
const rawIdMessage = (bytes) => Buffer.concat([Buffer.from('{"type":"heartbeat","id":"'), Buffer.from(bytes), Buffer.from('"}')]);

describe('6 UTF-8', () => {
  for (const [num, what, id] of VALID_IDS) {
    wsCase(`${num} valid UTF-8 (${what}) is accepted`, async (c) => {
      c.send(text(heartbeat(id)));
      await c.expectHeartbeat(id);
    });
  }
  wsCase('6.2.5 valid UTF-8 split inside code points across fragments is accepted', async (c) => {
    const id = 'split \u20ac \u{1f600} \u00e9';
    const m = heartbeat(id);
    const at = m.indexOf(Buffer.from('\u20ac')) + 1; // inside the euro sign
    const at2 = m.indexOf(Buffer.from('\u{1f600}')) + 3; // inside the emoji
    c.send(text(m.subarray(0, at), { fin: false }), cont(m.subarray(at, at2), { fin: false }), cont(m.subarray(at2)));
    await c.expectHeartbeat(id);
  });
  for (const [num, what, bytes] of INVALID) {
    refusal(`${num} invalid UTF-8 (${what}) closes with 1007`, 1007, text(rawIdMessage(bytes)));
  }
  const [, , surrogate] = INVALID[3];
  refusal('6.4.1 invalid UTF-8 in the second of three fragments closes with 1007', 1007,
    [text('{"type":"heartbeat","id":"', { fin: false }), frame(OP.CONT, Buffer.from(surrogate), { fin: false }), cont('"}')]);
  refusal('6.4.2 fragmented message ending in a truncated sequence closes with 1007', 1007,
    [text('{"type":"heartbeat","id":"', { fin: false }), frame(OP.CONT, Buffer.from([0x22, 0x7d, 0xe2, 0x82]))]);
  wsCase('6.4.3 invalid UTF-8 in a first fragment is refused when the message completes (non-strict)', async (c) => {
    c.send(text(Buffer.from([0xed, 0xa0, 0x80]), { fin: false }));
    // Nothing happens yet: the whole message is checked once complete.
    const early = await c.next(300).catch(() => 'nothing');
    assert.equal(early, 'nothing');
    c.send(cont('"}'));
    await c.expectClose(1007);
  });
  refusal('6.5.1 invalid UTF-8 written one byte per segment closes with 1007', 1007, Buffer.alloc(0),
    async (c) => { await c.sendSlowly(text(rawIdMessage([0xf4, 0x90, 0x80, 0x80]))); });
});

// ---- 7 close handling ------------------------------------------------------------------

describe('7 close handling', () => {
  wsCase('7.1.1 close 1000 is echoed and the connection closed', async (c) => {
    c.send(closeFrame(1000));
    await c.expectClose(1000);
  });
  wsCase('7.1.2 two close frames: one close back', async (c) => {
    c.send(closeFrame(1000), closeFrame(1001));
    await c.expectClose(1000);
  });
  wsCase('7.1.3 close then ping: no pong', async (c) => {
    c.send(closeFrame(1000), frame(OP.PING, Buffer.from('late')));
    await c.expectClose(1000);
  });
  wsCase('7.1.4 close then text: no reply', async (c) => {
    c.send(closeFrame(1000), text(heartbeat('late')));
    await c.expectClose(1000);
  });
  wsCase('7.1.5 close in the middle of a fragmented message is echoed', async (c) => {
    c.send(text('{"type":', { fin: false }), closeFrame(1000));
    await c.expectClose(1000);
  });
  wsCase('7.1.6 text, then close: reply first, then the echo', async (c) => {
    c.send(text(heartbeat('before-close')), closeFrame(1001, 'bye'));
    await c.expectHeartbeat('before-close');
    await c.expectClose(1001);
  });
  wsCase('7.3.1 close without payload is answered with 1000', async (c) => {
    c.send(closeFrame());
    await c.expectClose(1000);
  });
  refusal('7.3.2 close with a 1-byte payload closes with 1002', 1002, frame(OP.CLOSE, Buffer.from([3])));
  wsCase('7.3.3 close with a code and no reason', async (c) => {
    c.send(closeFrame(1000, ''));
    await c.expectClose(1000);
  });
  wsCase('7.3.4 close with a code and a reason', async (c) => {
    c.send(closeFrame(1000, 'Hello \u00e9t\u00e9'));
    await c.expectClose(1000);
  });
  wsCase('7.3.5 close with a 123-byte reason', async (c) => {
    c.send(closeFrame(1000, 'r'.repeat(123)));
    await c.expectClose(1000);
  });
  refusal('7.3.6 close with a 124-byte reason (126-byte payload) closes with 1002', 1002, closeFrame(1000, 'r'.repeat(124)));
  refusal('7.5.1 close reason that is not UTF-8 closes with 1007', 1007, closeFrame(1000, Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80])));
  [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach((code, i) => {
    wsCase(`7.7.${i + 1} close code ${code} is echoed`, async (c) => {
      c.send(closeFrame(code, 'x'));
      await c.expectClose(code);
    });
  });
  [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999].forEach((code, i) => {
    refusal(`7.9.${i + 1} invalid close code ${code} closes with 1002`, 1002, closeFrame(code));
  });
  [5000, 65535].forEach((code, i) => {
    refusal(`7.13.${i + 1} close code ${code} closes with 1002`, 1002, closeFrame(code));
  });
});

// ---- 9 limits --------------------------------------------------------------------------

describe('9 limits', () => {
  wsCase('9.1.1 heartbeat padded to exactly 16 KiB in one frame is accepted', async (c) => {
    c.send(text(heartbeat('16k', MAX)));
    await c.expectHeartbeat('16k');
  });
  refusal('9.1.2 text of 16 KiB + 1 in one frame closes with 1009', 1009, text(heartbeat('16k+1', MAX + 1)));
  wsCase('9.1.3 16 KiB in four fragments is accepted', async (c) => {
    const m = heartbeat('16k-frags', MAX);
    const q = MAX / 4;
    c.send(...[0, 1, 2, 3].map((k) => frame(k ? OP.CONT : OP.TEXT, m.subarray(k * q, (k + 1) * q), { fin: k === 3 })));
    await c.expectHeartbeat('16k-frags');
  });
  refusal('9.1.4 fragments adding up to 16 KiB + 1 close with 1009', 1009,
    (() => {
      const m = heartbeat('16k+1-frags', MAX + 1);
      return [text(m.subarray(0, 9000), { fin: false }), cont(m.subarray(9000))];
    })());
  wsCase('9.1.5 16 KiB message written in 100-byte segments is accepted', async (c) => {
    const f = text(heartbeat('16k-slow', MAX));
    for (let i = 0; i < f.length; i += 100) c.sock.write(f.subarray(i, i + 100));
    await c.expectHeartbeat('16k-slow');
  });
  refusal('9.2.1 a header announcing 4 GiB closes with 1009 without waiting for the payload', 1009,
    Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4]));
  refusal('9.2.2 a header announcing 65535 bytes closes with 1009 at once', 1009, Buffer.from([0x81, 0xfe, 0xff, 0xff, 1, 2, 3, 4]));
  refusal('9.2.3 binary of 16 KiB + 1 closes with 1009 (size is checked before the type)', 1009,
    frame(OP.BINARY, Buffer.alloc(MAX + 1)));
  wsCase('9.2.4 refused at the header while the payload is still being sent: the 1009 close frame still arrives', async (c) => {
    const f = text(heartbeat('streaming', MAX + 2000));
    c.sock.write(f.subarray(0, 8));
    // Keep sending the payload after the server has refused it: its unread input must
    // not turn into a reset that destroys the close frame before we read it.
    const pump = (async () => {
      for (let i = 8; i < f.length && !c.ended; i += 512) {
        c.sock.write(f.subarray(i, i + 512));
        await sleep(2);
      }
    })();
    await c.expectClose(1009);
    await pump;
    assert.equal(c.sockError, null, `socket error ${c.sockError && c.sockError.code}`);
  });
  wsCase('9.3.1 a burst of 40 heartbeats is answered in order', async (c) => {
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    c.send(...ids.map((id) => text(heartbeat(id))));
    for (const id of ids) await c.expectHeartbeat(id);
  });
});

// ---- H opening handshake ---------------------------------------------------------------

describe('H handshake', () => {
  for (const path of ['/ws', '/']) {
    test(`H.1.${path === '/ws' ? 1 : 2} upgrade on ${path}: 101, correct accept key, connect message first`, async () => {
      const c = await handshake(srv.port, { path, key: 'dGhlIHNhbXBsZSBub25jZQ==' });
      try {
        assert.equal(c.status, 101);
        assert.equal(c.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
        assert.equal(c.headers.upgrade.toLowerCase(), 'websocket');
        assert.match(c.headers.connection, /upgrade/i);
        const hello = await c.json();
        assert.equal(hello.type, 'connect');
        assert.equal(hello.data.protocol, 1);
        assert.equal(typeof hello.timestamp, 'string');
        assert.deepEqual(c.violations, []);
      } finally { c.done(); }
    });
  }
  test('H.2 missing Sec-WebSocket-Key is refused with 400', async () => {
    const r = await handshake(srv.port, { headers: { 'Sec-WebSocket-Key': null } });
    assert.equal(r.status, 400);
  });
  for (const [i, key] of ['', 'short', 'dGhlIHNhbXBsZSBub25jZQ', 'dGhlIHNhbXBsZSBub25jZR==', 'dGhlIHNhbXBsZSBub25j*Q==',
    'dGhlIHNhbXBsZSBub25jZXRlc3Q='].entries()) {
    test(`H.3.${i + 1} invalid Sec-WebSocket-Key ${JSON.stringify(key)} is refused with 400`, async () => {
      const r = await handshake(srv.port, { key });
      assert.equal(r.status, 400);
    });
  }
  for (const [i, version] of [['8'], ['12'], ['14'], ['13, 8'], [null]].entries()) {
    test(`H.4.${i + 1} Sec-WebSocket-Version ${version[0] === null ? 'missing' : version[0]} is refused with 426 naming 13`, async () => {
      const r = await handshake(srv.port, { headers: { 'Sec-WebSocket-Version': version[0] } });
      assert.equal(r.status, 426);
      assert.equal(r.headers['sec-websocket-version'], '13');
    });
  }
});

// ---- S server behaviour ----------------------------------------------------------------

describe('S server behaviour', () => {
  test('S.1 a bad frame on one connection leaves another open connection working', async () => {
    const good = await client();
    const bad = await client();
    try {
      bad.send(text(heartbeat('x'), { mask: false }));
      await bad.expectClose(1002);
      good.send(text(heartbeat('still-here')), frame(OP.PING, Buffer.from('alive')));
      await good.expectHeartbeat('still-here');
      await good.expectPong('alive');
      const third = await client('/');
      third.send(text(heartbeat('new-one')));
      await third.expectHeartbeat('new-one');
      third.done();
      assert.deepEqual(good.violations, []);
      assert.deepEqual(bad.violations, []);
    } finally { good.done(); bad.done(); }
  });
  test('S.2 the server closes its side with 1001 on SIGTERM', async () => {
    const own = await startServer();
    try {
      const c = await handshake(own.port);
      const hello = await c.json();
      assert.equal(hello.type, 'connect');
      own.proc.kill('SIGTERM');
      const f = await c.next(5000);
      assert.ok(f, 'dropped without a close frame');
      assert.equal(f.op, OP.CLOSE);
      assert.equal(f.payload.readUInt16BE(0), 1001);
      c.send(closeFrame(1001));
      await c.closed;
      assert.deepEqual(c.violations, []);
      c.done();
    } finally { await own.stop(); }
  });

  describe('with --ping-interval 1 --ping-timeout 1', () => {
    let ps;
    before(async () => { ps = await startServer(['--ping-interval', '1', '--ping-timeout', '1']); });
    after(async () => { await ps.stop(); });

    test('S.3 the server pings, and drops a client that never answers within about 2 s', async () => {
      const c = await handshake(ps.port);
      try {
        const t0 = Date.now();
        assert.equal((await c.json()).type, 'connect');
        const ping = await c.next(3500);
        assert.ok(ping, 'dropped before any ping');
        assert.equal(ping.op, OP.PING, 'the first frame after connect is a ping');
        assert.ok(ping.at - t0 <= 3000, `first ping after ${ping.at - t0} ms`);
        // Never answer: the server must give up on us.
        await c.next(4000).then((f) => assert.equal(f, null, `unexpected frame opcode ${f && f.op}`));
        const gone = Date.now() - ping.at;
        assert.ok(gone <= 2600, `dropped ${gone} ms after the ping`);
        assert.deepEqual(c.violations, []);
      } finally { c.done(); }
    });

    test('S.4 a client that answers pings stays connected', async () => {
      const c = await handshake(ps.port);
      try {
        assert.equal((await c.json()).type, 'connect');
        const end = Date.now() + 4500;
        let pings = 0;
        while (Date.now() < end) {
          const f = await c.next(3000);
          assert.ok(f, 'the server dropped a client that answered its pings');
          assert.equal(f.op, OP.PING);
          pings++;
          c.send(frame(OP.PONG, f.payload));
        }
        assert.ok(pings >= 3, `only ${pings} pings in 4.5 s`);
        c.send(text(heartbeat('alive')));
        let m;
        do { m = await c.next(); if (m && m.op === OP.PING) c.send(frame(OP.PONG, m.payload)); } while (m && m.op === OP.PING);
        assert.ok(m);
        assert.equal(JSON.parse(m.payload.toString()).data.ref, 'alive');
        assert.deepEqual(c.violations, []);
      } finally { c.done(); }
    });

    test('S.5 strict ws client: a long mixed session has no client-side error', async () => {
      // A game to subscribe to, so that game_state broadcasts (16-bit lengths) come too.
      const g = await http(ps, 'POST', '/api/games', { body: { player1_name: 'Ana', player2_name: 'Ben' } });
      assert.equal(g.status, 201, g.text);
      const gid = g.json.game_id;
      const c = await open(`${ps.ws}/ws`);
      const errors = [];
      c.ws.on('error', (e) => errors.push(e.message));
      let serverPings = 0;
      c.ws.on('ping', () => { serverPings++; });
      const pongs = [];
      c.ws.on('pong', (p) => pongs.push(p.toString('hex')));
      const start = Date.now();
      let sent = 0;
      for (let i = 0; i < 120; i++) {
        switch (i % 6) {
          case 0: {
            const r = await c.request('heartbeat', undefined);
            assert.equal(r.type, 'heartbeat');
            break;
          }
          case 1: {
            const r = await c.request('no_such_type', { x: i });
            assert.equal(r.type, 'error');
            assert.equal(r.data.code, 'unknown_type');
            break;
          }
          case 2: {
            c.send('{"type": not json');
            const r = await c.next((m) => m.type === 'error' && m.data.code === 'bad_json');
            assert.ok(r);
            break;
          }
          case 3: {
            // Long ids and padding: replies of all three length forms.
            const id = `\u00e9\u{1f600}-${i}-${'z'.repeat(40)}`;
            c.send({ type: 'heartbeat', id, pad: 'q'.repeat(200 + i * 100) });
            const r = await c.next((m) => m.data && m.data.ref === id);
            assert.equal(r.type, 'heartbeat');
            break;
          }
          case 4: {
            const payload = randomBytes(i % 126);
            const want = payload.toString('hex');
            c.ws.ping(payload);
            const t = Date.now();
            while (!pongs.includes(want)) {
              assert.ok(Date.now() - t < 3000, 'no pong for a client ping');
              await sleep(5);
            }
            break;
          }
          default: {
            if (i === 5) {
              c.send({ type: 'subscribe', game_id: gid });
              const st = await c.next((m) => m.type === 'game_state' && m.data.game_id === gid);
              assert.equal(st.data.players.length, 2);
            } else if (i % 12 === 5) {
              const r = await c.request('subscribe', undefined, { game_id: `g-missing-${i}` });
              assert.equal(r.type, 'error');
            } else {
              const r = await c.request('score_update', { player_number: 1 + (i % 2), primary_delta: 1 }, { game_id: gid });
              assert.equal(r.type, 'ack', JSON.stringify(r.data));
              await c.next((m) => m.type === 'game_state' && m.data.version === r.data.version);
            }
          }
        }
        sent++;
        // Stay under the per-connection rate limit (20 a second, bursts of 40).
        await sleep(50);
      }
      // Keep the session open long enough to see the server's pings between requests.
      while (Date.now() - start < 4000) await sleep(100);
      assert.equal(sent, 120);
      assert.ok(serverPings >= 2, `saw ${serverPings} server pings`);
      const closed = await c.close();
      assert.equal(closed.code, 1000);
      assert.deepEqual(errors, []);
    });
  });
});
