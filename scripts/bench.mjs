#!/usr/bin/env node
// pnpm bench NAME: builds, then runs e2e/dist/bench/NAME.bench.js (table, then one JSON line).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2];
const benchDir = `${root}e2e/dist/bench`;
const build = spawnSync('pnpm', ['exec', 'tsc', '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const available = readdirSync(benchDir).filter((f) => f.endsWith('.bench.js')).map((f) => f.replace('.bench.js', ''));
if (!name || !existsSync(`${benchDir}/${name}.bench.js`)) {
  process.stderr.write(`usage: pnpm bench NAME, where NAME is one of: ${available.join(', ')}\n`);
  process.exit(2);
}
const run = spawnSync(process.execPath, ['--expose-gc', `${benchDir}/${name}.bench.js`, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
