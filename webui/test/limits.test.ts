import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as L from '../src/lib/limits';

// The limits module must say what the server enforces: read the numbers from game.h.
const header = readFileSync(fileURLToPath(new URL('../../src/game.h', import.meta.url)), 'utf8');
function define(name: string): number {
  const m = new RegExp('#define\\s+' + name + '\\s+(\\d+)').exec(header);
  if (!m) throw new Error(name + ' not in game.h');
  return Number(m[1]);
}

describe('limits', () => {
  it('match src/game.h', () => {
    expect(L.NAME_CHARS).toBe(define('GAME_NAME_CHARS'));
    expect(L.PRIVATE_BYTES).toBe(define('GAME_PRIVATE_MAX'));
    expect(L.SETTINGS_MAX).toBe(define('GAME_SETTINGS_MAX'));
    expect(L.SETTING_KEY_MAX).toBe(define('GAME_KEY_MAX'));
    expect(L.SETTING_VALUE_CHARS).toBe(define('GAME_VALUE_CHARS'));
    expect(L.SCORE_MAX).toBe(define('GAME_SCORE_MAX'));
    expect(L.CP_MAX).toBe(define('GAME_CP_MAX'));
    expect(L.CLOCK_MS_DEFAULT).toBe(define('GAME_CLOCK_MS_DEFAULT'));
    expect(L.CLOCK_MS_MIN).toBe(define('GAME_CLOCK_MS_MIN'));
    expect(L.CLOCK_MS_MAX).toBe(define('GAME_CLOCK_MS_MAX'));
    expect(L.ROUNDS_DEFAULT).toBe(define('GAME_ROUNDS_DEFAULT'));
    expect(L.ROUNDS_MIN).toBe(define('GAME_ROUNDS_MIN'));
    expect(L.ROUNDS_MAX).toBe(define('GAME_ROUNDS_MAX'));
    expect(L.CP_PER_TURN_DEFAULT).toBe(define('GAME_CP_PER_TURN_DEFAULT'));
    expect(L.CP_PER_TURN_MAX).toBe(define('GAME_CP_PER_TURN_MAX'));
  });

  it('counts characters as code points', () => {
    expect(L.charCount('🎲'.repeat(40))).toBe(40);
    expect(L.nameFits('🎲'.repeat(40))).toBe(true);
    expect(L.nameFits('x'.repeat(41))).toBe(false);
    expect(L.nameFits('  ' + 'x'.repeat(40) + '  ')).toBe(true);
  });

  it('measures private notes in bytes of JSON', () => {
    expect(L.privateBytes({ text: 'é' })).toBe('{"text":"é"}'.length + 1);
    const fits = { text: 'x'.repeat(L.PRIVATE_BYTES - '{"text":""}'.length) };
    expect(L.privateBytes(fits)).toBe(L.PRIVATE_BYTES);
  });

  it('keeps settings within bounds', () => {
    expect(L.gameSettings(90, 5, 1)).toEqual({ clock_ms: 5400000, rounds: 5, cp_per_turn: 1 });
    expect(L.gameSettings(0, 0, -3)).toEqual({ clock_ms: L.CLOCK_MS_MIN, rounds: L.ROUNDS_MIN, cp_per_turn: 0 });
    expect(L.gameSettings(10000, 500, 50)).toEqual({ clock_ms: L.CLOCK_MS_MAX, rounds: L.ROUNDS_MAX, cp_per_turn: L.CP_PER_TURN_MAX });
    expect(L.gameSettings(NaN, NaN, NaN).rounds).toBe(L.ROUNDS_MIN);
    expect(L.fieldMax('cp')).toBe(99);
    expect(L.fieldMax('primary')).toBe(999);
  });
});
