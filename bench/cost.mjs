// Prints the cost figures of bench/run.sh cost, with the recorded ones beside them.
// usage: node bench/cost.mjs OUTDIR bench/cost.json [before|after]
// The third argument records this run's figures in cost.json under that name.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const [dir, file, save] = process.argv.slice(2);
const read = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {});
const run = (label) => ({ ...read(`${dir}/r-${label}.json`), ...read(`${dir}/cg-${label}.json`) });

const small = run('cost-10');
const big = run('cost-110');
const clock = run('cost-clock');
const perChange = (r) => (r.acks > 0 ? r.instructions / r.acks : NaN);
const now = {
    per_change: Math.round(perChange(small)),
    per_recipient: Math.round((perChange(big) - perChange(small)) / 100),
    per_checkpoint: Math.round(clock.instructions / (clock.duration_s || NaN)),
    acks: [small.acks, big.acks],
};

const rec = read(file);
const rows = [
    ['instructions per accepted change (1 game, 10 subscribers)', 'per_change', 100000],
    ['instructions per extra recipient (110 vs 10 subscribers)', 'per_recipient', 400],
    ['instructions per one-second checkpoint of one running clock', 'per_checkpoint', 20000],
];
const fmt = (v) => (v === undefined || Number.isNaN(v) ? '-' : String(v));
const pad = (s, n) => s + ' '.repeat(Math.max(0, n - s.length));
console.log(`${pad('cost', 62)} ${pad('before', 9)} ${pad('now', 9)} ${pad('target', 9)} met`);
for (const [name, key, target] of rows) {
    const v = now[key];
    console.log(`${pad(name, 62)} ${pad(fmt(rec.before?.[key]), 9)} ${pad(fmt(v), 9)} ${pad('<= ' + target, 9)} ${v <= target ? 'yes' : 'NO'}`);
}
console.log(`(changes acknowledged in the windows: ${now.acks.join(' and ')})`);
if (save) {
    rec[save] = now;
    writeFileSync(file, JSON.stringify(rec, null, 2) + '\n');
}
