// The game's settings (clock length, rounds, CP per turn) in the host panel.

import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../../lib/connection';
import { CLOCK_MS_DEFAULT, CLOCK_MS_MAX, CLOCK_MS_MIN, CP_PER_TURN_DEFAULT, CP_PER_TURN_MAX, ROUNDS_DEFAULT, ROUNDS_MAX, ROUNDS_MIN, gameSettings } from '../../lib/limits';
import { settingNumber, type GameState } from '../../lib/protocol';

const num = (e: Event) => Number((e.target as HTMLInputElement).value);

export function SettingsCard(props: { g: GameState; conn: Connection; off: boolean }) {
  const { g } = props;
  const read = () => ({
    minutes: settingNumber(g, 'clock_ms', CLOCK_MS_DEFAULT) / 60000,
    rounds: settingNumber(g, 'rounds', ROUNDS_DEFAULT),
    cp: settingNumber(g, 'cp_per_turn', CP_PER_TURN_DEFAULT),
  });
  const [v, setV] = useState(read);
  useEffect(() => setV(read()), [g.settings]);
  return (
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          props.conn.request('settings_update', gameSettings(v.minutes, v.rounds, v.cp));
        }}
      >
        <label class="inline">
          <span>Clock (min)</span>
          <input type="number" min={CLOCK_MS_MIN / 60000} max={CLOCK_MS_MAX / 60000} value={v.minutes} onInput={(e) => setV({ ...v, minutes: num(e) || 1 })} />
        </label>
        <label class="inline">
          <span>Rounds</span>
          <input type="number" min={ROUNDS_MIN} max={ROUNDS_MAX} value={v.rounds} onInput={(e) => setV({ ...v, rounds: num(e) || 1 })} />
        </label>
        <label class="inline">
          <span>CP per turn</span>
          <input type="number" min={0} max={CP_PER_TURN_MAX} value={v.cp} onInput={(e) => setV({ ...v, cp: Math.max(0, num(e) || 0) })} />
        </label>
        <button class="btn" type="submit" disabled={props.off}>
          Save settings
        </button>
      </form>
      {g.status !== 'setup' ? <p class="muted small">A new clock length applies to games not yet started; use the clock buttons above to correct a running game.</p> : null}
    </section>
  );
}
