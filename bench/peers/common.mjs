// The benchmark scenario as the peers serve it: the same two-player game state as
// State Server (PROTOCOL.md section 6, same fields, same order, so the same JSON
// size), the same four views (host, player 1, player 2, observer) and the same
// change (settings_update) with its ack. Held in memory only: the peers do not
// persist anything, so they do less work per change than State Server, which
// commits to SQLite (synchronous=FULL) before it acks and broadcasts.

export function parseArgs(argv) {
  const a = { port: 0, host: '127.0.0.1' };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--port') a.port = Number(argv[++i]);
    else if (argv[i] === '--bind') a.host = argv[++i];
  }
  return a;
}

const iso = (ms) => new Date(ms).toISOString();

function newPlayer(n, name) {
  return { player_number: n, name: name || '', faction: '', primary: 0, secondary: 0, score: 0, cp: 0,
    time_remaining: 5400000, time_used: 0, is_running: false, flagged: false, connected: false, private: {} };
}

export function newGame(id, data = {}) {
  const now = Date.now();
  const names = ['', ''];
  for (const p of data.players || []) if (p.player_number === 1 || p.player_number === 2) names[p.player_number - 1] = p.name;
  if (data.player1_name) names[0] = data.player1_name;
  if (data.player2_name) names[1] = data.player2_name;
  return {
    game_id: id, version: 1, status: 'setup', round: 0, current_turn: null, first_player: null, winner: null, draw: false,
    players: [newPlayer(1, names[0]), newPlayer(2, names[1])], attacker: null, game_time: 0,
    settings: { rounds: 5, clock_ms: 5400000, cp_per_turn: 0 }, created_at: iso(now), updated_at: iso(now), server_time: now,
  };
}

/** Applies a host's settings_update; returns the new version. */
export function applySettings(g, data) {
  for (const [k, v] of Object.entries(data || {})) {
    if (v === null) delete g.settings[k];
    else if (['string', 'number', 'boolean'].includes(typeof v)) g.settings[k] = v;
  }
  g.version++;
  g.updated_at = iso(Date.now());
  return g.version;
}

/** The state as a view may see it (private notes and host. settings filtered). */
export function view(g, v) {
  const now = Date.now();
  const players = g.players.map((p) => {
    const own = (v === 'host') || (v === 'p1' && p.player_number === 1) || (v === 'p2' && p.player_number === 2);
    if (own) return p;
    const { private: _, ...rest } = p;
    return rest;
  });
  let settings = g.settings;
  if (v !== 'host') {
    settings = {};
    for (const [k, val] of Object.entries(g.settings)) if (!k.startsWith('host.')) settings[k] = val;
  }
  return { ...g, players, settings, server_time: now };
}

export function viewOf(role, player) {
  if (role === 'host') return 'host';
  if (role === 'player') return player === 2 ? 'p2' : 'p1';
  return 'observer';
}

export const VIEWS = ['host', 'p1', 'p2', 'observer'];

export function envelope(type, gameId, data) {
  const e = { type, timestamp: iso(Date.now()) };
  if (gameId) e.game_id = gameId;
  e.data = data;
  return e;
}

export function announce(port) {
  console.log(`listening on http://127.0.0.1:${port}`);
}
