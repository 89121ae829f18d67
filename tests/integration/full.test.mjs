// At --max-connections, a client with a valid token takes the place of the
// oldest unauthenticated connection; strangers get 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, connect, HOST_TOKEN } from './lib.mjs';

test('a host gets in while strangers fill the server; another stranger does not', async () => {
  const srv = await startServer(['--no-trust-loopback', '--host-token', HOST_TOKEN, '--max-connections', '3']);
  try {
    const strangers = [];
    for (let i = 0; i < 3; i++) strangers.push(await open(srv.ws + '/ws'));
    const refused = connect(srv.ws + '/ws');
    await assert.rejects(refused.opened, /503/);
    const host = await open(`${srv.ws}/ws?token=${HOST_TOKEN}`);
    assert.equal(host.hello.data.role, 'host');
    const evicted = await strangers[0].closed;
    assert.equal(evicted.code, 1008);
    assert.equal(evicted.reason, 'server full');
    host.send({ type: 'heartbeat', id: 'x' });
    assert.equal((await host.next('heartbeat')).data.ref, 'x');
    // The younger strangers were left alone.
    strangers[2].send({ type: 'heartbeat', id: 'y' });
    assert.equal((await strangers[2].next('heartbeat')).data.ref, 'y');
    await host.close();
    for (const s of strangers.slice(1)) await s.close();
  } finally {
    await srv.stop();
  }
});
