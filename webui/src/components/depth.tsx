// The game model's depth on screen: the per-round table, the judge-call banner
// (with "Judge done" for the host), the "Call a judge" dialog, and the result
// panel where players confirm or dispute and the host finalises.

import { useState } from 'preact/hooks';
import { awaitsWord, cleanReason, judgeLine, REASON_CHARS, resultLine, resultStage, roundCells } from '../lib/depth';
import { player, type GameState, type PlayerNumber } from '../lib/protocol';
import { Modal, TapButton, nameOf } from './ui';

const namer = (g: GameState) => (n: PlayerNumber) => nameOf(player(g, n), n);

/** A small table of one player's cells per round; the current round is marked. */
export function RoundTable(props: { g: GameState; n: PlayerNumber; caption?: string }) {
  const { g, n } = props;
  const p = player(g, n);
  if (!p) return null;
  const cells = roundCells(g, p);
  return (
    <table class="rounds" data-testid={'rounds-' + n}>
      <caption class={props.caption ? '' : 'sr'}>{props.caption || nameOf(p, n) + ' per round'}</caption>
      <thead>
        <tr>
          <th scope="col">Round</th>
          {cells.map((c) => (
            <th scope="col" class={c.round === g.round && g.status !== 'ended' ? 'now' : ''} key={c.round}>
              {c.round}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Pri</th>
          {cells.map((c) => (
            <td key={c.round}>{c.primary}</td>
          ))}
        </tr>
        <tr>
          <th scope="row">Sec</th>
          {cells.map((c) => (
            <td key={c.round}>{c.secondary}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

/** The open judge call, loud; the host gets "Judge done". Nothing when no call is open. */
export function JudgeBanner(props: { g: GameState; onDone?: () => void; disabled?: boolean }) {
  const line = judgeLine(props.g, namer(props.g));
  if (!line) return null;
  return (
    <div class="judge-banner" role="alert" data-testid="judge-banner">
      <span class="judge-text">{line}</span>
      {props.g.judge && props.g.judge.paused && props.g.status === 'paused' ? <span class="judge-sub">Clocks stopped</span> : null}
      {props.onDone ? (
        <TapButton class="primary" disabled={props.disabled} onTap={props.onDone} testid="judge-done">
          Judge done
        </TapButton>
      ) : null}
    </div>
  );
}

/** "Call a judge": an optional reason, then judge_call. */
export function JudgeDialog(props: { onCall: (reason: string) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  return (
    <Modal title="Call a judge" onClose={props.onClose}>
      <p class="muted small">The judge is told at once. While the judge is called, the clocks stop.</p>
      <label class="field">
        <span>Reason (optional)</span>
        <input
          value={reason}
          maxLength={REASON_CHARS}
          data-testid="judge-reason"
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row end">
        <button class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button
          class="btn primary"
          data-testid="judge-send"
          onClick={() => {
            props.onCall(cleanReason(reason));
            props.onClose();
          }}
        >
          Call a judge
        </button>
      </div>
    </Modal>
  );
}

/**
 * Where an ended game's result stands. A player (me) whose word is missing gets
 * Confirm and Dispute; the host gets "Finalise result" until it is final.
 */
export function ResultPanel(props: {
  g: GameState;
  me: PlayerNumber | 0;
  disabled?: boolean;
  onConfirm: (agree: boolean, winner?: PlayerNumber | null) => void;
}) {
  const { g, me } = props;
  const stage = resultStage(g);
  if (stage === 'none') return null;
  const line = resultLine(g, namer(g), me);
  const ask = me ? awaitsWord(g, me) : stage !== 'final';
  return (
    <section class={'result-panel ' + stage} aria-label="Result" data-testid="result-panel" data-stage={stage}>
      <p class="result-line" role="status">
        {line}
      </p>
      {ask && me ? (
        <div class="row wrap">
          <TapButton class="primary" disabled={props.disabled} onTap={() => props.onConfirm(true)} testid="result-confirm">
            Confirm result
          </TapButton>
          <TapButton class="danger" disabled={props.disabled} onTap={() => props.onConfirm(false)} testid="result-dispute">
            Dispute
          </TapButton>
        </div>
      ) : null}
      {ask && !me && stage === 'provisional' ? (
        <TapButton class="primary" disabled={props.disabled} onTap={() => props.onConfirm(true)} testid="result-finalise">
          Finalise result
        </TapButton>
      ) : null}
      {ask && !me && stage === 'disputed' ? (
        <div class="row wrap" role="group" aria-label="Final result">
          {([1, 2, null] as (PlayerNumber | null)[]).map((w) => (
            <TapButton key={String(w)} disabled={props.disabled} onTap={() => props.onConfirm(true, w)} testid={'result-final-' + (w || 'draw')}>
              {w ? namer(g)(w) + ' wins' : 'Draw'}
            </TapButton>
          ))}
        </div>
      ) : null}
    </section>
  );
}
