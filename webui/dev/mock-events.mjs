// Tournaments for the mock server (PROTOCOL.md section 11), just enough to
// develop and screenshot the event pages: entrants, a simple Swiss pairing (no
// club separation or table rules), the round timer, judge calls, confirmed and
// final results, standings. In memory only. The real server's src/pairing.c and
// src/standings.c are the reference; where this differs, they win.

import { randomBytes } from 'node:crypto';

/**
 * `m`: the mock's pieces: games (Map), invites (Map), sessions (Map), newCode(),
 * createGame(body), publicState(g, who), broadcast(g), env(type, data, gameId), clients (Set).
 */
export function mockEvents(m) {
  const events = new Map();
  const gameEvent = new Map(); // game_id -> event

  const id = (p) => p + randomBytes(3).toString('hex');

  function seatOf(ev, entrantId) {
    for (const t of ev.tables) {
      const i = t.entrants.indexOf(entrantId);
      if (i >= 0) return { game_id: t.game_id, player_number: i + 1 };
    }
    return null;
  }

  /** An entrant's session as a role: player of its current table, else entrant. */
  function resolve(s) {
    const ev = events.get(s.event_id);
    if (!ev) return { role: 'none' };
    const seat = seatOf(ev, s.entrant_id);
    return seat ? { role: 'player', ...seat, event_id: ev.event_id, entrant_id: s.entrant_id, code: s.code } : { role: 'entrant', event_id: ev.event_id, entrant_id: s.entrant_id, code: s.code };
  }

  function timerLeft(ev) {
    return ev.timer.running ? Math.max(0, ev.timer.remaining_ms - (Date.now() - ev.timer.since)) : ev.timer.remaining_ms;
  }

  function resultOf(g) {
    if (g.status !== 'ended') return null;
    return { winner: g.winner, confirmed: g.confirmed || [], disputed: !!g.disputed, final: !!g.final };
  }

  function standings(ev) {
    const rows = new Map(ev.entrants.map((e) => [e.entrant_id, { entrant_id: e.entrant_id, name: e.name, faction: e.faction, club: e.club, dropped: e.dropped, w: 0, d: 0, l: 0, points: 0, sos: 0, vp_for: 0, vp_against: 0, opps: [] }]));
    for (const r of ev.history) {
      if (r.bye) {
        const row = rows.get(r.bye);
        row.w++;
        row.points += ev.scoring.win;
        continue;
      }
      const g = m.games.get(r.game_id);
      if (!g || !g.final) continue;
      r.entrants.forEach((eid, i) => {
        const row = rows.get(eid);
        const me = g.players[i];
        const op = g.players[1 - i];
        row.vp_for += me.primary + me.secondary;
        row.vp_against += op.primary + op.secondary;
        row.opps.push(r.entrants[1 - i]);
        if (g.winner === null) (row.d++, (row.points += ev.scoring.draw));
        else if (g.winner === i + 1) (row.w++, (row.points += ev.scoring.win));
        else (row.l++, (row.points += ev.scoring.loss));
      });
    }
    for (const row of rows.values()) row.sos = row.opps.reduce((a, o) => a + rows.get(o).points, 0);
    const list = [...rows.values()].sort((a, b) => b.points - a.points || b.sos - a.sos || b.vp_for - b.vp_against - (a.vp_for - a.vp_against) || b.vp_for - a.vp_for);
    list.forEach((r, i) => (r.rank = i > 0 && r.points === list[i - 1].points && r.sos === list[i - 1].sos && r.vp_for === list[i - 1].vp_for && r.vp_against === list[i - 1].vp_against ? list[i - 1].rank : i + 1));
    return list.map(({ opps, ...r }) => r);
  }

  function state(ev, who) {
    const host = who.role === 'host';
    return {
      event_id: ev.event_id,
      name: ev.name,
      status: ev.status,
      round: ev.round,
      rounds: ev.rounds,
      round_time_ms: ev.round_time_ms,
      scoring: ev.scoring,
      timer: { remaining_ms: timerLeft(ev), running: ev.timer.running },
      entrants: ev.entrants.map((e) => ({ entrant_id: e.entrant_id, name: e.name, faction: e.faction, club: e.club, dropped: e.dropped, ...(host ? { code: e.code, url: e.url } : {}) })),
      tables: ev.tables.map((t) => {
        const g = m.games.get(t.game_id);
        const s = m.publicState(g, { role: 'observer' });
        return {
          table: t.table,
          game_id: t.game_id,
          status: g.status,
          round: g.round,
          current_turn: g.current_turn,
          players: s.players.map((p, i) => ({ player_number: i + 1, entrant_id: t.entrants[i], name: p.name, faction: p.faction, score: p.score })),
          result: resultOf(g),
          judge: g.judge || null,
        };
      }),
      byes: ev.byes,
      standings: standings(ev),
      server_time: Date.now(),
    };
  }

  function push(ev) {
    for (const c of m.clients) {
      if (!c.eventSubs || !c.eventSubs.has(ev.event_id)) continue;
      const who = c.who.role === 'host' ? c.who : c.token ? m.whoIs(c.token) : c.who;
      c.ws.send(m.env('event_state', state(ev, who)));
    }
  }

  function pair(ev) {
    const active = ev.entrants.filter((e) => !e.dropped).map((e) => e.entrant_id);
    const order = standings(ev).map((r) => r.entrant_id).filter((x) => active.includes(x));
    const met = new Set(ev.history.filter((r) => !r.bye).map((r) => r.entrants.slice().sort().join('|')));
    const pool = order.slice();
    const byes = [];
    if (pool.length % 2) {
      const had = new Set(ev.history.filter((r) => r.bye).map((r) => r.bye));
      const i = [...pool.keys()].reverse().find((k) => !had.has(pool[k]));
      byes.push(pool.splice(i === undefined ? pool.length - 1 : i, 1)[0]);
    }
    const pairs = [];
    while (pool.length) {
      const a = pool.shift();
      let j = pool.findIndex((b) => !met.has([a, b].sort().join('|')));
      if (j < 0) j = 0;
      pairs.push([a, pool.splice(j, 1)[0]]);
    }
    ev.round++;
    ev.status = 'running';
    ev.byes = byes;
    ev.timer = { remaining_ms: ev.round_time_ms, running: false, since: 0 };
    ev.tables = pairs.map((p, i) => {
      const [a, b] = p.map((x) => ev.entrants.find((e) => e.entrant_id === x));
      const g = m.createGame({ player1_name: a.name, player2_name: b.name, settings: ev.settings });
      g.players[0].faction = a.faction;
      g.players[1].faction = b.faction;
      gameEvent.set(g.game_id, ev);
      return { table: i + 1, game_id: g.game_id, entrants: p };
    });
    for (const b of byes) ev.history.push({ round: ev.round, bye: b });
    for (const t of ev.tables) ev.history.push({ round: ev.round, game_id: t.game_id, entrants: t.entrants });
  }

  const body = (res, status, obj) => m.send(res, status, obj);

  return {
    resolve,
    /** A join code of an entrant or an event observer, or null. */
    join(code, token) {
      for (const ev of events.values()) {
        const e = ev.entrants.find((x) => x.code === code);
        if (e) {
          m.sessions.set(token, { role: 'entrant', event_id: ev.event_id, entrant_id: e.entrant_id, code });
          const seat = seatOf(ev, e.entrant_id);
          return { token, role: seat ? 'player' : 'entrant', game_id: seat ? seat.game_id : null, player_number: seat ? seat.player_number : null, event_id: ev.event_id, entrant_id: e.entrant_id };
        }
        if (ev.observers.has(code)) {
          m.sessions.set(token, { role: 'event-observer', event_id: ev.event_id, code });
          return { token, role: 'observer', game_id: null, player_number: null, event_id: ev.event_id, entrant_id: null };
        }
      }
      return null;
    },
    /** May `who` read game `gameId` (an entrant's table, an event observer's games)? */
    mayRead(who, gameId) {
      const ev = gameEvent.get(gameId);
      return !!ev && (who.role === 'event-observer' ? who.event_id === ev.event_id : false);
    },
    /** The depth parts of a game state: judge and result, and the event block. */
    extend(g, out) {
      out.judge = g.judge || null;
      out.result = resultOf(g);
      const ev = gameEvent.get(g.game_id);
      if (ev) {
        const t = ev.tables.find((x) => x.game_id === g.game_id);
        out.event = { event_id: ev.event_id, name: ev.name, round: ev.round, table: t ? t.table : 0, timer: { remaining_ms: timerLeft(ev), running: ev.timer.running } };
      }
    },
    /** judge_call, judge_done, result_confirm; true if handled. */
    apply(g, type, d, who) {
      const host = who.role === 'host';
      if (type === 'judge_call') {
        if (!g.judge) g.judge = { called_by: host ? 'host' : 'player' + who.player_number, reason: String(d.reason || '').slice(0, 200), at: Date.now() };
        return true;
      }
      if (type === 'judge_done') {
        if (!host) m.refuse('forbidden', 'host only');
        g.judge = null;
        return true;
      }
      if (type === 'result_confirm') {
        if (host || who.role !== 'player') m.refuse('forbidden', 'players only');
        if (g.status !== 'ended') m.refuse('invalid_state', 'not ended');
        g.confirmed = g.confirmed || [];
        if (d.agree === false) {
          g.disputed = true;
          g.judge = g.judge || { called_by: 'player' + who.player_number, reason: 'Result disputed', at: Date.now() };
        } else if (!g.confirmed.includes(who.player_number)) g.confirmed.push(who.player_number);
        if (g.confirmed.length === 2 && !g.disputed) g.final = true;
        return true;
      }
      return false;
    },
    changed(g) {
      const ev = gameEvent.get(g.game_id);
      if (ev) push(ev);
    },
    /** subscribe_event on the socket; true if handled. */
    ws(c, msg, err) {
      if (msg.type !== 'subscribe_event') return false;
      const eid = msg.data && msg.data.event_id;
      const ev = events.get(eid);
      if (!ev) return err('not_found', 'no such event'), true;
      if (c.who.role !== 'host' && c.who.event_id !== eid) return err('forbidden', 'not your event'), true;
      c.eventSubs = c.eventSubs || new Set();
      c.eventSubs.add(eid);
      c.ws.send(m.env('event_state', state(ev, c.who)));
      return true;
    },
    /** /api/events... and /api/hall; true if handled. */
    async http(req, res, path, url, who) {
      const host = who.role === 'host';
      if (path === '/api/hall' && req.method === 'GET') {
        if (!host) return m.fail(res, 401, 'unauthorized', 'host only'), true;
        const games = [...m.games.values()].map((g) => {
          const ev = gameEvent.get(g.game_id);
          const t = ev && ev.tables.find((x) => x.game_id === g.game_id);
          return { ...m.publicState(g, { role: 'observer' }), box: 'mock', table: t ? t.table : null, event_id: ev ? ev.event_id : null };
        });
        return body(res, 200, { box: 'mock', server_time: Date.now(), games }), true;
      }
      if (!path.startsWith('/api/events')) return false;
      const parts = path.split('/').slice(3).map(decodeURIComponent);
      if (who.role === 'none') return m.fail(res, 401, 'unauthorized', 'token needed'), true;
      if (!parts.length) {
        if (!host) return m.fail(res, 403, 'forbidden', 'host only'), true;
        if (req.method === 'GET') return body(res, 200, { events: [...events.values()].map((e) => ({ event_id: e.event_id, name: e.name, status: e.status, round: e.round, rounds: e.rounds, entrants: e.entrants.length })) }), true;
        const b = await m.readBody(req);
        if (!b.name || !(b.rounds >= 1)) return m.fail(res, 400, 'bad_message', 'name and rounds'), true;
        const ev = { event_id: id('e-'), name: String(b.name), rounds: b.rounds, round_time_ms: b.round_time_ms || 9000000, scoring: b.scoring || { win: 3, draw: 1, loss: 0 }, settings: b.settings || {}, status: 'setup', round: 0, entrants: [], tables: [], byes: [], history: [], observers: new Set(), timer: { remaining_ms: b.round_time_ms || 9000000, running: false, since: 0 } };
        events.set(ev.event_id, ev);
        return body(res, 201, state(ev, who)), true;
      }
      const ev = events.get(parts[0]);
      if (!ev) return m.fail(res, 404, 'not_found', 'no such event'), true;
      const sub = parts[1] || '';
      if (req.method === 'GET' && sub === '') {
        if (!host && who.event_id !== ev.event_id) return m.fail(res, 403, 'forbidden', 'not your event'), true;
        return body(res, 200, state(ev, who)), true;
      }
      if (req.method === 'GET' && sub === 'standings') {
        if (url.searchParams.get('format') === 'csv') {
          const rows = standings(ev);
          const text = ['rank,name,faction,club,W,D,L,points,SoS,VP for,VP against'].concat(rows.map((r) => [r.rank, r.name, r.faction, r.club, r.w, r.d, r.l, r.points, r.sos, r.vp_for, r.vp_against].join(','))).join('\r\n') + '\r\n';
          res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="standings.csv"' });
          return res.end(text), true;
        }
        return body(res, 200, { standings: standings(ev) }), true;
      }
      if (!host) return m.fail(res, 403, 'forbidden', 'host only'), true;
      const b = req.method === 'GET' || req.method === 'DELETE' ? {} : await m.readBody(req);
      const origin = 'http://' + req.headers.host;
      if (sub === 'entrants' && req.method === 'GET') return body(res, 200, { entrants: state(ev, who).entrants }), true;
      if (sub === 'entrants' && req.method === 'POST') {
        const list = Array.isArray(b.entrants) ? b.entrants : [b];
        if (!list.length || list.length > 512 || list.some((e) => !e || !e.name)) return m.fail(res, 400, 'bad_message', 'entrants need names'), true;
        const made = list.map((e) => {
          const code = m.newCode();
          m.invites.set(code, { code, event: true });
          const x = { entrant_id: id('n-'), name: String(e.name), faction: e.faction || '', club: e.club || '', dropped: false, code, url: origin + '/j/' + code };
          ev.entrants.push(x);
          return x;
        });
        push(ev);
        return body(res, 201, Array.isArray(b.entrants) ? { entrants: made } : made[0]), true;
      }
      if (sub === 'entrants' && req.method === 'PATCH') {
        const e = ev.entrants.find((x) => x.entrant_id === parts[2]);
        if (!e) return m.fail(res, 404, 'not_found', 'unknown entrant'), true;
        for (const k of ['name', 'faction', 'club', 'dropped']) if (k in b) e[k] = b[k];
        push(ev);
        return body(res, 200, e), true;
      }
      if (sub === 'rounds' && req.method === 'POST') {
        if (ev.tables.some((t) => !m.games.get(t.game_id).final)) return m.fail(res, 409, 'invalid_state', 'a game of this round has no final result'), true;
        if (ev.round >= ev.rounds) return m.fail(res, 409, 'invalid_state', 'all rounds played'), true;
        pair(ev);
        push(ev);
        return body(res, 201, state(ev, who)), true;
      }
      if (sub === 'timer' && req.method === 'POST') {
        const left = timerLeft(ev);
        if (b.action === 'start' || b.action === 'resume') ev.timer = { remaining_ms: b.action === 'start' && !left ? ev.round_time_ms : left, running: true, since: Date.now() };
        else if (b.action === 'pause') ev.timer = { remaining_ms: left, running: false, since: 0 };
        else if (b.action === 'set') ev.timer = { remaining_ms: b.remaining_ms, running: ev.timer.running, since: Date.now() };
        else return m.fail(res, 400, 'bad_message', 'action'), true;
        push(ev);
        return body(res, 200, state(ev, who)), true;
      }
      if (sub === 'results' && req.method === 'POST') {
        const g = m.games.get(parts[2]);
        if (!g || gameEvent.get(g.game_id) !== ev) return m.fail(res, 404, 'not_found', 'not a game of this event'), true;
        if (g.status !== 'ended') m.endGame(g, b.winner === undefined ? undefined : b.winner);
        g.winner = b.winner === undefined ? g.winner : b.winner;
        g.final = true;
        g.disputed = false;
        g.judge = null;
        g.version++;
        m.broadcast(g);
        return body(res, 200, state(ev, who)), true;
      }
      if (sub === 'invites' && req.method === 'POST') {
        const code = m.newCode();
        m.invites.set(code, { code, event: true });
        ev.observers.add(code);
        return body(res, 201, { code, url: origin + '/hall/' + ev.event_id + '?code=' + code, role: 'observer' }), true;
      }
      if (sub === '' && req.method === 'DELETE') {
        events.delete(ev.event_id);
        res.writeHead(204).end();
        return true;
      }
      return m.fail(res, 404, 'not_found', 'no such route'), true;
    },
  };
}
