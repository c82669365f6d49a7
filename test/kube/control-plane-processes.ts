import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from '../../lab/kube/go-build';

/** What a run of `control-plane run` printed and how it ended. */
export interface ControlPlaneRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `control-plane run <args>` (with the webhook binary) to its end, for the cases where it must refuse to start. */
export function runControlPlane(args: string[]): ControlPlaneRun {
  const binaries = ensureBuilt();
  const result = spawnSync(binaries.controlPlane, ['run', '--webhook', binaries.webhook, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The state directories of control planes (each named after its process ID) in the temp directory. */
export function stateDirectories(): string[] {
  return fs.readdirSync(os.tmpdir()).filter(name => name.startsWith('cdk-irsa-lab-kube-'));
}

/** The IDs of running processes whose executable is `binary`. */
export function processesOf(binary: string): number[] {
  return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).filter(pid => {
    try {
      return fs.readlinkSync(path.join('/proc', pid, 'exe')) === binary && !isZombie(pid);
    } catch {
      return false;
    }
  }).map(Number);
}

function isZombie(pid: string): boolean {
  return / Z /.test(fs.readFileSync(path.join('/proc', pid, 'stat'), 'utf8').replace(/^.*\)/, ''));
}

/** Waits until `condition` holds, checking every 100 ms, for at most `timeoutMs`; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return condition();
}
