import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, codeFromPath, isValidCode, normalizeCode } from '../src/lib/joincode';

describe('normalizeCode', () => {
  it('uppercases as typed', () => {
    expect(normalizeCode('abc')).toBe('ABC');
    expect(normalizeCode('abc234')).toBe('ABC234');
  });
  it('drops characters outside the alphabet (look-alikes, spaces, dashes)', () => {
    expect(normalizeCode('a-b c')).toBe('ABC');
    expect(normalizeCode('O0I1L')).toBe('');
    expect(normalizeCode('ab0cd1ef')).toBe('ABCDEF');
  });
  it('stops at six characters', () => {
    expect(normalizeCode('ABCDEFGH')).toBe('ABCDEF');
  });
  it('takes the code out of a pasted invite URL', () => {
    expect(normalizeCode('http://192.168.4.1:8765/j/xyz789')).toBe('XYZ789');
  });
  it('keeps every alphabet character', () => {
    expect(normalizeCode(CODE_ALPHABET.toLowerCase()).length).toBe(6);
    for (const ch of CODE_ALPHABET) expect(normalizeCode(ch)).toBe(ch);
  });
  it('copes with empty and odd input', () => {
    expect(normalizeCode('')).toBe('');
    expect(normalizeCode(undefined as unknown as string)).toBe('');
    expect(normalizeCode('ÄBÇ')).toBe('B');
  });
});

describe('isValidCode', () => {
  it('accepts six alphabet characters only', () => {
    expect(isValidCode('ABC234')).toBe(true);
    expect(isValidCode('ABC23')).toBe(false);
    expect(isValidCode('ABC2345')).toBe(false);
    expect(isValidCode('abc234')).toBe(false);
    expect(isValidCode('ABC230')).toBe(false);
    expect(isValidCode('ABCD1E')).toBe(false);
  });
});

describe('codeFromPath', () => {
  it('reads /j/<code>', () => {
    expect(codeFromPath('/j/ABC234')).toBe('ABC234');
    expect(codeFromPath('/j/abc234')).toBe('ABC234');
    expect(codeFromPath('/j/ABC234/')).toBe('ABC234');
  });
  it('refuses other paths and bad codes', () => {
    expect(codeFromPath('/j/')).toBe(null);
    expect(codeFromPath('/j/ABC')).toBe(null);
    expect(codeFromPath('/x/ABC234')).toBe(null);
    expect(codeFromPath('/j/ABC234/extra')).toBe(null);
  });
});
