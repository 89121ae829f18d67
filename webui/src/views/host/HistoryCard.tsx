// The action log of the selected game (GET .../history), newest first, and its CSV.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { saveBlob } from '../../lib/download';
import type { GameState, HistoryEntry } from '../../lib/protocol';
import { Icon } from '../../components/icons';

const SHOWN = 200;

export function HistoryCard(props: { g: GameState; token: string | null }) {
  const [rows, setRows] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState('');
  const load = async () => {
    setError('');
    try {
      setRows(await api.history(props.g.game_id, props.token));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Cannot load history');
    }
  };
  useEffect(() => {
    if (rows) load();
  }, [props.g.version]);
  const download = async () => {
    try {
      saveBlob(await api.historyCsv(props.g.game_id, props.token), props.g.game_id + '-history.csv');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Download failed');
    }
  };
  return (
    <section class="card" aria-labelledby="hist-h">
      <div class="card-head">
        <h2 id="hist-h">History</h2>
        <div class="row">
          <button class="btn" onClick={load} data-testid="history-load">
            {rows ? 'Refresh' : 'Show'}
          </button>
          <button class="btn" onClick={download} data-testid="history-csv">
            <Icon name="download" size={20} /> CSV
          </button>
        </div>
      </div>
      {error ? <p class="error">{error}</p> : null}
      {rows ? (
        rows.length ? (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="History entries">
            <table class="list history">
              <thead>
                <tr>
                  <th scope="col">version</th>
                  <th scope="col">at</th>
                  <th scope="col">round</th>
                  <th scope="col">actor</th>
                  <th scope="col">type</th>
                  <th scope="col">data</th>
                  <th scope="col">undone by</th>
                </tr>
              </thead>
              <tbody>
                {rows
                  .slice(-SHOWN)
                  .reverse()
                  .map((r, i) => (
                    <tr key={i}>
                      <td>{r.version}</td>
                      <td>{r.at}</td>
                      <td>{r.round === null || r.round === undefined ? '' : r.round}</td>
                      <td>{r.actor}</td>
                      <td>{r.type}</td>
                      <td>{JSON.stringify(r.data)}</td>
                      <td>{r.undone_by === null ? '' : r.undone_by}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">Nothing yet.</p>
        )
      ) : null}
    </section>
  );
}
