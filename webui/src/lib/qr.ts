// A QR code encoder (ISO/IEC 18004) for the host pairing URL, the one code that
// has no server-drawn picture: GET /api/games/{id}/qr.svg only knows the invites
// of a game. The same design as the server's src/qr.c: byte mode, level M,
// versions 1 to 10, the mask with the lowest penalty. Pure: text in, modules out.

/** Error correction layout per version at level M: EC codewords per block, group 1 and group 2 blocks. */
const LAYOUT: [number, number, number, number, number][] = [
  [0, 0, 0, 0, 0],
  [10, 1, 16, 0, 0],
  [16, 1, 28, 0, 0],
  [26, 1, 44, 0, 0],
  [18, 2, 32, 0, 0],
  [24, 2, 43, 0, 0],
  [16, 4, 27, 0, 0],
  [18, 4, 31, 0, 0],
  [22, 2, 38, 2, 39],
  [22, 3, 36, 2, 37],
  [26, 4, 43, 1, 44],
];

/** Alignment pattern centres per version. */
const ALIGN: number[][] = [[], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];

export const QR_VERSION_MAX = 10;

export interface QrSymbol {
  version: number;
  size: number;
  mask: number;
  /** Row-major, one entry per module, true for dark. */
  dark: boolean[];
}

const dataCodewords = (v: number) => LAYOUT[v][1] * LAYOUT[v][2] + LAYOUT[v][3] * LAYOUT[v][4];
const countBits = (v: number) => (v < 10 ? 8 : 16);

/** Bytes that fit in `version` at level M (14 for version 1 ... 213 for version 10). */
export function qrCapacity(version: number): number {
  return Math.floor((dataCodewords(version) * 8 - 4 - countBits(version)) / 8);
}

function gfMul(a: number, b: number): number {
  let acc = 0;
  let x = a;
  for (; b; b >>= 1) {
    if (b & 1) acc ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return acc;
}

/** Reed-Solomon generator of degree n, highest coefficient first. */
export function rsGenerator(n: number): number[] {
  const gen = new Array<number>(n + 1).fill(0);
  gen[0] = 1;
  let root = 1;
  for (let d = 0; d < n; d++) {
    gen[d + 1] = gfMul(gen[d], root);
    for (let k = d; k >= 1; k--) gen[k] ^= gfMul(gen[k - 1], root);
    root = gfMul(root, 2);
  }
  return gen;
}

/** The n error correction codewords of `data`. */
export function rsEcc(data: number[], n: number): number[] {
  const gen = rsGenerator(n);
  const ecc = new Array<number>(n).fill(0);
  for (const d of data) {
    const factor = d ^ ecc[0];
    ecc.shift();
    ecc.push(0);
    for (let k = 0; k < n; k++) ecc[k] ^= gfMul(gen[k + 1], factor);
  }
  return ecc;
}

function bch(value: number, poly: number, deg: number): number {
  let rem = value << deg;
  for (let bit = 30; bit >= deg; bit--) if (rem & (1 << bit)) rem ^= poly << (bit - deg);
  return (value << deg) | rem;
}

/** The 15 format bits for level M and `mask`. */
export const formatBits = (mask: number): number => bch(mask, 0x537, 10) ^ 0x5412;

/** The 18 version bits (versions 7 and up). */
export const versionBits = (version: number): number => bch(version, 0x1f25, 12);

/** Mode, count, data, padding, error correction, interleaved: the codewords of `version`. */
export function qrCodewords(data: Uint8Array, version: number): number[] {
  const [ec, g1, d1, g2, d2] = LAYOUT[version];
  const ndata = dataCodewords(version);
  const buf = new Array<number>(ndata).fill(0);
  let pos = 0;
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--, pos++) if ((value >> i) & 1) buf[pos >> 3] |= 0x80 >> (pos & 7);
  };
  put(4, 4);
  put(data.length, countBits(version));
  for (const b of data) put(b, 8);
  pos += 4; // terminator; the buffer is zero already
  const used = (pos + 7) >> 3;
  for (let i = used; i < ndata; i++) buf[i] = (i - used) & 1 ? 0x11 : 0xec;
  const blocks: number[][] = [];
  const eccs: number[][] = [];
  for (let b = 0, off = 0; b < g1 + g2; b++) {
    const len = b < g1 ? d1 : d2;
    blocks.push(buf.slice(off, off + len));
    eccs.push(rsEcc(blocks[b], ec));
    off += len;
  }
  const out: number[] = [];
  const maxd = g2 ? d2 : d1;
  for (let i = 0; i < maxd; i++) for (const bl of blocks) if (i < bl.length) out.push(bl[i]);
  for (let i = 0; i < ec; i++) for (const e of eccs) out.push(e[i]);
  return out;
}

interface Grid {
  n: number;
  dark: Uint8Array;
  fn: Uint8Array;
}

function setFn(g: Grid, x: number, y: number, dark: boolean | number): void {
  if (x < 0 || y < 0 || x >= g.n || y >= g.n) return;
  g.dark[y * g.n + x] = dark ? 1 : 0;
  g.fn[y * g.n + x] = 1;
}

const cheb = (dx: number, dy: number) => Math.max(Math.abs(dx), Math.abs(dy));

function drawFormat(g: Grid, mask: number): void {
  const bits = formatBits(mask);
  const n = g.n;
  for (let i = 0; i < 15; i++) {
    const bit = (bits >> i) & 1;
    if (i < 6) setFn(g, 8, i, bit);
    else if (i < 8) setFn(g, 8, i + 1, bit);
    else if (i === 8) setFn(g, 7, 8, bit);
    else setFn(g, 14 - i, 8, bit);
    if (i < 8) setFn(g, n - 1 - i, 8, bit);
    else setFn(g, 8, n - 15 + i, bit);
  }
  setFn(g, 8, n - 8, 1);
}

function drawFunctionPatterns(g: Grid, version: number): void {
  const n = g.n;
  for (let i = 0; i < n; i++) {
    setFn(g, 6, i, i % 2 === 0);
    setFn(g, i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [n - 4, 3],
    [3, n - 4],
  ])
    for (let dy = -4; dy <= 4; dy++)
      for (let dx = -4; dx <= 4; dx++) {
        const d = cheb(dx, dy);
        setFn(g, cx + dx, cy + dy, d !== 2 && d !== 4);
      }
  const pos = ALIGN[version];
  const c = pos.length;
  for (let i = 0; i < c; i++)
    for (let j = 0; j < c; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === c - 1) || (i === c - 1 && j === 0)) continue;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) setFn(g, pos[i] + dx, pos[j] + dy, cheb(dx, dy) !== 1);
    }
  drawFormat(g, 0); // reserves the area; the real bits come with the mask
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const bit = (bits >> i) & 1;
      const a = n - 11 + (i % 3);
      const b = Math.floor(i / 3);
      setFn(g, a, b, bit);
      setFn(g, b, a, bit);
    }
  }
}

function placeData(g: Grid, cw: number[]): void {
  const n = g.n;
  const nbits = cw.length * 8;
  let bit = 0;
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let step = 0; step < n; step++) {
      const y = upward ? n - 1 - step : step;
      for (let x = right; x >= right - 1; x--) {
        const idx = y * n + x;
        if (g.fn[idx]) continue;
        if (bit < nbits) g.dark[idx] = (cw[bit >> 3] >> (7 - (bit & 7))) & 1;
        bit++;
      }
    }
    upward = !upward;
  }
}

function maskHit(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i + j) % 2) + ((i * j) % 3)) % 2 === 0;
  }
}

function masked(base: Grid, mask: number): Grid {
  const g: Grid = { n: base.n, dark: base.dark.slice(), fn: base.fn.slice() };
  for (let y = 0; y < g.n; y++) for (let x = 0; x < g.n; x++) if (!g.fn[y * g.n + x] && maskHit(mask, y, x)) g.dark[y * g.n + x] ^= 1;
  drawFormat(g, mask);
  return g;
}

const FINDER = [1, 0, 1, 1, 1, 0, 1];

function linePenalty(line: ArrayLike<number>, n: number): number {
  let score = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && line[i] === line[i - 1]) {
      run++;
      continue;
    }
    if (run >= 5) score += 3 + (run - 5);
    run = 1;
  }
  for (let i = 0; i + 7 <= n; i++) {
    let hit = true;
    for (let k = 0; k < 7 && hit; k++) hit = line[i + k] === FINDER[k];
    if (!hit) continue;
    let before = true;
    let after = true;
    for (let k = 1; k <= 4; k++) {
      if (i - k >= 0 && line[i - k]) before = false;
      if (i + 6 + k < n && line[i + 6 + k]) after = false;
    }
    if (before || after) score += 40;
  }
  return score;
}

/** The mask penalty of the standard (rules N1 to N4). */
function penalty(g: Grid): number {
  const n = g.n;
  let score = 0;
  const col = new Uint8Array(n);
  for (let y = 0; y < n; y++) score += linePenalty(g.dark.subarray(y * n, y * n + n), n);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) col[y] = g.dark[y * n + x];
    score += linePenalty(col, n);
  }
  for (let y = 0; y + 1 < n; y++)
    for (let x = 0; x + 1 < n; x++) {
      const c = g.dark[y * n + x];
      if (c === g.dark[y * n + x + 1] && c === g.dark[(y + 1) * n + x] && c === g.dark[(y + 1) * n + x + 1]) score += 3;
    }
  let dark = 0;
  for (let i = 0; i < n * n; i++) dark += g.dark[i];
  const total = n * n;
  score += 10 * Math.floor(Math.abs(dark * 100 - total * 50) / (total * 5));
  return score;
}

/** UTF-8 bytes of `text` (TextEncoder is in every browser the app supports, and in node). */
const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Encode `text` in the smallest version that holds it; `mask` forces a mask
 * pattern (tests compare with other encoders), otherwise the lowest penalty wins.
 * Null when the text is longer than version 10 holds (213 bytes).
 */
export function qrEncode(text: string, mask?: number): QrSymbol | null {
  const data = utf8(text);
  let version = 1;
  while (version <= QR_VERSION_MAX && data.length > qrCapacity(version)) version++;
  if (version > QR_VERSION_MAX) return null;
  const n = 17 + 4 * version;
  const base: Grid = { n, dark: new Uint8Array(n * n), fn: new Uint8Array(n * n) };
  drawFunctionPatterns(base, version);
  placeData(base, qrCodewords(data, version));
  let best = mask === undefined ? 0 : mask;
  if (mask === undefined) {
    let bestScore = Infinity;
    for (let m = 0; m < 8; m++) {
      const s = penalty(masked(base, m));
      if (s < bestScore) {
        bestScore = s;
        best = m;
      }
    }
  }
  const g = masked(base, best);
  return { version, size: n, mask: best, dark: Array.from(g.dark, (d) => d === 1) };
}

/** An SVG path of the dark modules, one rectangle per horizontal run, offset by the quiet zone `q`. */
export function qrPath(s: QrSymbol, q = 4): string {
  let d = '';
  for (let y = 0; y < s.size; y++)
    for (let x = 0; x < s.size; ) {
      if (!s.dark[y * s.size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < s.size && s.dark[y * s.size + x]) x++;
      d += 'M' + (start + q) + ' ' + (y + q) + 'h' + (x - start) + 'v1H' + (start + q) + 'z';
    }
  return d;
}
