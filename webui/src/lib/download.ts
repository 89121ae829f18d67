// Saving bytes the app fetched itself. A plain link cannot send the host's
// Authorization header, so downloads are fetched, then handed to the browser
// through a Blob URL under the name the server suggested.

/**
 * The filename in a Content-Disposition header (`filename="..."`, or the bare
 * token form), reduced to its last path segment; `fallback` when there is none.
 */
export function dispositionName(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const m = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (!m) return fallback;
  const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  // Only the name: never a directory, never a hidden or empty name.
  const name = raw.split(/[\\/]/).pop()!.trim();
  return name && !name.startsWith('.') ? name : fallback;
}

/** Ask the browser to save `blob` as `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click starts the download before this runs; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
