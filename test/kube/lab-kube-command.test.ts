import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { eventually, processesOf, stateDirectories } from './control-plane-processes';
import { ensureBuilt } from '../../lab/kube/go-build';
import { testDirectory } from '../support/test-directory';

const COMMAND = path.join(__dirname, '..', '..', 'lab', 'kube', 'lab-kube.ts');
const TS_NODE = require.resolve('ts-node/dist/bin.js');
// ts-node's compile cache would otherwise be left in the temp directory.
const ENV = { ...process.env, DISABLE_V8_COMPILE_CACHE: '1' };
const READY = /^lab:kube ready: server (https:\/\/127\.0\.0\.1:\d+) issuer (\S+) kubeconfig (.+)$/m;

/** Starts `npm run lab:kube`'s program as npm would and resolves once it prints its ready line. */
async function startCommand(args: string[]) {
  const child = spawn(process.execPath, [TS_NODE, '--transpile-only', COMMAND, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += chunk));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', chunk => {
      stdout += chunk;
      const match = READY.exec(stdout);
      if (match) resolve(match);
    });
    void exited.then(code => reject(new Error(`lab:kube exited (${code}) before it was ready:\n${stderr}`)));
  });
  return { child, exited, ready, output: () => stdout };
}

describe('npm run lab:kube', () => {
  test('prints one line with the API server and the issuer, writes the kubeconfig, and on SIGTERM stops and removes it', async () => {
    const kubeconfig = path.join(testDirectory('lab-kube'), 'kubeconfig');
    const issuer = 'https://issuer.example.com/cluster';

    const lab = await startCommand(['--kubeconfig', kubeconfig, '--issuer', issuer]);

    expect(lab.ready[2]).toBe(issuer);
    expect(lab.ready[3]).toBe(kubeconfig);
    expect(fs.readFileSync(kubeconfig, 'utf8')).toContain(`server: ${lab.ready[1]}`);
    expect(lab.output().trim().split('\n')).toHaveLength(1);

    lab.child.kill('SIGTERM');

    expect(await lab.exited).toBe(0);
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(stateDirectories()).toEqual([]);
  });

  test('when it is killed (SIGKILL), the control plane and the webhook stop too', async () => {
    const binaries = ensureBuilt();
    const kubeconfig = path.join(testDirectory('lab-kube'), 'kubeconfig');
    const lab = await startCommand(['--kubeconfig', kubeconfig]);
    expect(processesOf(binaries.controlPlane)).toHaveLength(1);

    lab.child.kill('SIGKILL');

    expect(await eventually(() => processesOf(binaries.controlPlane).length === 0 && processesOf(binaries.webhook).length === 0)).toBe(true);
    // The control plane got SIGTERM from the kernel when its parent died, so it removed its own files.
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(stateDirectories()).toEqual([]);
  });

  test('refuses an argument it does not know, with its usage', () => {
    const result = spawnSync(process.execPath, [TS_NODE, '--transpile-only', COMMAND, '--kubeconfig', 'k', '--issue', 'https://x'], { encoding: 'utf8', env: ENV });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('lab:kube: unknown argument --issue\nusage: npm run lab:kube -- --kubeconfig <file> [--issuer <url>]');
  });

  test('refuses to start without --kubeconfig', () => {
    const result = spawnSync(process.execPath, [TS_NODE, '--transpile-only', COMMAND], { encoding: 'utf8', env: ENV });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('lab:kube: --kubeconfig <file> is required');
  });
});
