// The "New game" dialog of the host panel.

import { useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { CLOCK_MS_DEFAULT, CLOCK_MS_MAX, CLOCK_MS_MIN, CP_PER_TURN_MAX, NAME_CHARS, ROUNDS_DEFAULT, ROUNDS_MAX, ROUNDS_MIN, gameSettings } from '../../lib/limits';
import type { GameState } from '../../lib/protocol';
import { Modal } from '../../components/ui';

const num = (e: Event) => Number((e.target as HTMLInputElement).value);

export function NewGame(props: { token: string | null; onClose: () => void; onCreated: (g: GameState) => void }) {
  const [p1, setP1] = useState('');
  const [p2, setP2] = useState('');
  const [minutes, setMinutes] = useState(CLOCK_MS_DEFAULT / 60000);
  const [rounds, setRounds] = useState(ROUNDS_DEFAULT);
  const [cp, setCp] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <Modal title="New game" onClose={props.onClose}>
      <form
        class="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            const g = await api.createGame(props.token, {
              player1_name: p1.trim(),
              player2_name: p2.trim(),
              settings: gameSettings(minutes, rounds, cp),
            });
            props.onCreated(g);
          } catch (err) {
            setError(err instanceof ApiError ? err.message : 'Could not create the game');
            setBusy(false);
          }
        }}
      >
        <label>
          <span>Player 1 name</span>
          <input value={p1} maxLength={NAME_CHARS} data-testid="new-p1" onInput={(e) => setP1((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>Player 2 name</span>
          <input value={p2} maxLength={NAME_CHARS} data-testid="new-p2" onInput={(e) => setP2((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>Clock per player (minutes)</span>
          <input type="number" min={CLOCK_MS_MIN / 60000} max={CLOCK_MS_MAX / 60000} value={minutes} onInput={(e) => setMinutes(num(e) || CLOCK_MS_DEFAULT / 60000)} />
        </label>
        <label>
          <span>Rounds</span>
          <input type="number" min={ROUNDS_MIN} max={ROUNDS_MAX} value={rounds} onInput={(e) => setRounds(num(e) || ROUNDS_DEFAULT)} />
        </label>
        <label>
          <span>CP per turn (both players)</span>
          <input type="number" min={0} max={CP_PER_TURN_MAX} value={cp} onInput={(e) => setCp(Math.max(0, num(e) || 0))} />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <div class="row end">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={busy} data-testid="create-game">
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}
