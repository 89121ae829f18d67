import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { formatBits, qrCapacity, qrEncode, qrPath, rsEcc, versionBits } from '../src/lib/qr';

/** The same text drawn by the qrcode package (byte mode, level M) at a given version and mask. */
function reference(text: string, version: number, mask: number): boolean[] {
  const r = QRCode.create([{ data: text, mode: 'byte' }], { errorCorrectionLevel: 'M', version, maskPattern: mask });
  return Array.from(r.modules.data as Uint8Array, (b) => b === 1);
}

const texts = [
  'http://192.168.4.1:8080/j/ABC234', // version 3
  'x', // version 1
  'http://scoreboard.local:8080/j/HJKMNP?with=a-longer-query-string-that-needs-version-six', // version 6
  'http://' + 'a'.repeat(140) + '/j/ABC234', // version 9: version information, two block groups
  'http://' + 'b'.repeat(200), // version 10: a 16-bit count
];

describe('QR encoder', () => {
  it('has the capacities of the standard at level M', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(qrCapacity)).toEqual([14, 26, 42, 62, 84, 106, 122, 152, 180, 213]);
  });

  it('computes the format, version and error correction words of the standard', () => {
    // Annex C: level M, mask 5 gives 100000011001110; annex D: version 7 gives 000111110010010100.
    expect(formatBits(5)).toBe(0b100000011001110);
    expect(versionBits(7)).toBe(0b000111110010010100);
    // The 1-M example of annex I ("01234567" in numeric mode) and its ten EC codewords.
    const data = [0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11];
    expect(rsEcc(data, 10)).toEqual([0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
  });

  it('draws module for module what another encoder draws, for every mask and several versions', () => {
    for (const t of texts) {
      for (let m = 0; m < 8; m++) {
        const s = qrEncode(t, m)!;
        expect(s.dark.length).toBe(s.size * s.size);
        expect(s.dark, t + ' mask ' + m).toEqual(reference(t, s.version, m));
      }
    }
    expect(texts.map((t) => qrEncode(t)!.version)).toEqual([3, 1, 6, 9, 10]);
  });

  it('picks a mask by itself and refuses text longer than version 10 holds', () => {
    const s = qrEncode(texts[0])!;
    expect(s.mask).toBeGreaterThanOrEqual(0);
    expect(s.mask).toBeLessThan(8);
    expect(s.dark).toEqual(qrEncode(texts[0], s.mask)!.dark);
    expect(qrEncode('z'.repeat(213))!.version).toBe(10);
    expect(qrEncode('z'.repeat(214))).toBe(null);
  });

  it('draws one rectangle per run of dark modules, inside the quiet zone', () => {
    const s = qrEncode('x')!;
    const d = qrPath(s, 4);
    // The top row starts with the finder (7 dark), a light separator, then data.
    expect(d.startsWith('M4 4h7v1H4z')).toBe(true);
    let dark = 0;
    for (const m of d.matchAll(/h(\d+)/g)) dark += Number(m[1]);
    expect(dark).toBe(s.dark.filter(Boolean).length);
  });
});
