// "/play": one player's phone. One-handed: the things used every turn are at
// the bottom, within reach of a thumb.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../lib/connection';
import type { Store } from '../lib/store';
import { other, player, type PlayerNumber } from '../lib/protocol';
import { isBusy, type ClientState } from '../lib/reducer';
import { CP_MAX, NAME_CHARS, PRIVATE_BYTES, SCORE_MAX, privateBytes, type ScoreField } from '../lib/limits';
import type { Session } from '../lib/session';
import { buzz, keepAwake } from '../lib/wakelock';
import { statusLine } from '../components/board';
import { Icon } from '../components/icons';
import { SessionGate, useSessionConnection } from '../components/session';
import { Clock, Confirm, Modal, NumberPad, StatusDot, TapButton, ThemeToggle, Toast, nameOf } from '../components/ui';
import { JudgeBanner, JudgeDialog, ResultPanel, RoundTable } from '../components/depth';
import { scoringRound } from '../lib/depth';

type Field = ScoreField;
const MAX: Record<Field, number> = { primary: SCORE_MAX, secondary: SCORE_MAX, cp: CP_MAX };
const LABEL: Record<Field, string> = { primary: 'Primary VP', secondary: 'Secondary VP', cp: 'Command points' };

export function PlayerView() {
  return <SessionGate kind="player">{(session, lost) => <Player session={session} lost={lost} />}</SessionGate>;
}

function Player(props: { session: Session; lost: () => void }) {
  const c = useSessionConnection(props.session, props.lost);
  return <PlayerScreen {...c} me={c.state.playerNumber || (props.session.player_number as PlayerNumber)} />;
}

/** The player's screen on a connection of its own: /play, and an entrant's table (`top` then shows the event). */
export function PlayerScreen(props: { store: Store; conn: Connection; state: ClientState; me: PlayerNumber; top?: ComponentChildren }) {
  const { store, conn, state: s, me } = props;
  const [pad, setPad] = useState<Field | null>(null);
  const [dialog, setDialog] = useState<'concede' | 'notes' | 'undo' | 'judge' | null>(null);
  const g = s.game;
  const mine = player(g, me);
  const theirs = player(g, other(me));
  const busy = isBusy(s);
  const live = s.conn === 'open' && s.fresh;

  useEffect(() => keepAwake(), []);
  useEffect(() => {
    if (s.yourTurn > 0) buzz([120, 80, 120]);
  }, [s.yourTurn]);

  const send = (type: string, data: Record<string, unknown> = {}) => conn.request(type, data);
  const score = (data: Record<string, unknown>) => send('score_update', { player_number: me, ...data });

  if (!g || !mine || !theirs) {
    return (
      <main class="page narrow">
        <header class="topbar">
          <h1 class="sr">Your game</h1>
          <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        </header>
        {props.top}
        <p class="lead center" role="status">
          Loading the game…
        </p>
        <Toast store={store} s={s} />
      </main>
    );
  }

  const myTurn = g.status === 'active' && g.current_turn === me;
  const canScore = live && !busy && g.status !== 'ended';
  const note = mine.private && typeof mine.private.text === 'string' ? (mine.private.text as string) : '';

  return (
    <main class={'player-view p' + me + (myTurn ? ' my-turn' : '')} data-testid="player-view">
      <header class="topbar">
        <StatusDot s={s} onRetry={() => conn.reconnectNow()} />
        <h1 class="headline small" data-testid="headline">
          {statusLine(g, me)}
        </h1>
        <ThemeToggle />
      </header>
      {props.top}
      <JudgeBanner g={g} />

      <section class={'opponent p' + other(me) + (g.current_turn === other(me) && g.status === 'active' ? ' turn' : '')} aria-label="Opponent" data-testid="opponent">
        <div class="who">
          <div class="name">
            <span class={'conn-dot' + (theirs.connected ? ' on' : '')} title={theirs.connected ? 'Connected' : 'Not connected'} />
            {nameOf(theirs, theirs.player_number)}
          </div>
          <div class="faction">{theirs.faction}</div>
        </div>
        <div class="opp-stats">
          <div>
            <span class="k">VP</span> <span class="v" data-testid="opp-score">{theirs.score}</span>
          </div>
          <div>
            <span class="k">CP</span> <span class="v">{theirs.cp}</span>
          </div>
        </div>
        <Clock p={theirs} game={g} sync={conn.sync} class="small" />
      </section>

      <section class="me" aria-label="You">
        {g.status === 'setup' ? (
          <SetupForm name={mine.name} faction={mine.faction} disabled={!live || busy} onSave={(d) => send('game_setup', d)} />
        ) : (
          <div class="who me-who">
            <div class="name">{nameOf(mine, me)}</div>
            <div class="faction">{mine.faction}</div>
          </div>
        )}
        <Clock p={mine} game={g} sync={conn.sync} class="big" />
        <div class="turn-line" aria-live="polite" data-testid="turn-line">
          {mine.flagged
            ? 'Your time is up'
            : g.status === 'active'
            ? myTurn
              ? 'Your turn'
              : nameOf(theirs, theirs.player_number) + '’s turn'
            : g.status === 'setup'
              ? 'Waiting for the host to start'
              : g.status === 'paused'
                ? g.judge && g.judge.paused
                  ? 'Paused for the judge'
                  : 'Paused by the host'
                : statusLine(g, me)}
        </div>
        <div class="scores">
          {(['primary', 'secondary', 'cp'] as Field[]).map((f) => (
            <div class={'stepper ' + f} key={f}>
              <span class="stepper-label" aria-hidden="true">
                {f === 'cp' ? 'CP' : f === 'primary' ? 'Primary' : 'Secondary'}
              </span>
              <TapButton
                class="step"
                icon="minus"
                label={'Minus one ' + LABEL[f]}
                disabled={!canScore || mine[f] <= 0}
                onTap={() => score(f === 'cp' ? { cp_delta: -1 } : { [f + '_delta']: -1, round: scoringRound(g) })}
                testid={f + '-minus'}
                guard={250}
              />
              <button
                type="button"
                class="value"
                aria-label={LABEL[f] + ' ' + mine[f] + '. Tap to type a value'}
                disabled={!canScore}
                onClick={() => setPad(f)}
                data-testid={'my-' + f}
              >
                {mine[f]}
              </button>
              <TapButton
                class="step"
                icon="plus"
                label={'Plus one ' + LABEL[f]}
                disabled={!canScore || mine[f] >= MAX[f]}
                onTap={() => score(f === 'cp' ? { cp_delta: 1 } : { [f + '_delta']: 1, round: scoringRound(g) })}
                testid={f + '-plus'}
                guard={250}
              />
            </div>
          ))}
          <div class="total-line">
            Total <strong data-testid="my-score">{mine.score}</strong>
            {g.status !== 'ended' ? <span class="muted small"> · buttons score round {scoringRound(g)}</span> : null}
          </div>
          <RoundTable g={g} n={me} caption="Your VP per round" />
        </div>
      </section>

      <div class="actions">
        <ResultPanel g={g} me={me} disabled={!live || busy} onConfirm={(agree) => send('result_confirm', { agree })} />
        <div class="row small-actions">
          <TapButton class="ghost" icon="undo" disabled={!live || busy || g.status === 'ended'} onTap={() => setDialog('undo')} testid="undo">
            Undo
          </TapButton>
          <TapButton class="ghost" icon="note" onTap={() => setDialog('notes')} testid="notes">
            Notes
          </TapButton>
          <TapButton class="ghost" icon="flag" disabled={!live || busy || g.status === 'ended' || g.status === 'setup'} onTap={() => setDialog('concede')} testid="concede">
            Concede
          </TapButton>
          <TapButton class="ghost" icon="whistle" disabled={!live || busy || !!g.judge} label="Call a judge" onTap={() => setDialog('judge')} testid="call-judge">
            Judge
          </TapButton>
        </div>
        {myTurn ? (
          <TapButton
            class="end-turn"
            guard={1200}
            disabled={!live || busy}
            onTap={() => send('turn_change', { expected_version: g.version })}
            testid="end-turn"
          >
            End turn
          </TapButton>
        ) : (
          <div class="end-turn placeholder" aria-hidden="true">
            {g.status === 'active' ? 'Opponent’s turn' : g.status === 'paused' ? 'Paused' : g.status === 'ended' ? 'Game over' : 'Waiting for the host to start'}
          </div>
        )}
      </div>

      {pad ? (
        <NumberPad title={'Set ' + LABEL[pad]} value={mine[pad]} max={MAX[pad]} onSet={(n) => n !== mine[pad] && score({ [pad]: n })} onClose={() => setPad(null)} />
      ) : null}
      {dialog === 'concede' ? (
        <Confirm
          title="Concede?"
          text={'The game ends now and ' + nameOf(theirs, theirs.player_number) + ' is recorded as the winner.'}
          yes="Concede"
          danger
          onYes={() => send('game_end', { winner: other(me), expected_version: g.version })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'judge' ? <JudgeDialog onCall={(reason) => send('judge_call', reason ? { reason } : {})} onClose={() => setDialog(null)} /> : null}
      {dialog === 'undo' ? (
        <Confirm title="Undo?" text="Take back your last change." yes="Undo" onYes={() => send('undo')} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'notes' ? (
        <NotesDialog
          text={note}
          disabled={!live}
          onSave={(text) => score({ private: { text } })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      <Toast store={store} s={s} />
    </main>
  );
}

function SetupForm(props: { name: string; faction: string; disabled: boolean; onSave: (d: { name: string; faction: string }) => void }) {
  const [name, setName] = useState(props.name || '');
  const [faction, setFaction] = useState(props.faction || '');
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) {
      setName(props.name || '');
      setFaction(props.faction || '');
    }
  }, [props.name, props.faction]);
  return (
    <form
      class="setup-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave({ name: name.trim(), faction: faction.trim() });
        setDirty(false);
      }}
    >
      <label>
        <span>Your name</span>
        <input value={name} maxLength={NAME_CHARS} autoComplete="nickname" data-testid="setup-name" onInput={(e) => (setName((e.target as HTMLInputElement).value), setDirty(true))} />
      </label>
      <label>
        <span>Faction</span>
        <input value={faction} maxLength={NAME_CHARS} data-testid="setup-faction" onInput={(e) => (setFaction((e.target as HTMLInputElement).value), setDirty(true))} />
      </label>
      <button class="btn primary" type="submit" disabled={props.disabled || !dirty} data-testid="setup-save">
        <Icon name="edit" size={20} /> Save
      </button>
    </form>
  );
}

function NotesDialog(props: { text: string; disabled: boolean; onSave: (t: string) => void; onClose: () => void }) {
  const [text, setText] = useState(props.text);
  // Stay within the server's 1 KiB of JSON for `private`.
  const tooLong = privateBytes({ text }) > PRIVATE_BYTES;
  return (
    <Modal title="Private notes" onClose={props.onClose}>
      <p class="muted small">Only you can see these. Your opponent and observers cannot.</p>
      <textarea rows={7} value={text} aria-label="Private notes" data-testid="notes-text" onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {tooLong ? <p class="error">Too long: the notes take {privateBytes({ text })} of {PRIVATE_BYTES} bytes.</p> : null}
      <div class="row end">
        <button class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button
          class="btn primary"
          disabled={props.disabled || tooLong}
          data-testid="notes-save"
          onClick={() => {
            props.onSave(text);
            props.onClose();
          }}
        >
          Save
        </button>
      </div>
    </Modal>
  );
}
