// Peer: a Colyseus room holding the same two-player game state as a Schema. One
// room per game (matchmaking filters on game_id). How Colyseus syncs: clients
// never get the state as JSON; a join receives the whole state once (ROOM_STATE),
// and afterwards the room encodes only the fields that changed since the last
// patch and broadcasts that binary delta (ROOM_STATE_PATCH) to every client every
// patchRate milliseconds (the default, 50 ms = 20 patches a second, kept here). A
// change therefore reaches clients at the next patch tick, not at once: up to
// 50 ms of added latency by design, and many changes in one tick share one patch.
// A change is a room message ("settings_update"), answered with an "ack" message to
// its sender. Private notes and host-only settings would need StateView filtering;
// this room gives everyone the same state (all fields public) and models no
// private notes, so it does less than State Server's per-role views. Nothing is
// persisted.
import { Server, Room } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { schema, t } from '@colyseus/schema';
import { parseArgs, announce } from './common.mjs';

const Player = schema({
  player_number: t.number(), name: t.string(), faction: t.string(), primary: t.number(), secondary: t.number(),
  score: t.number(), cp: t.number(), time_remaining: t.number(), time_used: t.number(), is_running: t.boolean(),
  flagged: t.boolean(), connected: t.boolean(),
}, 'Player');

const GameState = schema({
  game_id: t.string(), version: t.number(), status: t.string(), round: t.number(), current_turn: t.number(),
  first_player: t.number(), winner: t.number(), draw: t.boolean(), players: t.array(Player), attacker: t.number(),
  game_time: t.number(), settings: t.map("string"), created_at: t.string(), updated_at: t.string(),
  server_time: t.number(),
}, 'GameState');

class GameRoom extends Room {
  onCreate(options) {
    const now = Date.now();
    const s = new GameState();
    s.game_id = options.game_id; s.version = 1; s.status = 'setup'; s.round = 0; s.draw = false;
    for (const n of [1, 2]) {
      const p = new Player();
      Object.assign(p, { player_number: n, name: options[`player${n}_name`] || '', faction: '', primary: 0, secondary: 0,
        score: 0, cp: 0, time_remaining: 5400000, time_used: 0, is_running: false, flagged: false, connected: false });
      s.players.push(p);
    }
    s.settings.set('rounds', '5'); s.settings.set('clock_ms', '5400000'); s.settings.set('cp_per_turn', '0');
    s.created_at = s.updated_at = new Date(now).toISOString();
    s.server_time = now; s.game_time = 0;
    this.state = s;
    this.onMessage('settings_update', (client, data) => {
      if (client.userData.role !== 'host') return client.send('error', { code: 'forbidden' });
      for (const [k, v] of Object.entries(data || {})) this.state.settings.set(k, String(v));
      this.state.version++;
      const t0 = Date.now();
      this.state.updated_at = new Date(t0).toISOString();
      this.state.server_time = t0;
      client.send('ack', { version: this.state.version });
    });
  }

  onJoin(client, options) {
    client.userData = { role: options.role || 'host', player_number: options.player_number || 0 };
    if (client.userData.role === 'player') this.state.players[client.userData.player_number - 1].connected = true;
  }
}

const args = parseArgs(process.argv);
const gameServer = new Server({ transport: new WebSocketTransport({ maxPayload: 16 * 1024 }), greet: false });
gameServer.define('game', GameRoom).filterBy(['game_id']);
await gameServer.listen(args.port, args.host);
const addr = gameServer.transport.server ? gameServer.transport.server.address() : null;
announce(addr ? addr.port : args.port);
process.on('SIGTERM', () => process.exit(0));
