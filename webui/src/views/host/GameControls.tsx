// The selected game in the host panel: its board and controls, the players,
// the roll-offs, settings, invites, history, and deleting it.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../../lib/api';
import type { Connection } from '../../lib/connection';
import { player, type GameState, type PlayerNumber } from '../../lib/protocol';
import type { Change } from '../../lib/reducer';
import { Board } from '../../components/board';
import { JudgeBanner, ResultPanel } from '../../components/depth';
import { Confirm, Modal, TapButton, nameOf } from '../../components/ui';
import { HistoryCard } from './HistoryCard';
import { InvitesCard } from './InvitesCard';
import { PlayerAdmin } from './PlayerAdmin';
import { SettingsCard } from './SettingsCard';

function rollD6(): number {
  const a = new Uint8Array(1);
  do crypto.getRandomValues(a);
  while (a[0] >= 252);
  return (a[0] % 6) + 1;
}

export function GameControls(props: {
  top: ComponentChildren;
  g: GameState;
  conn: Connection;
  busy: boolean;
  live: boolean;
  token: string | null;
  invitesRev: number;
  change: Change | null;
  /** Cards of the whole server (sessions), below the game's own. */
  bottom?: ComponentChildren;
  onDeleted: () => void;
}) {
  const { g, conn, busy, live, token } = props;
  const [dialog, setDialog] = useState<'end' | 'delete' | null>(null);
  const [rolls, setRolls] = useState<Record<string, string>>({});
  const off = !live || busy;
  const send = (type: string, data: Record<string, unknown> = {}) => conn.request(type, data);
  const p1 = player(g, 1);
  const p2 = player(g, 2);

  const rollOff = (key: 'attacker' | 'first_player') => {
    let a = rollD6();
    let b = rollD6();
    let rerolls = 0;
    while (a === b && rerolls < 20) {
      a = rollD6();
      b = rollD6();
      rerolls++;
    }
    const winner: PlayerNumber = a > b ? 1 : 2;
    setRolls({ ...rolls, [key]: nameOf(p1, 1) + ' ' + a + ' – ' + b + ' ' + nameOf(p2, 2) + ': ' + nameOf(player(g, winner), winner) + ' wins' });
    send('game_setup', { [key]: winner });
  };

  return (
    <div class="host-grid">
      <div class="col">
      {props.top}
      <section class="card" aria-labelledby="game-h">
        <div class="card-head">
          <h2 id="game-h">
            {nameOf(p1, 1)} vs {nameOf(p2, 2)} <span class={'pill ' + g.status}>{g.status}</span>
          </h2>
          <span class="muted small mono">
            {g.game_id} · v{g.version}
          </span>
        </div>
        <JudgeBanner g={g} onDone={() => send('judge_done')} disabled={off} />
        <Board g={g} sync={conn.sync} change={props.change} />
        <ResultPanel g={g} me={0} disabled={off} onConfirm={(agree, winner) => send('result_confirm', winner === undefined ? { agree } : { agree, winner })} />
        <div class="row wrap controls" role="group" aria-label="Game controls">
          {g.status === 'setup' ? (
            <TapButton class="primary" disabled={off} onTap={() => send('game_start')} testid="start">
              Start game
            </TapButton>
          ) : null}
          {g.status === 'active' ? (
            <TapButton disabled={off} onTap={() => send('game_pause')} testid="pause">
              Pause
            </TapButton>
          ) : null}
          {g.status === 'paused' ? (
            <TapButton class="primary" disabled={off} onTap={() => send('game_resume')} testid="resume">
              Resume
            </TapButton>
          ) : null}
          {g.status === 'active' ? (
            <TapButton disabled={off} guard={1000} onTap={() => send('turn_change', { expected_version: g.version })} testid="host-turn">
              End turn ({nameOf(player(g, g.current_turn || 1), g.current_turn || 1)})
            </TapButton>
          ) : null}
          {g.status !== 'ended' && g.status !== 'setup' ? (
            <TapButton class="danger" disabled={off} onTap={() => setDialog('end')} testid="end">
              End game
            </TapButton>
          ) : null}
          <TapButton icon="undo" disabled={off} onTap={() => send('undo')} testid="host-undo">
            Undo last
          </TapButton>
        </div>
      </section>

      <section class="card" aria-labelledby="setup-h">
        <h2 id="setup-h">Players and roll-offs</h2>
        <div class="two-col">
          {[1, 2].map((n) => {
            const p = player(g, n)!;
            if (!p) return null;
            return <PlayerAdmin key={n} g={g} n={n as PlayerNumber} conn={conn} off={off} />;
          })}
        </div>
        <div class="two-col">
          {(['attacker', 'first_player'] as const).map((key) => (
            <div class="rolloff" key={key}>
              <h3>{key === 'attacker' ? 'Attacker' : 'First turn'}</h3>
              <div class="row wrap">
                <TapButton icon="dice" disabled={off || g.status !== 'setup'} onTap={() => rollOff(key)} testid={'roll-' + key}>
                  Roll off
                </TapButton>
                {[1, 2].map((n) => (
                  <button
                    class={'btn seg' + (g[key] === n ? ' on' : '')}
                    aria-pressed={g[key] === n}
                    disabled={off || g.status !== 'setup'}
                    onClick={() => send('game_setup', { [key]: n })}
                    key={n}
                  >
                    {nameOf(player(g, n), n)}
                  </button>
                ))}
              </div>
              {rolls[key] ? <p class="muted small">{rolls[key]}</p> : null}
            </div>
          ))}
        </div>
      </section>

      <SettingsCard g={g} conn={conn} off={off} />
      </div>
      <div class="col">
      <InvitesCard gameId={g.game_id} token={token} rev={props.invitesRev} />
      <HistoryCard g={g} token={token} />

      <section class="card">
        <h2>Danger zone</h2>
        <button class="btn danger" onClick={() => setDialog('delete')}>
          Delete this game
        </button>
      </section>
      {props.bottom}
      </div>

      {dialog === 'end' ? (
        <Modal title="End the game" onClose={() => setDialog(null)}>
          <p>Who won? “By score” lets the higher score win.</p>
          <div class="row wrap">
            <button class="btn" onClick={() => (send('game_end'), setDialog(null))} data-testid="end-by-score">
              By score
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: 1 }), setDialog(null))}>
              {nameOf(p1, 1)}
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: 2 }), setDialog(null))}>
              {nameOf(p2, 2)}
            </button>
            <button class="btn" onClick={() => (send('game_end', { winner: null }), setDialog(null))}>
              Draw
            </button>
          </div>
        </Modal>
      ) : null}
      {dialog === 'delete' ? (
        <Confirm
          title="Delete game?"
          text="The game and its history are removed for good. Phones that joined it are disconnected."
          yes="Delete"
          danger
          onYes={async () => {
            try {
              await api.deleteGame(g.game_id, token);
              props.onDeleted();
            } catch {
              /* the list refresh shows what happened */
            }
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}
