// Peer: Socket.IO broadcasting to rooms, as its documentation teaches. A socket
// names its role in the handshake's auth ({role, game_id, player_number}); a
// subscribe joins the room "<game>:<view>"; a change is an event with an
// acknowledgement callback, and the new state goes out with one
// io.to(room).emit() per view (Socket.IO encodes a broadcast packet once and
// writes it to every socket of the room). WebSocket transport only (no polling
// upgrade), no per-message compression. Nothing is persisted.
import http from 'node:http';
import { Server } from 'socket.io';
import { parseArgs, newGame, applySettings, view, viewOf, VIEWS, announce } from './common.mjs';

const args = parseArgs(process.argv);
const games = new Map();
const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024 });

function broadcast(g) {
  for (const v of VIEWS) io.to(`${g.game_id}:${v}`).emit('game_state', view(g, v));
}

io.on('connection', (socket) => {
  const auth = socket.handshake.auth || {};
  const role = auth.role || 'host';
  const v = viewOf(role, auth.player_number);
  socket.on('subscribe', (m, ack) => {
    const id = (m && m.game_id) || auth.game_id;
    const g = games.get(id);
    if (!g) { if (typeof ack === 'function') ack({ error: 'not_found' }); return; }
    socket.join(`${id}:${v}`);
    socket.emit('game_state', view(g, v));
  });
  socket.on('game_state', (m, ack) => {
    if (role !== 'host') { if (typeof ack === 'function') ack({ error: 'forbidden' }); return; }
    const g = newGame(m.game_id, m.data);
    games.set(g.game_id, g);
    socket.join(`${g.game_id}:${v}`);
    if (typeof ack === 'function') ack({ ref: m.id, version: g.version });
    broadcast(g);
  });
  socket.on('settings_update', (m, ack) => {
    const g = games.get(m && m.game_id);
    if (role !== 'host' || !g) { if (typeof ack === 'function') ack({ error: role !== 'host' ? 'forbidden' : 'not_found' }); return; }
    const version = applySettings(g, m.data);
    if (typeof ack === 'function') ack({ ref: m.id, version });
    broadcast(g);
  });
  socket.on('heartbeat', (m, ack) => { if (typeof ack === 'function') ack({ server_time: Date.now() }); });
});

server.listen(args.port, args.host, () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
