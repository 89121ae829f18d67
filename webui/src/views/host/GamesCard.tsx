// The list of games in the host panel, as the server pushes it.

import { Icon } from '../../components/icons';
import { summaryName, type GameSummary } from '../../lib/protocol';

export function GamesCard(props: { games: GameSummary[] | null; selected: string | null; onSelect: (id: string) => void; onNew: () => void }) {
  const { games } = props;
  return (
    <section class="card" aria-labelledby="games-h">
      <div class="card-head">
        <h2 id="games-h">Games</h2>
        <button class="btn primary" onClick={props.onNew} data-testid="new-game">
          <Icon name="plus" size={20} /> New game
        </button>
      </div>
      {games && games.length ? (
        <ul class="game-list" data-testid="game-list">
          {games.map((g) => (
            <li key={g.game_id}>
              <button class={'game-item' + (g.game_id === props.selected ? ' selected' : '')} aria-pressed={g.game_id === props.selected} onClick={() => props.onSelect(g.game_id)}>
                <span class="gi-names">
                  {summaryName(g, 1)} vs {summaryName(g, 2)}
                </span>
                <span class="gi-score mono">
                  {g.players[0].score}–{g.players[1].score}
                </span>
                <span class={'pill ' + g.status}>{g.status}</span>
                <span class="muted small mono gi-id">{g.game_id}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{games ? 'No games yet.' : 'Loading…'}</p>
      )}
    </section>
  );
}
