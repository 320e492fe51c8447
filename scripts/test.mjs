#!/usr/bin/env node
// Runs every test tier in order (build, lint, each package's unit/integration tests, e2e), shows
// their output as it comes, and ends with one summary line: "tests: N passed, N failed".
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = ['packages', '.']
  .flatMap((dir) => (dir === '.' ? ['proto', 'relay', 'agent'] : readdirSync(join(root, dir)).map((name) => join(dir, name))))
  .filter((dir) => existsSync(join(root, dir, 'package.json')))
  .filter((dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts?.test);

const steps = [
  ['build', ['exec', 'tsc', '-b']],
  ['lint', ['exec', 'eslint', '.']],
  ...packages.map((dir) => [`test ${dir}`, ['--dir', dir, 'run', 'test']]),
  ['test e2e', ['--dir', 'e2e', 'run', 'test']],
];

let passed = 0;
let failed = 0;
const failedSteps = [];

for (const [name, args] of steps) {
  process.stdout.write(`\n=== ${name}\n`);
  const { code, output } = await run('pnpm', args);
  const count = (word) => [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
  passed += count('passing');
  failed += count('failing');
  if (code !== 0) {
    failedSteps.push(name);
    if (count('failing') === 0) failed += 1;
    if (name === 'build') break;
  }
}

if (failedSteps.length) process.stdout.write(`\nfailed steps: ${failedSteps.join(', ')}\n`);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failedSteps.length ? 1 : 0);

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
