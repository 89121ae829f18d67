// Prints the side-by-side table from build/bench/r-*.json and cg-*.json and writes
// bench/results.json. usage: node bench/table.mjs OUTDIR RESULTS.json
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';

const [dir, resultsPath] = process.argv.slice(2);
const PEERS = ['ws', 'sio', 'colyseus'];
const NAMES = { ours: 'State Server', ws: 'ws (Node)', sio: 'Socket.IO', colyseus: 'Colyseus' };
const read = (f) => { try { return JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')); } catch { return null; } };
const r = (w, k) => read(`r-${w}-${k}.json`);

const rows = [];
// metric: [label, workload, key or fn, lower is better, target fn(ours, bestPeer) -> {ok, text}]
function row(label, unit, get, target) {
  const vals = {};
  for (const k of ['ours', ...PEERS]) { const v = get(k); vals[k] = (v === undefined || v === null || Number.isNaN(v)) ? null : v; }
  const peerVals = PEERS.map((k) => vals[k]).filter((v) => v !== null && v > 0);
  const best = peerVals.length ? Math.min(...peerVals) : null;
  const ratio = vals.ours !== null && best ? vals.ours / best : null;
  const t = target ? target(vals.ours, best) : null;
  rows.push({ label, unit, ...vals, best_peer: best, ours_over_best: ratio, target: t ? t.text : '', met: t ? t.ok : null });
}

const lat = (w, key) => (k) => { const x = r(w, k); return x && x.deliveries ? x[key] : null; };
row('(a) spike p50 latency', 'ms', lat('spike', 'lat_p50_ms'));
row('(a) spike p99 latency', 'ms', lat('spike', 'lat_p99_ms'),
  (o, b) => ({ ok: o !== null && b !== null && o <= b / 3, text: '<= best peer / 3' }));
row('(a) spike max latency', 'ms', lat('spike', 'lat_max_ms'));
row('(a) spike deliveries/s', '1/s', lat('spike', 'deliveries_per_s'));
row('(a) spike server CPU', 'core', lat('spike', 'server_cpu_per_s'));
row('(a) spike server RSS', 'MiB', (k) => { const x = r('spike', k); return x && x.server_rss_kb > 0 ? x.server_rss_kb / 1024 : null; });
row('(b) RSS per idle connection', 'bytes', (k) => { const x = r('cap', k); return x && x.ready ? x.rss_per_conn_bytes : null; },
  (o, b) => ({ ok: o !== null && b !== null && o <= b / 4 && o < 3072, text: '<= best peer / 4 and < 3072' }));
row('(b) connections up', 'n', (k) => { const x = r('cap', k); return x ? x.ready : null; });
row('(c) tournament p50 latency', 'ms', lat('tour', 'lat_p50_ms'));
row('(c) tournament p99 latency', 'ms', lat('tour', 'lat_p99_ms'));
row('(c) tournament ack p99 (ours: after fsync)', 'ms', (k) => { const x = r('tour', k); return x && x.acks ? x.ack_p99_ms : null; });
row('(c) tournament server CPU', 'core', lat('tour', 'server_cpu_per_s'));
row('(c) tournament server RSS', 'MiB', (k) => { const x = r('tour', k); return x && x.server_rss_kb > 0 ? x.server_rss_kb / 1024 : null; });
const cg = (k) => {
  const c = read(`cg-cg-${k}.json`); const x = read(`r-cg-${k}.json`);
  return c && x && c.instructions > 0 && x.deliveries > 0 ? c.instructions / x.deliveries : null;
};
row('(e) instructions per delivery', 'instr', cg, (o) => ({ ok: o !== null && o <= 2000, text: '<= 2000' }));

const g = read('r-tput-group.json'), e = read('r-tput-each.json');
const tput = {
  group_commit_changes_per_s: g ? g.acks_per_s : null,
  commit_each_changes_per_s: e ? e.acks_per_s : null,
  ratio: g && e && e.acks_per_s > 0 ? g.acks_per_s / e.acks_per_s : null,
  group_commit_ack_p99_ms: g ? g.ack_p99_ms : null,
  commit_each_ack_p99_ms: e ? e.ack_p99_ms : null,
  target: '>= 20x',
};
tput.met = tput.ratio !== null ? tput.ratio >= 20 : null;

const fmt = (v) => v === null || v === undefined ? '-' : (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const cols = ['metric', 'unit', 'ours', 'ws', 'sio', 'colyseus', 'ours/best', 'target', 'met'];
const lines = [cols, ...rows.map((x) => [x.label, x.unit, fmt(x.ours), fmt(x.ws), fmt(x.sio), fmt(x.colyseus),
  x.ours_over_best === null ? '-' : x.ours_over_best.toFixed(3), x.target, x.met === null ? '' : x.met ? 'yes' : 'NO'])];
const w = cols.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
const out = lines.map((l) => '| ' + l.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |');
out.splice(1, 0, '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
console.log(out.join('\n'));
console.log(`\n(d) durable throughput, 100 games, synchronous=FULL: group commit ${fmt(tput.group_commit_changes_per_s)}/s, ` +
  `one commit per change ${fmt(tput.commit_each_changes_per_s)}/s, ratio ${tput.ratio === null ? '-' : tput.ratio.toFixed(1)}x ` +
  `(target >= 20x: ${tput.met === null ? '-' : tput.met ? 'yes' : 'NO'})`);

const sn = read('r-spike-ours-normal.json');
if (sn) console.log(`(a) with --durability normal (no fsync per commit), ours: p50 ${fmt(sn.lat_p50_ms)} ms, ` +
  `p99 ${fmt(sn.lat_p99_ms)} ms, max ${fmt(sn.lat_max_ms)} ms`);
const big = { c: read('cg-cg-ours.json'), r: read('r-cg-ours.json') }, small = { c: read('cg-cg-ours-small.json'), r: read('r-cg-ours-small.json') };
let marginal = null, fixed = null;
if (big.c && small.c && big.r && small.r && big.r.deliveries > small.r.deliveries && big.r.changes > 0) {
  marginal = (big.c.instructions - small.c.instructions) / (big.r.deliveries - small.r.deliveries);
  fixed = (big.c.instructions - marginal * big.r.deliveries) / big.r.changes;
  console.log(`(e) ours, two fan-outs: ${fmt(marginal)} instructions per extra recipient, ${fmt(fixed)} per change (parse, rules, SQLite, render)`);
}
let cpu = '';
try { cpu = os.cpus()[0].model; } catch { /* none */ }
const machine = { nproc: os.cpus().length, cpu, kernel: os.release(), mem_gib: Math.round(os.totalmem() / 2 ** 30) };
let commit = '';
try { commit = execSync('git describe --always --dirty', { encoding: 'utf8' }).trim(); } catch { /* none */ }
const raw = {};
if (small.r) raw['cg-ours-small'] = { ...small.r, instructions: small.c ? small.c.instructions : null };
for (const wl of ['spike', 'cap', 'tour', 'cg']) for (const k of ['ours', ...PEERS]) { const x = r(wl, k); if (x) raw[`${wl}-${k}`] = x; }
for (const k of ['ours', ...PEERS]) { const c = read(`cg-cg-${k}.json`); if (c && raw[`cg-${k}`]) raw[`cg-${k}`].instructions = c.instructions; }
if (g) raw['tput-group'] = g;
if (e) raw['tput-each'] = e;
const results = { date: new Date().toISOString(), commit, machine, peers: Object.fromEntries(PEERS.map((k) => [k, NAMES[k]])),
  table: rows, durable_throughput: tput, spike_ours_durability_normal: sn,
  instructions_split: { per_recipient: marginal, per_change: fixed }, runs: raw };
writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
console.log(`\nmachine: ${machine.nproc} cores, ${cpu}, kernel ${machine.kernel}; written ${resultsPath}`);
