// "Download backup": a copy of the whole database (GET /api/backup, host only),
// fetched with the host's token and saved under the server's dated filename.

import { useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { saveBlob } from '../../lib/download';
import { Icon } from '../../components/icons';

export function BackupCard(props: { token: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const download = async () => {
    setBusy(true);
    setError('');
    setSaved('');
    try {
      const { blob, name } = await api.backup(props.token);
      saveBlob(blob, name);
      setSaved(name);
    } catch (e) {
      setError(e instanceof ApiError ? 'Backup failed: ' + e.message : 'Backup failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="backup-h" data-testid="backup-card">
      <div class="card-head">
        <h2 id="backup-h">Backup</h2>
        <button class="btn" onClick={download} disabled={busy} aria-busy={busy} data-testid="backup-download">
          <Icon name="download" size={20} /> {busy ? 'Preparing…' : 'Download backup'}
        </button>
      </div>
      <p class="muted small">A copy of every game, invite and setting in one file. Keep one before an upgrade.</p>
      {error ? (
        <p class="error" role="alert" data-testid="backup-error">
          {error}
        </p>
      ) : null}
      <p class="muted small" role="status" data-testid="backup-status">
        {busy ? 'Preparing the backup…' : saved ? 'Saved as ' + saved + '.' : ''}
      </p>
    </section>
  );
}
