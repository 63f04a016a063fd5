#!/usr/bin/env node
// One-step setup on a fresh machine that has Node.js and npm: pnpm at the pinned version, the
// workspace's dependencies, the host tools the node-side tests and the demo use (Debian/Ubuntu,
// as root), and a build. Safe to run again: every step checks before it acts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ensureKubePrograms } from './kube.mjs';
import { ensurePackedTools } from './packed-tools.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');

// Host tools: filesystem and block tools for the node service's real-filesystem tests and the
// demo. (The chart tests run the real helm client that ensurePackedTools fetches.)
const hostTools = [
  { command: 'mkfs.ext4', pkg: 'e2fsprogs' },
  { command: 'mkfs.xfs', pkg: 'xfsprogs' },
  { command: 'mkfs.btrfs', pkg: 'btrfs-progs' },
  { command: 'losetup', pkg: 'mount' },
  { command: 'findmnt', pkg: 'util-linux' },
  // pnpm e2e:kube: etcd for the real kube-apiserver, openssl for the per-run certificates, xz to
  // unpack ../shared/kube.
  { command: 'etcd', pkg: 'etcd-server' },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'xz', pkg: 'xz-utils' },
  // The metrics suite scrapes the driver and the CSPs with a real Prometheus that it starts itself
  // on loopback (packages/testbed/test/metrics); the package's own service is not used.
  { command: 'prometheus', pkg: 'prometheus' },
  // scripts/packed-tools.mjs unzips Helm (the chart tests' and pnpm e2e:kube's) from the npm
  // package that carries it.
  { command: 'python3', pkg: 'python3' },
  // The simulator's WebSocket handshake is compared with the real aiohttp the TrueNAS middleware
  // answers upgrades with (packages/testbed/test/truenas-sim/deflate-aiohttp.test.ts).
  { check: '/usr/bin/python3 -c "import aiohttp"', pkg: 'python3-aiohttp' },
];

function step(title) {
  console.log(`\n==> ${title}`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`setup: ${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function succeeds(shellCommand) {
  return spawnSync('sh', ['-c', shellCommand], { stdio: 'ignore' }).status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(
      `setup: Node ${process.versions.node} is too old; opencsp needs Node 20.19 or newer (or the current LTS).`,
    );
    process.exit(1);
  }
}

function ensurePnpm() {
  let current = '';
  try {
    current = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  if (current === pnpmVersion) {
    console.log(`pnpm ${current} present`);
    return;
  }
  step(`installing pnpm ${pnpmVersion} with npm (found: ${current || 'none'})`);
  run('npm', ['install', '--global', `pnpm@${pnpmVersion}`]);
}

function ensureHostTools() {
  const missing = hostTools.filter((t) => !(t.command ? has(t.command) : succeeds(t.check)));
  if (missing.length === 0) {
    console.log('host tools present');
    return;
  }
  const packages = [...new Set(missing.map((t) => t.pkg))];
  const canApt = process.platform === 'linux' && process.getuid?.() === 0 && has('apt-get');
  if (process.env.OPENCSP_SKIP_APT === '1' || !canApt) {
    console.log(`note: missing ${packages.join(', ')}; the node-side and chart tests will report what they skip.`);
    console.log('      On Debian/Ubuntu as root, setup installs them with apt-get.');
    return;
  }
  step(`installing host tools with apt-get: ${packages.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (packages.includes('prometheus')) {
    stopPackagedPrometheus();
  }
}

// Debian starts and enables prometheus.service (listening on every interface) when the package is
// installed under systemd. The tests start their own Prometheus; setup installed this one for
// them only, so its service is stopped and disabled again.
function stopPackagedPrometheus() {
  if (!existsSync('/run/systemd/system') || !has('systemctl')) {
    return;
  }
  step('disabling the prometheus service the package started (the tests run their own)');
  spawnSync('systemctl', ['disable', '--now', 'prometheus.service'], { stdio: 'inherit' });
}

/**
 * Runs a fetch/unpack step that returns a problem message (or throws): under CI a problem fails
 * setup; elsewhere it is a note and the suites that need the step say what they skip.
 */
function ensureOrNote(ensure) {
  let problem;
  try {
    problem = ensure(root);
  } catch (err) {
    problem = err.message;
  }
  if (problem === undefined) {
    return;
  }
  if (process.env.CI) {
    console.error(`setup: ${problem}`);
    process.exit(1);
  }
  console.log(`note: ${problem}`);
}

checkNode();
ensurePnpm();
step('installing workspace dependencies');
run('pnpm', ['install', '--frozen-lockfile']);
ensureHostTools();
step('unpacking the Kubernetes programs for pnpm e2e:kube');
ensureOrNote(ensureKubePrograms);
step('fetching the pinned Node.js runtime of the images and the Helm client (scripts/packed-tools.mjs)');
ensureOrNote(ensurePackedTools);
step('building');
run('pnpm', ['build']);
console.log('\nsetup complete');
