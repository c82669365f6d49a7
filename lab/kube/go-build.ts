/*
 * Builds the lab's two Go programs (the control plane and the pod identity webhook) once per version of their
 * sources. A binary is kept under the user's cache directory, keyed by a hash of its module's go.mod, go.sum and Go
 * files and of the Go version, so a second run (or a new clone on the same machine) starts at once; Go's own build
 * cache makes a rebuild after a small change quick. Builds run under `nice`, so a cold build (minutes) does not
 * starve a test run beside it.
 *
 * `ts-node lab/kube/go-build.ts` builds what is missing; `--detach` starts that in the background and returns,
 * which `npm run check` uses to build while jest runs.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A Go program of the lab: its module folder, the binary it builds, and what it links in. */
export interface GoProgram {
  readonly name: string;
  readonly moduleDir: string;
  readonly ldflags: () => string;
}

export const CONTROL_PLANE: GoProgram = {
  name: 'control-plane',
  moduleDir: path.join(__dirname, 'control-plane'),
  // Kubernetes' release builds stamp the version into the binary; without it every component reports v0.0.0-master.
  ldflags: () => {
    const version = kubernetesVersion();
    const [major, minor] = version.replace(/^v/, '').split('.');
    return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
      .map(pkg => `-X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean`)
      .join(' ');
  },
};
export const POD_IDENTITY_WEBHOOK: GoProgram = {
  name: 'pod-identity-webhook',
  moduleDir: path.join(__dirname, 'pod-identity-webhook'),
  ldflags: () => '',
};
const PROGRAMS = [CONTROL_PLANE, POD_IDENTITY_WEBHOOK];

/** The lab's binaries are small next to Go's build cache, and outlive a clone. */
const CACHE_ROOT = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdk-irsa', 'lab-kube');
const LOCK = path.join(CACHE_ROOT, 'build.lock');
const BUILD_LOG = path.join(CACHE_ROOT, 'build.log');
const LOCK_WAIT_MS = 30 * 60_000;

/** Where `program`'s binary for its current sources is, built or not. */
export function binaryPath(program: GoProgram): string {
  return path.join(CACHE_ROOT, `${program.name}-${sourceHash(program)}`, program.name);
}

/**
 * Returns the paths of both binaries, building what is missing. Waits while another process builds (a background
 * build of `npm run check`), then builds only what that one did not.
 */
export function ensureBuilt(log: (line: string) => void = line => process.stderr.write(`${line}\n`)): { controlPlane: string; webhook: string } {
  if (PROGRAMS.some(p => !fs.existsSync(binaryPath(p)))) {
    const go = goVersion();
    withLock(log, () => {
      for (const program of PROGRAMS) {
        if (!fs.existsSync(binaryPath(program))) build(program, go, log);
      }
    });
  }
  return { controlPlane: binaryPath(CONTROL_PLANE), webhook: binaryPath(POD_IDENTITY_WEBHOOK) };
}

function build(program: GoProgram, go: string, log: (line: string) => void): void {
  const target = binaryPath(program);
  const partial = `${target}.partial-${process.pid}`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  log(`lab:kube: building ${program.name} with ${go} (the first build takes minutes; later ones reuse it)`);
  const started = Date.now();
  // -mod=readonly: the build uses exactly what go.sum pins; GOTOOLCHAIN=local: never fetch another Go.
  const args = ['build', ...buildFlags(program), '-o', partial, '.'];
  const niced = hasNice() ? { command: 'nice', args: ['-n', '10', 'go', ...args] } : { command: 'go', args };
  const result = spawnSync(niced.command, niced.args, {
    cwd: program.moduleDir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(`go build of ${program.moduleDir} failed (exit ${result.status ?? result.signal}); its output is above`);
  }
  fs.renameSync(partial, target);
  removeOtherBuilds(program, target);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`lab:kube: built ${program.name} in ${seconds} s (${(fs.statSync(target).size / 1e6).toFixed(0)} MB)`);
}

/** Each build is 30-190 MB: only the one for the current sources is kept (Go's own cache makes going back quick). */
function removeOtherBuilds(program: GoProgram, keep: string): void {
  for (const entry of fs.readdirSync(CACHE_ROOT)) {
    const dir = path.join(CACHE_ROOT, entry);
    if (entry.startsWith(`${program.name}-`) && dir !== path.dirname(keep)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** -s -w: no symbol tables, a third of the size; a stack trace still names every function. */
function buildFlags(program: GoProgram): string[] {
  return ['-mod=readonly', '-trimpath', `-ldflags=-s -w ${program.ldflags()}`.trim()];
}

/** The Kubernetes release the control plane's go.mod pins. */
export function kubernetesVersion(): string {
  const goMod = fs.readFileSync(path.join(CONTROL_PLANE.moduleDir, 'go.mod'), 'utf8');
  const version = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(goMod)?.[1];
  if (!version) throw new Error(`${CONTROL_PLANE.moduleDir}/go.mod requires no k8s.io/kubernetes`);
  return version;
}

/** The hash of everything the binary is built from: the module's files, the flags and the Go that builds it. */
function sourceHash(program: GoProgram): string {
  const hash = createHash('sha256');
  const files = fs.readdirSync(program.moduleDir).filter(f => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go')).sort();
  for (const file of files) hash.update(file).update('\0').update(fs.readFileSync(path.join(program.moduleDir, file))).update('\0');
  hash.update(buildFlags(program).join(' ')).update('\0').update(goVersionForHash());
  return hash.digest('hex').slice(0, 16);
}

let cachedGoVersion: string | undefined;
function goVersionForHash(): string {
  try {
    return goVersion();
  } catch {
    return 'no go';
  }
}

function goVersion(): string {
  if (cachedGoVersion) return cachedGoVersion;
  try {
    cachedGoVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim();
  } catch {
    throw new Error('lab:kube needs Go 1.26 or later on the PATH to build the lab\'s Kubernetes control plane (go was not found)');
  }
  const [major, minor] = cachedGoVersion.replace(/^go/, '').split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 26)) {
    throw new Error(`lab:kube needs Go 1.26 or later; the PATH has ${cachedGoVersion}`);
  }
  return cachedGoVersion;
}

function hasNice(): boolean {
  return spawnSync('nice', ['true']).status === 0;
}

/** Runs `f` holding the build lock; a lock whose holder is gone is taken over. */
function withLock(log: (line: string) => void, f: () => void): void {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!isAlive(Number(readOr(path.join(LOCK, 'pid'), '0')))) {
        fs.rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build held ${LOCK} for ${LOCK_WAIT_MS / 60_000} minutes`);
      if (!told) log(`lab:kube: waiting for the build under way (its log: ${BUILD_LOG})`);
      told = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    f();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Starts the build in a background process that outlives this one; its output goes to the build log. */
function detach(): void {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const out = fs.openSync(BUILD_LOG, 'w');
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const child = spawn(process.execPath, [tsNode, '--transpile-only', __filename], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  console.log(`lab:kube: building the control plane in the background (pid ${child.pid}, log ${BUILD_LOG})`);
}

if (require.main === module) {
  try {
    if (process.argv.includes('--detach')) {
      goVersion();
      detach();
    } else {
      const built = ensureBuilt();
      console.log(`${built.controlPlane}\n${built.webhook}`);
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
