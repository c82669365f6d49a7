/*
 * `npm run lab:kube -- --kubeconfig <file> [--issuer <url>] [--signing-key <pem>]`: builds the lab's control plane
 * and pod identity webhook if they are not built yet, starts them, writes a cluster-admin kubeconfig to <file> once
 * `/readyz` answers and the webhook is registered, prints one line with the API server's URL and the issuer, and runs
 * until SIGINT or SIGTERM, which stop everything it started and remove its temp files and the kubeconfig.
 */
import { spawn } from 'child_process';
import { ensureBuilt } from './go-build';

/** The control plane's own flags that the command passes on (see `control-plane run --help`). */
const PASSED_ON = new Set(['--kubeconfig', '--issuer', '--jwks-uri', '--signing-key', '--signing-key-type', '--port', '--log', '--webhook-lookup-grace-period']);
const USAGE = 'usage: npm run lab:kube -- --kubeconfig <file> [--issuer <url>] [--signing-key <pem>] ' +
  '[--signing-key-type rsa|ecdsa] [--jwks-uri <url>] [--port <n>] [--log <file>] [--webhook-lookup-grace-period <duration>]';
/** How often the command checks that whatever started it (npm) is still there. */
const PARENT_POLL_MS = 1000;

/** The flags as the control plane takes them, or an error naming the first one it does not. */
export function controlPlaneArgs(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!PASSED_ON.has(flag)) throw new Error(`lab:kube: unknown argument ${argv[i]}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`lab:kube: ${flag} needs a value\n${USAGE}`);
    args.push(flag, value);
  }
  if (!args.includes('--kubeconfig')) throw new Error(`lab:kube: --kubeconfig <file> is required\n${USAGE}`);
  return args;
}

function main(): void {
  let args: string[];
  let binaries: ReturnType<typeof ensureBuilt>;
  try {
    args = controlPlaneArgs(process.argv.slice(2));
    binaries = ensureBuilt();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  // The control plane stops itself when this process dies (PR_SET_PDEATHSIG); signals are passed on so that it
  // stops in its own order and removes its files.
  const child = spawn(binaries.controlPlane, ['run', '--webhook', binaries.webhook, ...args], { stdio: 'inherit' });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const parent = process.ppid;
  const watchParent = setInterval(() => {
    if (process.ppid !== parent) stop('SIGTERM');
  }, PARENT_POLL_MS);
  child.on('exit', (code, signal) => {
    clearInterval(watchParent);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (require.main === module) main();
