// The scoreboard: both sides equal, used by the observer, display, host and overlay.

import type { ClockSync } from '../lib/clock';
import { player, settingNumber, type GameState, type PlayerNumber, type PlayerState } from '../lib/protocol';
import type { Change } from '../lib/reducer';
import { Clock, nameOf } from './ui';

const FIELD_WORD: Record<string, string> = { primary: 'primary VP', secondary: 'secondary VP', cp: 'CP' };

/** One line saying what changed last, e.g. "Ana +3 primary VP". */
export function describeChange(c: Change | null, g: GameState | null): string {
  if (!c || !g) return '';
  const who = c.player ? nameOf(player(g, c.player), c.player) : '';
  switch (c.field) {
    case 'primary':
    case 'secondary':
    case 'cp': {
      const d = c.delta || 0;
      return who + ' ' + (d > 0 ? '+' : d < 0 ? '−' : '±') + Math.abs(d) + ' ' + FIELD_WORD[c.field];
    }
    case 'turn':
      return c.player ? who + '’s turn' : 'Turn changed';
    case 'round':
      return 'Round ' + g.round;
    case 'status':
      return ''; // the headline already says it
    case 'name':
    case 'faction':
      return who + ' updated';
    case 'clock':
      return who + '’s clock set';
  }
}

/** The headline: round, turn, or the result. */
export function statusLine(g: GameState, me: PlayerNumber | null = null): string {
  const rounds = settingNumber(g, 'rounds', 5);
  switch (g.status) {
    case 'setup':
      return 'Setting up';
    case 'paused':
      return 'Paused · Round ' + g.round + ' of ' + rounds;
    case 'ended': {
      if (!g.winner) return 'Game over · Draw';
      if (me) return g.winner === me ? 'Game over · You won' : 'Game over · You lost';
      return 'Game over · ' + nameOf(player(g, g.winner), g.winner) + ' wins';
    }
    default:
      return 'Round ' + g.round + ' of ' + rounds;
  }
}

function Side(props: { p: PlayerState; g: GameState; sync: ClockSync; change: Change | null; flashKey: string }) {
  const { p, g, change } = props;
  const n = p.player_number;
  const hl = (f: string) => (change && change.player === n && change.field === f ? ' hl' : '');
  const turn = g.status === 'active' && g.current_turn === n;
  return (
    <section
      class={'side p' + n + (turn ? ' turn' : '') + (g.winner === n ? ' winner' : '')}
      aria-label={nameOf(p, n) + (turn ? ', to play' : '')}
      data-testid={'side-' + n}
    >
      <div class="side-head">
        <div class="who">
          <div class="name">
            <span class={'conn-dot' + (p.connected ? ' on' : '')} title={p.connected ? 'Phone connected' : 'Phone not connected'} />
            {nameOf(p, n)}
          </div>
          <div class="faction">{p.faction || '\u00a0'}</div>
        </div>
        <div class="badges">
          {g.attacker === n ? <span class="badge">Attacker</span> : g.attacker ? <span class="badge dim">Defender</span> : null}
          {turn ? <span class="badge turnb">Turn</span> : null}
          {g.status === 'ended' && g.winner === n ? <span class="badge turnb">Winner</span> : null}
        </div>
      </div>
      <div class={'total' + hl('primary') + hl('secondary')} key={props.flashKey + hl('primary') + hl('secondary')} data-testid={'score-' + n}>
        <span class="sr">Score </span>
        {p.score}
      </div>
      <dl class="parts">
        <div class={'part' + hl('primary')}>
          <dt>Primary</dt>
          <dd data-testid={'primary-' + n}>{p.primary}</dd>
        </div>
        <div class={'part' + hl('secondary')}>
          <dt>Secondary</dt>
          <dd data-testid={'secondary-' + n}>{p.secondary}</dd>
        </div>
        <div class={'part' + hl('cp')}>
          <dt>CP</dt>
          <dd data-testid={'cp-' + n}>{p.cp}</dd>
        </div>
      </dl>
      <Clock p={p} game={g} sync={props.sync} />
    </section>
  );
}

export function Board(props: { g: GameState; sync: ClockSync; change: Change | null; size?: 'phone' | 'tv' }) {
  const { g } = props;
  const p1 = player(g, 1);
  const p2 = player(g, 2);
  const flashKey = props.change ? String(props.change.version) : '0';
  return (
    <div class={'board ' + (props.size || 'phone')}>
      <div class="board-head">
        <div class="headline" data-testid="headline">
          {statusLine(g)}
        </div>
        <div class="last" aria-live="polite" data-testid="last-change">
          {describeChange(props.change, g)}
        </div>
      </div>
      <div class="sides">
        {p1 ? <Side p={p1} g={g} sync={props.sync} change={props.change} flashKey={flashKey} /> : null}
        {p2 ? <Side p={p2} g={g} sync={props.sync} change={props.change} flashKey={flashKey} /> : null}
      </div>
    </div>
  );
}
