// The list of games pushed over WebSocket (subscribe_games / games, docs/protocol.md):
// the host panel and the display follow it instead of polling GET /api/games.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, open, http, sleep } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const ids = (msg) => msg.data.games.map((g) => g.game_id);

test('subscribe_games answers with the same list as GET /api/games, then follows every change', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'l-1', player1_name: 'Ana', player2_name: 'Ben' } });
  const h = await open(srv.ws + '/ws');
  const first = await h.request('subscribe_games');
  assert.equal(first.type, 'games');
  const rest = await http(srv, 'GET', '/api/games');
  assert.deepEqual(first.data.games, rest.json.games);

  // A creation over REST reaches the subscriber, newest first.
  await http(srv, 'POST', '/api/games', { body: { game_id: 'l-2', player1_name: 'Cy', player2_name: 'Di' } });
  let m = await h.next((x) => x.type === 'games' && ids(x).includes('l-2'));
  assert.equal(ids(m)[0], 'l-2');

  // A score change over WebSocket by another client shows in the list.
  const other = await open(srv.ws + '/ws');
  assert.equal((await other.request('score_update', { player_number: 1, primary: 7 }, { game_id: 'l-1' })).type, 'ack');
  m = await h.next((x) => x.type === 'games' && x.data.games.find((g) => g.game_id === 'l-1').players[0].score === 7);
  assert.equal(ids(m)[0], 'l-1');

  // A deletion leaves the list.
  assert.equal((await http(srv, 'DELETE', '/api/games/l-2')).status, 204);
  m = await h.next((x) => x.type === 'games' && !ids(x).includes('l-2'));
  assert.ok(ids(m).includes('l-1'));

  // After unsubscribe_games nothing more comes.
  const ack = await h.request('unsubscribe_games');
  assert.equal(ack.type, 'ack');
  await other.request('score_update', { player_number: 2, primary: 3 }, { game_id: 'l-1' });
  await sleep(300);
  assert.equal(h.queue.filter((x) => x.type === 'games').length, 0, 'a games message came after unsubscribe_games');
  await other.close();
  await h.close();
});

test('a burst of changes in one turn gives fewer lists than changes', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'l-3', player1_name: 'Ed', player2_name: 'Flo' } });
  const h = await open(srv.ws + '/ws');
  await h.request('subscribe_games');
  const w = await open(srv.ws + '/ws');
  for (let i = 1; i <= 20; i++) w.send({ type: 'score_update', game_id: 'l-3', data: { player_number: 1, primary: i } });
  await h.next((x) => x.type === 'games' && x.data.games.find((g) => g.game_id === 'l-3').players[0].score === 20);
  await sleep(200);
  const lists = 1 + h.queue.filter((x) => x.type === 'games').length;
  assert.ok(lists < 20, `${lists} lists for 20 changes`);
  await w.close();
  await h.close();
});

test('only the host may follow the list of games', async () => {
  await http(srv, 'POST', '/api/games', { body: { game_id: 'l-4', player1_name: 'Gus', player2_name: 'Hal' } });
  const inv = await http(srv, 'POST', '/api/games/l-4/invites', { body: { role: 'observer' } });
  const j = await http(srv, 'POST', '/api/join', { body: { code: inv.json.code } });
  const o = await open(srv.ws + '/ws?token=' + j.json.token);
  const r = await o.request('subscribe_games');
  assert.equal(r.type, 'error');
  assert.equal(r.data.code, 'forbidden');
  await o.close();
});
