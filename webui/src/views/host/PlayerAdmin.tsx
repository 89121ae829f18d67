// One player's row in the host panel: rename during setup, correct the scores,
// CP and clock at any time. Each value sits on its own line with − and + beside
// it, so the block fits a 320 px phone.

import { useEffect, useState } from 'preact/hooks';
import { remainingAt } from '../../lib/clock';
import type { Connection } from '../../lib/connection';
import { CLOCK_MS_MAX, NAME_CHARS, fieldMax, type ScoreField } from '../../lib/limits';
import { player, type GameState, type PlayerNumber } from '../../lib/protocol';
import { Clock, TapButton } from '../../components/ui';
import { RoundTable } from '../../components/depth';
import { scoringRound } from '../../lib/depth';

const FIELD_NAME: Record<ScoreField, string> = { primary: 'Primary', secondary: 'Secondary', cp: 'CP' };

export function PlayerAdmin(props: { g: GameState; n: PlayerNumber; conn: Connection; off: boolean }) {
  const { g, n, conn, off } = props;
  const p = player(g, n)!;
  const [name, setName] = useState(p.name);
  useEffect(() => setName(p.name), [p.name]);
  const send = (type: string, data: Record<string, unknown>) => conn.request(type, data);
  const score = (d: Record<string, unknown>) => send('score_update', { player_number: n, ...d });
  // − and + of primary and secondary act on the current round's cell
  const step = (f: ScoreField, d: number) => score(f === 'cp' ? { cp_delta: d } : { [f + '_delta']: d, round: scoringRound(g) });
  const remainingNow = () => remainingAt(p, g, conn.sync.serverNow(performance.now()));
  const who = 'Player ' + n;
  return (
    <div class={'player-admin p' + n}>
      <h3>{who}</h3>
      <form
        class="rename"
        onSubmit={(e) => {
          e.preventDefault();
          send('game_setup', { ['player' + n + '_name']: name.trim() });
        }}
      >
        <input aria-label={who + ' name'} value={name} maxLength={NAME_CHARS} disabled={g.status !== 'setup'} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid={'admin-name-' + n} />
        <button class="btn" type="submit" disabled={off || g.status !== 'setup' || name.trim() === p.name} title="Names can change during setup">
          Rename
        </button>
      </form>
      <div class="adjust" role="group" aria-label={who + ' scores and clock'}>
        {(['primary', 'secondary', 'cp'] as const).map((f) => (
          <div class="adjust-row" key={f}>
            <span class="adjust-label">{FIELD_NAME[f]}</span>
            <TapButton class="small" icon="minus" label={who + ' ' + FIELD_NAME[f] + ' minus one'} disabled={off || p[f] <= 0} onTap={() => step(f, -1)} guard={200} />
            <span class="num">{p[f]}</span>
            <TapButton class="small" icon="plus" label={who + ' ' + FIELD_NAME[f] + ' plus one'} disabled={off || p[f] >= fieldMax(f)} onTap={() => step(f, 1)} guard={200} />
          </div>
        ))}
        <RoundTable g={g} n={n} caption={'Per round (buttons: round ' + scoringRound(g) + ')'} />
        <div class="adjust-row">
          <span class="adjust-label">Clock</span>
          <TapButton class="small" disabled={off} onTap={() => send('timer_update', { player_number: n, action: 'set', time_remaining: Math.max(0, remainingNow() - 60000) })}>
            <span class="sr">{who} clock </span>−1 min
          </TapButton>
          <span class="num">
            <Clock p={p} game={g} sync={conn.sync} class="inline" />
          </span>
          <TapButton class="small" disabled={off} onTap={() => send('timer_update', { player_number: n, action: 'set', time_remaining: Math.min(CLOCK_MS_MAX, remainingNow() + 60000) })}>
            <span class="sr">{who} clock </span>+1 min
          </TapButton>
        </div>
      </div>
    </div>
  );
}
