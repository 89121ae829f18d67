import { describe, expect, it } from 'vitest';
import { step, wifiFrom, wifiNote } from '../src/lib/wifi';

describe('wifiFrom', () => {
  it('reads the network the Pi image writes', () => {
    const w = wifiFrom({ 'wifi.ssid': 'Dice; "Club"', 'wifi.password': 'p:w', 'wifi.security': 'WPA', 'wifi.mode': 'ap', other: 'x' });
    expect(w).toMatchObject({ ssid: 'Dice; "Club"', open: false, mode: 'ap' });
  });
  it('is null without a usable wifi.ssid', () => {
    expect(wifiFrom({})).toBeNull();
    expect(wifiFrom({ 'wifi.ssid': '' })).toBeNull();
    expect(wifiFrom({ 'wifi.ssid': '   ' })).toBeNull();
    expect(wifiFrom({ 'wifi.ssid': 42 })).toBeNull();
    expect(wifiFrom({ 'wifi.password': 'secret' })).toBeNull();
    expect(wifiFrom(null)).toBeNull();
    expect(wifiFrom(undefined)).toBeNull();
    expect(wifiFrom('wifi.ssid')).toBeNull();
    expect(wifiFrom([{ 'wifi.ssid': 'x' }])).toBeNull();
  });
  it('counts nopass or an empty password as open', () => {
    expect(wifiFrom({ 'wifi.ssid': 'a', 'wifi.security': 'nopass', 'wifi.password': 'left over' })!.open).toBe(true);
    expect(wifiFrom({ 'wifi.ssid': 'a', 'wifi.security': 'WPA', 'wifi.password': '' })!.open).toBe(true);
    expect(wifiFrom({ 'wifi.ssid': 'a' })!.open).toBe(true);
  });
  it('knows only the two modes', () => {
    expect(wifiFrom({ 'wifi.ssid': 'a', 'wifi.mode': 'client' })!.mode).toBe('client');
    expect(wifiFrom({ 'wifi.ssid': 'a', 'wifi.mode': 'mesh' })!.mode).toBe('');
  });
  it('changes its key when anything in the QR code changes, and only then', () => {
    const base = { 'wifi.ssid': 'a', 'wifi.password': 'pw', 'wifi.security': 'WPA', 'wifi.mode': 'ap' };
    const k = wifiFrom(base)!.key;
    expect(wifiFrom({ ...base, 'wifi.mode': 'client' })!.key).toBe(k);
    expect(wifiFrom({ ...base, 'wifi.password': 'pw2' })!.key).not.toBe(k);
    expect(wifiFrom({ ...base, 'wifi.ssid': 'b' })!.key).not.toBe(k);
    expect(wifiFrom({ ...base, 'wifi.security': 'nopass' })!.key).not.toBe(k);
  });
});

describe('step', () => {
  const w = wifiFrom({ 'wifi.ssid': 'a' });
  it('numbers the steps only when there is a Wi-Fi step', () => {
    expect(step(w, 1, 'Join Wi-Fi')).toBe('1. Join Wi-Fi');
    expect(step(w, 2, 'Ana')).toBe('2. Ana');
    expect(step(null, 2, 'Ana')).toBe('Ana');
  });
});

describe('wifiNote', () => {
  it('says whose network and whether it is open', () => {
    expect(wifiNote(wifiFrom({ 'wifi.ssid': 'a', 'wifi.mode': 'ap' })!)).toBe('the appliance’s own network, open');
    expect(wifiNote(wifiFrom({ 'wifi.ssid': 'a', 'wifi.mode': 'client', 'wifi.password': 'x' })!)).toBe('the venue’s network, with a password');
    expect(wifiNote(wifiFrom({ 'wifi.ssid': 'a', 'wifi.password': 'x' })!)).toBe('with a password');
  });
});
