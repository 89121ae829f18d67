// Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L).

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 6;

/**
 * What a code field shows as the user types: uppercased, characters outside the
 * alphabet dropped, at most six. A pasted invite URL (".../j/ABC234") gives its code.
 */
export function normalizeCode(input: string): string {
  let s = String(input || '');
  const m = /\/j\/([A-Za-z0-9]+)/.exec(s);
  if (m) s = m[1];
  let out = '';
  for (const ch of s.toUpperCase()) {
    if (CODE_ALPHABET.indexOf(ch) >= 0) out += ch;
    if (out.length === CODE_LENGTH) break;
  }
  return out;
}

/** True for a complete, well-formed code. */
export function isValidCode(code: string): boolean {
  if (typeof code !== 'string' || code.length !== CODE_LENGTH) return false;
  for (const ch of code) if (CODE_ALPHABET.indexOf(ch) < 0) return false;
  return true;
}

/** The code in a path like "/j/ABC234", or null. Lower case in the URL is accepted. */
export function codeFromPath(path: string): string | null {
  const m = /^\/j\/([^/?#]+)\/?$/.exec(path);
  if (!m) return null;
  const code = normalizeCode(decodeURIComponent(m[1]));
  return isValidCode(code) ? code : null;
}
