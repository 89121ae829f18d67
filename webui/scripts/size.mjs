// Fails when the gzipped JS + CSS in dist/ is over the budget (50 KB).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 50 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let files;
try {
  files = walk(dist).filter((f) => /\.(m?js|css)$/.test(f));
} catch {
  console.error('size: no dist/ — run `npm run build` first');
  process.exit(1);
}
let total = 0;
for (const f of files) {
  const gz = gzipSync(readFileSync(f), { level: 9 }).length;
  total += gz;
  console.log(`${(gz / 1024).toFixed(1).padStart(7)} KB  ${f.slice(dist.length + 1)}`);
}
const html = readFileSync(join(dist, 'index.html'));
console.log(`${(gzipSync(html, { level: 9 }).length / 1024).toFixed(1).padStart(7)} KB  index.html (not counted)`);
console.log(`total JS+CSS gzipped: ${(total / 1024).toFixed(1)} KB of ${BUDGET / 1024} KB`);
if (total > BUDGET) {
  console.error('size: over budget');
  process.exit(1);
}
