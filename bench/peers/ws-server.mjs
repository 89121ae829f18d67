// Peer: a plain `ws` server broadcasting JSON, the floor for Node. It speaks State
// Server's own envelopes on /ws (connect, subscribe, game_state, settings_update,
// ack, heartbeat), so the load generator drives it exactly like ours. A broadcast
// renders each view once and sends that string to every subscriber with the view.
// The role comes from the URL (?role=&game_id=&player_number=), unchecked: the
// peer has no tokens. Nothing is persisted.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { parseArgs, newGame, applySettings, view, viewOf, VIEWS, envelope, announce } from './common.mjs';

const args = parseArgs(process.argv);
const games = new Map(); // game_id -> { g, subs: Set<ws> }
let nextId = 1;

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 16 * 1024 });

function entry(id) {
  let e = games.get(id);
  if (!e) { e = { g: null, subs: new Set() }; games.set(id, e); }
  return e;
}

function send(ws, type, gameId, data) { ws.send(JSON.stringify(envelope(type, gameId, data))); }

function broadcast(e) {
  const out = {};
  for (const ws of e.subs) {
    const v = ws.view;
    if (out[v] === undefined) out[v] = JSON.stringify(envelope('game_state', e.g.game_id, view(e.g, v)));
    ws.send(out[v]);
  }
}

wss.on('connection', (ws, req) => {
  const q = new URL(req.url, 'http://x').searchParams;
  ws.role = q.get('role') || 'host';
  ws.view = viewOf(ws.role, Number(q.get('player_number')));
  ws.subs = new Set();
  send(ws, 'connect', null, { client_id: `c-${nextId++}`, role: ws.role, server_time: Date.now(), protocol: 1 });
  ws.on('message', (buf) => {
    let m;
    try { m = JSON.parse(buf); } catch { return send(ws, 'error', null, { code: 'bad_json', message: 'message is not valid JSON' }); }
    const id = m.game_id || q.get('game_id');
    const ref = m.id;
    switch (m.type) {
      case 'heartbeat':
        return send(ws, 'heartbeat', null, { server_time: Date.now(), ref });
      case 'subscribe': {
        const e = games.get(id);
        if (!e || !e.g) return send(ws, 'error', null, { code: 'not_found', message: 'no such game', ref });
        e.subs.add(ws); ws.subs.add(e);
        return send(ws, 'game_state', id, { ...view(e.g, ws.view), ref });
      }
      case 'game_state': {
        if (ws.role !== 'host') return send(ws, 'error', null, { code: 'forbidden', message: 'host only', ref });
        const e = entry(id);
        e.g = newGame(id, m.data);
        e.subs.add(ws); ws.subs.add(e);
        if (ref) send(ws, 'ack', null, { ref, version: e.g.version });
        return broadcast(e);
      }
      case 'settings_update': {
        if (ws.role !== 'host') return send(ws, 'error', null, { code: 'forbidden', message: 'host only', ref });
        const e = games.get(id);
        if (!e || !e.g) return send(ws, 'error', null, { code: 'not_found', message: 'no such game', ref });
        const version = applySettings(e.g, m.data);
        if (ref) send(ws, 'ack', null, { ref, version });
        return broadcast(e);
      }
      default:
        return send(ws, 'error', null, { code: 'unknown_type', message: 'unknown message type', ref });
    }
  });
  ws.on('close', () => { for (const e of ws.subs) e.subs.delete(ws); });
});

server.listen(args.port, args.host, () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
