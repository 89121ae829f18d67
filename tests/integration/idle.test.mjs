// Connections that never authenticate are closed after 20 s (PROTOCOL.md
// section 8: idle unauthenticated connections); authenticated ones stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, HOST_TOKEN, sleep } from './lib.mjs';

test('an unauthenticated WebSocket is closed with 1008 after about 20 s; a host stays', { timeout: 40000 }, async () => {
  const srv = await startServer(['--no-trust-loopback', '--host-token', HOST_TOKEN, '--ping-interval', '5']);
  try {
    const anon = await open(srv.ws + '/ws');
    assert.equal(anon.hello.data.role, 'none');
    const host = await open(`${srv.ws}/ws?token=${HOST_TOKEN}`);
    const late = await open(srv.ws + '/ws');
    const t0 = Date.now();
    // Heartbeats are allowed, but they do not count as authenticating.
    for (let i = 0; i < 3; i++) {
      anon.send({ type: 'heartbeat' });
      await anon.next('heartbeat');
      await sleep(1000);
    }
    // The late one authenticates with a connect message and is kept.
    late.send({ type: 'connect', data: { token: HOST_TOKEN } });
    assert.equal((await late.next('connect')).data.role, 'host');
    const closed = await anon.closed;
    const after = Date.now() - t0;
    assert.equal(closed.code, 1008);
    assert.ok(after >= 17000 && after <= 25000, `closed after ${after} ms`);
    // The others are still served.
    host.send({ type: 'heartbeat', id: 'h' });
    assert.equal((await host.next('heartbeat')).data.ref, 'h');
    late.send({ type: 'heartbeat', id: 'l' });
    assert.equal((await late.next('heartbeat')).data.ref, 'l');
    await host.close();
    await late.close();
  } finally {
    await srv.stop();
  }
});
