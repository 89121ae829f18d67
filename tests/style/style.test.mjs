// The build guards the style (STYLE.md habits 1 and 11):
//  - no cycle in the graph of modules, where src/X.c and src/X.h are module X
//    and each #include "Y.h" is an edge X -> Y;
//  - core depends on game, store and view (and the utility rooms) only;
//  - every symbol an object of src/ exports carries its module's prefix.
//
//   node --test tests/style/        (after `make`, which builds build/host/obj)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');
const OBJ = join(ROOT, process.env.STYLE_OBJ_DIR || 'build/host/obj');

/** module -> Set of modules it includes (headers of src/ only). */
export function includeGraph(dir) {
  const g = new Map();
  for (const f of readdirSync(dir)) {
    const m = /^(.+)\.(c|h)$/.exec(f);
    if (!m) continue;
    const mod = m[1];
    if (!g.has(mod)) g.set(mod, new Set());
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const inc = /^\s*#\s*include\s+"([^"]+)\.h"/.exec(line);
      if (inc && inc[1] !== mod && existsSync(join(dir, inc[1] + '.h'))) g.get(mod).add(inc[1]);
    }
  }
  return g;
}

/** A cycle as a list of modules (first repeated at the end), or null. */
export function findCycle(g) {
  const state = new Map(); // 1 on the stack, 2 done
  const stack = [];
  const visit = (m) => {
    state.set(m, 1);
    stack.push(m);
    for (const n of g.get(m) || []) {
      if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
      if (!state.has(n)) {
        const c = visit(n);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(m, 2);
    return null;
  };
  for (const m of [...g.keys()].sort()) {
    if (!state.has(m)) {
      const c = visit(m);
      if (c) return c;
    }
  }
  return null;
}

test('the cycle finder finds a planted cycle and passes a tree', () => {
  assert.deepEqual(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCycle(new Map([['a', new Set(['b', 'c'])], ['b', new Set(['c'])], ['c', new Set()]])), null);
});

test('no include cycle between the modules of src/', () => {
  const cycle = findCycle(includeGraph(SRC));
  assert.equal(cycle, null, `include cycle: ${cycle && cycle.join(' -> ')}`);
});

test('core depends on game, store and view (and utility rooms) only', () => {
  const allowed = new Set(['game', 'store', 'view', 'buf', 'json', 'log', 'map', 'mem', 'metrics', 'now']);
  const own = new Set();
  for (const f of ['core.c', 'core.h'])
    for (const line of readFileSync(join(SRC, f), 'utf8').split('\n')) {
      const inc = /^\s*#\s*include\s+"([^"]+)\.h"/.exec(line);
      if (inc && inc[1] !== 'core') own.add(inc[1]);
    }
  const extra = [...own].filter((m) => !allowed.has(m));
  assert.deepEqual(extra, [], `core includes ${extra.join(', ')}`);
});

test('every exported symbol carries its module prefix', { skip: !existsSync(OBJ) && 'build first (make)' }, () => {
  const bad = [];
  for (const f of readdirSync(OBJ).filter((x) => x.endsWith('.o')).sort()) {
    const mod = f.slice(0, -2);
    // A generated file of a module (assets_data) exports under the module's prefix.
    const prefix = (mod.endsWith('_data') ? mod.slice(0, -5) : mod) + '_';
    const out = execFileSync('nm', ['-g', '--defined-only', join(OBJ, f)], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const sym = line.trim().split(/\s+/)[2];
      if (!sym) continue;
      if (mod === 'main' && sym === 'main') continue;
      if (!sym.startsWith(prefix)) bad.push(`${f}: ${sym}`);
    }
  }
  assert.deepEqual(bad, [], `exports without their module's prefix:\n${bad.join('\n')}`);
});
