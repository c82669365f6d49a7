/*
 * `npm run bench`: synth time, memory and CloudFormation footprint of N ServiceAccounts, four ways, in one run.
 *
 *   A  cdk-irsa: IrsaCluster + N addServiceAccount (the default chart, written to the cloud assembly)
 *   B  aws-cdk-lib aws-eks: Cluster.fromClusterAttributes(...).addServiceAccount
 *   C  bare roles: one CfnOIDCProvider + N iam.Role with a WebIdentityPrincipal, no manifests
 *   D  the floor with manifests: C + one cdk8s chart with the same ServiceAccounts, rendered with
 *      cdk8s.Yaml.stringify and written to the cloud assembly (what a user would write by hand to get A's result)
 *
 * and, for capacity only, K: A applied through an imported kubectl cluster.
 *
 * Method: every measurement is a fresh `node` process (bench/scenario.ts, compiled by tsc, no ts-node or source-map
 * hooks) that builds one stack with a fixed env and a literal issuer and synthesizes it into a fresh temporary
 * directory. The clock runs around construction + synthesis only. aws-cdk-lib loads most of its modules lazily, so
 * for each (scenario, N) a first, unmeasured process lists the modules the scenario loads and the measured
 * processes require them before starting the clock; any `require` time left inside the window is subtracted.
 * Repetitions are interleaved (A, B, C, A, B, C, ...) so that drift on the machine spreads over all three, and a
 * run during which other processes were busy is repeated (see measuredRun); medians are reported, and ratios are
 * computed from the medians of this run only.
 *
 * Each run writes its assembly to a fresh directory, in memory by default (see defaultTmp); all are deleted at the
 * end, so that deleting one run's files cannot slow down the next run's writes. Options: see USAGE below.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NAMESPACES, SCENARIOS, ScenarioId, ScenarioResult } from './common';

const SCENARIO_IDS: ScenarioId[] = ['A', 'B', 'C', 'D'];
/** CloudFormation's limit on resources per stack; A must fit 499 ServiceAccounts and the provider. */
const MAX_RESOURCES = 500;
const CAPACITY_N = MAX_RESOURCES - 1;
/** Applied through kubectl, each ServiceAccount also has a manifest resource, and the stack the kubectl provider's nested stack. */
const APPLIED_CAPACITY_N = (MAX_RESOURCES - 2) / 2;

/** A target of issue 13: a ratio of two scenarios' medians (or peak RSS) in this run, at some N. */
interface RatioTarget {
  readonly over: [ScenarioId, ScenarioId];
  readonly at: number;
  readonly validation: boolean;
  readonly max?: number;
  readonly min?: number;
  readonly of?: 'time' | 'rss';
}
const TARGETS: RatioTarget[] = [
  { over: ['A', 'D'], at: 100, validation: false, max: 1.10 },
  { over: ['A', 'D'], at: 400, validation: false, max: 1.10 },
  { over: ['A', 'C'], at: 400, validation: false, max: 1.40 },
  { over: ['A', 'C'], at: 400, validation: true, max: 1.10 },
  { over: ['B', 'A'], at: 100, validation: false, min: 2.5 },
  { over: ['A', 'D'], at: 400, validation: false, max: 1.10, of: 'rss' },
];

interface Options {
  readonly reps: number;
  readonly ns: number[];
  readonly validation: 'off' | 'on' | 'both';
  /** Repetitions of the smaller table measured with the built-in CloudFormation validation on. */
  readonly validationReps: number;
  readonly validationNs: number[];
  readonly out: string;
  readonly cpuProf?: string;
  /** Count instructions under valgrind instead of timing (see countInstructions). */
  readonly instructions: boolean;
  /** Where the cloud assemblies are written. */
  readonly tmp: string;
  /** A run during which other processes kept more than this many cores busy on average is run again... */
  readonly maxOthers: number;
  /** ...at most this many times. */
  readonly retries: number;
}

interface Cell {
  readonly scenario: ScenarioId;
  readonly n: number;
  readonly validation: boolean;
  readonly runs: Measured[];
  readonly ok: boolean;
  readonly error?: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly medianPeakRssMiB?: number;
  /** The footprint of the last successful run (it is the same in every run). */
  readonly footprint?: Pick<ScenarioResult, 'resources' | 'resourcesAllTemplates' | 'nestedStacks' | 'customResources' |
  'lambdaFunctions' | 'templateBytes' | 'kubernetesManifests' | 'manifestFiles' | 'manifestBytes'>;
}

// This file runs as bench/.build/bench/run.js (see bench/tsconfig.json); the child is compiled next to it.
const SCENARIO_JS = path.join(__dirname, 'scenario.js');
const REPO = path.resolve(__dirname, '..', '..', '..');

const USAGE = 'usage: npm run bench -- [--reps 11] [--n 1,100,400] [--validation off|on|both] [--validation-n 100,400] [--instructions] ' +
  '[--tmp /dev/shm] [--max-others 0.25] [--retries 10] [--quick] [--cpu-prof <dir>] [--out bench/results.json]';

/**
 * Assemblies go to memory when the machine has a tmpfs at /dev/shm. On the virtual machine this was written on,
 * creating the same 400 small files on the ext4 disk took anywhere from 10 to 400 ms within one minute, depending on
 * what else was writing; that noise would decide A's figures (A writes a manifest per ServiceAccount). The files
 * are still written; `--tmp /tmp` puts the disk back in.
 */
function defaultTmp(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** The file system type of a directory, for the record. */
function fileSystemOf(dir: string): string {
  const type = fs.statfsSync(dir).type;
  return ({ [0x01021994]: 'tmpfs', [0xef53]: 'ext4', [0x58465342]: 'xfs', [0x9123683e]: 'btrfs', [0x794c7630]: 'overlayfs' } as Record<number, string>)[type]
    ?? `0x${type.toString(16)}`;
}

function parseOptions(argv: string[]): Options {
  const flags = new Set(['--quick', '--instructions']);
  const valued = new Set(['--reps', '--n', '--validation', '--validation-n', '--cpu-prof', '--out', '--tmp', '--max-others', '--retries']);
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i]) && i + 1 < argv.length) i++;
    else if (!flags.has(argv[i])) throw new Error(`unknown or incomplete option ${argv[i]}\n${USAGE}`);
  }
  const value = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const count = (s: string, min = 1) => {
    if (!/^[0-9]+$/.test(s.trim()) || Number(s) < min) throw new Error(`${s} is not a whole number of at least ${min}\n${USAGE}`);
    return Number(s);
  };
  const cores = (s: string) => {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(s.trim())) throw new Error(`${s} is not a number of cores\n${USAGE}`);
    return Number(s);
  };
  const list = (s: string) => s.split(',').map(x => count(x));
  const quick = argv.includes('--quick');
  const validation = (value('--validation') ?? 'both') as Options['validation'];
  if (!['off', 'on', 'both'].includes(validation)) throw new Error(`--validation takes off, on or both\n${USAGE}`);
  return {
    reps: count(value('--reps') ?? (quick ? '1' : '11')),
    ns: list(value('--n') ?? '1,100,400'),
    validation,
    validationReps: quick ? 1 : 5,
    validationNs: list(value('--validation-n') ?? '100,400'),
    out: path.resolve(value('--out') ?? path.join(REPO, 'bench', 'results.json')),
    cpuProf: value('--cpu-prof'),
    instructions: argv.includes('--instructions'),
    tmp: path.resolve(value('--tmp') ?? defaultTmp()),
    maxOthers: cores(value('--max-others') ?? '0.25'),
    retries: count(value('--retries') ?? (quick ? '0' : '10'), 0),
  };
}

/** A child environment without the variables a CDK CLI passes to apps, so every child measures the same thing. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CDK_')));
}

let runCount = 0;

/** Runs one measurement in a fresh process; its assembly goes to a new directory in `scratch`. */
function runChild(scratch: string, scenario: ScenarioId, n: number, validation: boolean, extra: string[], nodeArgs: string[] = []): ScenarioResult {
  const outdir = path.join(scratch, `run-${++runCount}-${scenario}-${n}`);
  fs.mkdirSync(outdir);
  const args = [...nodeArgs, SCENARIO_JS, scenario, String(n), '--outdir', outdir, ...(validation ? ['--validation'] : []), ...extra];
  const child = spawnSync(process.execPath, args, { env: childEnv(), encoding: 'utf8', timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout?.trim().split('\n').pop();
  if (child.status !== 0 || !line) {
    throw new Error(`scenario ${scenario} N=${n} exited with ${child.status ?? child.signal}: ${child.stderr || child.error}`);
  }
  return JSON.parse(line) as ScenarioResult;
}

/** A measurement, with how busy the rest of the machine was while it ran. */
type Measured = ScenarioResult & {
  /** Cores that other processes kept busy on average during the run (undefined without /proc/stat). */
  readonly othersCores?: number;
  readonly attempts: number;
};

/** CPU time the whole machine has spent busy so far, in ms (Linux /proc/stat; USER_HZ is 100). */
function machineBusyMs(): number | undefined {
  try {
    const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, /* idle */, /* iowait */, irq, softirq, steal] = ticks;
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of this process and of its finished children (all their threads, to their exit), in ms, from
 * /proc/self/stat: utime, stime, cutime, cstime.
 */
function ownAndChildrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12] + fields[13] + fields[14]) * 10;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs a measurement until other processes leave the machine alone while it runs: on a shared two-core machine a
 * build next door slows each scenario differently (V8 compiles and collects garbage on background threads), which
 * would make the ratios depend on who else was busy. The machine's busy time minus ours and the child's (to its
 * exit, background compiler threads included) is what the others used.
 */
function measuredRun(opts: Options, run: () => ScenarioResult): Measured {
  for (let attempt = 1; ; attempt++) {
    const busyBefore = machineBusyMs();
    const oursBefore = ownAndChildrenCpuMs();
    const start = Date.now();
    const result = run();
    const wallMs = Date.now() - start;
    const oursAfter = ownAndChildrenCpuMs();
    const busyAfter = machineBusyMs();
    const othersCores = busyBefore === undefined || busyAfter === undefined || oursBefore === undefined || oursAfter === undefined
      ? undefined
      : Math.max(0, (busyAfter - busyBefore - (oursAfter - oursBefore)) / Math.max(wallMs, 1));
    if (othersCores === undefined || othersCores <= opts.maxOthers || attempt > opts.retries) {
      return { ...result, othersCores, attempts: attempt };
    }
    process.stderr.write(`  other processes kept ${othersCores.toFixed(2)} cores busy during ${result.scenario} N=${result.n}: running it again\n`);
    sleep(2000);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(scenario: ScenarioId, n: number, validation: boolean, runs: Measured[]): Cell {
  const ok = runs.filter(r => r.ok);
  if (ok.length < runs.length) {
    return { scenario, n, validation, runs, ok: false, error: runs.find(r => !r.ok)!.error };
  }
  const ms = ok.map(r => r.ms);
  const last = ok[ok.length - 1];
  return {
    scenario,
    n,
    validation,
    runs,
    ok: true,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    medianPeakRssMiB: median(ok.map(r => r.peakRssMiB)),
    footprint: {
      resources: last.resources,
      resourcesAllTemplates: last.resourcesAllTemplates,
      nestedStacks: last.nestedStacks,
      customResources: last.customResources,
      lambdaFunctions: last.lambdaFunctions,
      templateBytes: last.templateBytes,
      kubernetesManifests: last.kubernetesManifests,
      manifestFiles: last.manifestFiles,
      manifestBytes: last.manifestBytes,
    },
  };
}

/** Measures the scenarios at every N, `reps` times each, interleaved. */
function measure(ns: number[], validation: boolean, reps: number, scratch: string, opts: Options, scenarios = SCENARIO_IDS): Cell[] {
  const cells: Cell[] = [];
  const runs = new Map<string, Measured[]>();
  const preload = (s: ScenarioId, n: number) => path.join(scratch, `modules-${s}-${n}-${validation}.json`);
  for (const n of ns) {
    for (const s of scenarios) {
      // Unmeasured: lists the modules to preload (and warms the file cache).
      runChild(scratch, s, n, validation, ['--list-modules', preload(s, n)]);
    }
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const n of ns) {
      for (const s of scenarios) {
        const nodeArgs = opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`, `--cpu-prof-name=${s}-${n}-${validation ? 'v' : 'nov'}-${rep}.cpuprofile`] : [];
        const result = measuredRun(opts, () => runChild(scratch, s, n, validation, ['--preload', preload(s, n)], nodeArgs));
        const key = `${s}/${n}`;
        runs.set(key, [...(runs.get(key) ?? []), result]);
        process.stderr.write(`  ${validation ? 'validation on ' : ''}rep ${rep + 1}/${reps} ${s} N=${n}: ` +
          `${result.ok ? `${result.ms.toFixed(0)} ms` : `failed (${firstLine(result.error)})`}\n`);
      }
    }
  }
  for (const n of ns) {
    for (const s of scenarios) cells.push(summarize(s, n, validation, runs.get(`${s}/${n}`)!));
  }
  return cells;
}

/** The largest N that aws-eks synthesizes in one stack, by bisection between a passing and a failing N. */
function largestPassingN(
  scratch: string, scenario: ScenarioId, passing: number, failing: number, failingError?: string,
): { n: number; error?: string } {
  let error = failingError;
  while (failing - passing > 1) {
    const mid = Math.floor((passing + failing) / 2);
    const result = runChild(scratch, scenario, mid, false, []);
    if (result.ok) passing = mid;
    else [failing, error] = [mid, result.error];
  }
  return { n: passing, error };
}

function firstLine(s: string | undefined): string {
  const line = (s ?? '').split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function fmt(value: number | undefined, digits = 0): string {
  return value === undefined ? '–' : value.toFixed(digits);
}

function ratio(a?: Cell, b?: Cell, of: 'time' | 'rss' = 'time'): number | undefined {
  if (!a?.ok || !b?.ok) return undefined;
  return of === 'time' ? a.medianMs! / b.medianMs! : a.medianPeakRssMiB! / b.medianPeakRssMiB!;
}

/** The results as a Markdown table (it reads fine in a terminal too): one row per N, A/B/C/D side by side. */
function table(cells: Cell[], ns: number[]): string {
  const cell = (s: ScenarioId, n: number) => cells.find(c => c.scenario === s && c.n === n);
  const all = (n: number, f: (c: Cell) => string) =>
    SCENARIO_IDS.map(s => { const c = cell(s, n); return c?.ok ? f(c) : 'failed'; }).join(' / ');
  const rows = [
    '| N | A ms | B ms | C ms | D ms | A/D | A/C | B/A | peak RSS MiB A / B / C / D | RSS A/D | resources A / B / C / D | ' +
    'custom resources A / B / C / D | Lambdas A / B / C / D | template bytes A / B / C / D | k8s.yaml files A / D |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of ns) {
    const ms = (s: ScenarioId) => { const c = cell(s, n); return c?.ok ? fmt(c.medianMs) : 'failed¹'; };
    const resources = (c: Cell) => (c.footprint!.resourcesAllTemplates !== c.footprint!.resources
      ? `${c.footprint!.resources} (+${c.footprint!.resourcesAllTemplates! - c.footprint!.resources!} nested)`
      : `${c.footprint!.resources}`);
    const files = ['A', 'D'].map(s => { const c = cell(s as ScenarioId, n); return c?.ok ? String(c.footprint!.manifestFiles) : 'failed'; }).join(' / ');
    rows.push(`| ${n} | ${ms('A')} | ${ms('B')} | ${ms('C')} | ${ms('D')} | ` +
      `${fmt(ratio(cell('A', n), cell('D', n)), 2)} | ${fmt(ratio(cell('A', n), cell('C', n)), 2)} | ` +
      `${fmt(ratio(cell('B', n), cell('A', n)), 2)} | ${all(n, c => fmt(c.medianPeakRssMiB))} | ` +
      `${fmt(ratio(cell('A', n), cell('D', n), 'rss'), 2)} | ${all(n, resources)} | ` +
      `${all(n, c => String(c.footprint!.customResources))} | ${all(n, c => String(c.footprint!.lambdaFunctions))} | ` +
      `${all(n, c => String(c.footprint!.templateBytes))} | ${files} |`);
  }
  const failures = cells.filter(c => !c.ok);
  const notes = [...new Set(failures.map(c => `${c.scenario} at N=${c.n}: ${firstLine(c.error)}`))];
  return rows.join('\n') + (notes.length ? `\n\n¹ ${notes.join('\n¹ ')}` : '');
}

interface TargetCheck { readonly target: string; readonly value: string; readonly met: boolean }

function checkTargets(cells: Cell[], capacity: Cell, appliedCapacity: Cell): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const t of TARGETS) {
    const cell = (s: ScenarioId) => cells.find(c => c.scenario === s && c.n === t.at && c.validation === t.validation);
    const [a, b] = t.over;
    if (!cell(a) && !cell(b)) continue;
    const r = ratio(cell(a), cell(b), t.of);
    const name = `${t.of === 'rss' ? 'peak RSS ' : ''}${a}/${b} ${t.max !== undefined ? `<= ${t.max.toFixed(2)}` : `>= ${t.min!.toFixed(2)}`} ` +
      `at N=${t.at}, validation ${t.validation ? 'on' : 'off'}`;
    const met = r !== undefined && (t.max === undefined || r <= t.max) && (t.min === undefined || r >= t.min);
    checks.push({ target: name, value: fmt(r, 2), met });
  }
  for (const c of cells.filter(x => x.scenario === 'A' && !x.validation)) {
    const f = c.footprint;
    const met = c.ok && f!.resources === c.n + 1 && f!.resourcesAllTemplates === c.n + 1 && f!.customResources === 0 &&
      f!.lambdaFunctions === 0 && f!.manifestFiles === 1;
    checks.push({
      target: `A at N=${c.n}: N+1 resources, 0 custom resources, 0 Lambdas, 1 manifest file`,
      value: c.ok ? `${f!.resources} resources, ${f!.customResources} custom, ${f!.lambdaFunctions} Lambdas, ${f!.manifestFiles} files` : `failed: ${firstLine(c.error)}`,
      met,
    });
  }
  const f = capacity.footprint;
  checks.push({
    target: `A writes N=${CAPACITY_N} ServiceAccounts to files from one stack (${MAX_RESOURCES} resources)`,
    value: capacity.ok ? `${f!.resources} resources, ${f!.manifestFiles} file, ${fmt(capacity.medianMs)} ms` : `failed: ${firstLine(capacity.error)}`,
    met: capacity.ok && f!.resources === CAPACITY_N + 1 && f!.manifestFiles === 1,
  });
  const k = appliedCapacity.footprint;
  checks.push({
    target: `K applies N=${APPLIED_CAPACITY_N} ServiceAccounts through kubectl from one stack (${MAX_RESOURCES} resources)`,
    value: appliedCapacity.ok ? `${k!.resources} resources, ${k!.kubernetesManifests} manifests, ${fmt(appliedCapacity.medianMs)} ms` : `failed: ${firstLine(appliedCapacity.error)}`,
    met: appliedCapacity.ok && k!.resources === MAX_RESOURCES && k!.kubernetesManifests === APPLIED_CAPACITY_N,
  });
  return checks;
}

/**
 * Instructions instead of time: each scenario once per N under `valgrind --tool=callgrind`, with V8 in one thread
 * (`--single-threaded`: no concurrent compiler or collector, whose timing would change what runs), which makes a
 * count repeatable to about 0.1% on a machine whose timings move by 50%. The process's instructions at N=0
 * (start-up, preloading, an empty synth) are subtracted, so a cell counts the work for its N ServiceAccounts.
 * Validation is off; B is counted at the N where it synthesizes.
 */
function countInstructions(opts: Options, scratch: string): string {
  const ns = [...new Set([0, ...opts.ns])].sort((a, b) => a - b);
  const counts = new Map<string, number>();
  for (const s of SCENARIO_IDS) {
    for (const n of ns) {
      if (s === 'B' && n > 165) continue;
      const preload = path.join(scratch, `modules-${s}-${n}-instructions.json`);
      runChild(scratch, s, n, false, ['--list-modules', preload]);
      const outdir = path.join(scratch, `run-${++runCount}-${s}-${n}`);
      fs.mkdirSync(outdir);
      const child = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded',
        SCENARIO_JS, s, String(n), '--outdir', outdir, '--preload', preload], { env: childEnv(), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      const collected = /Collected : (\d+)/.exec(child.stderr ?? '');
      if (child.status !== 0 || !collected) throw new Error(`valgrind ${s} N=${n} exited with ${child.status ?? child.signal}: ${child.stderr || child.error}`);
      counts.set(`${s}/${n}`, Number(collected[1]));
      process.stderr.write(`  instructions ${s} N=${n}: ${(Number(collected[1]) / 1e6).toFixed(0)} M\n`);
    }
  }
  const work = (s: ScenarioId, n: number) => {
    const at = counts.get(`${s}/${n}`);
    const base = counts.get(`${s}/0`);
    return at === undefined || base === undefined ? undefined : at - base;
  };
  const r = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a / b);
  const rows = [
    '| N | A M | B M | C M | D M | A/D | A/C | D/C | B/A | per ServiceAccount from the previous N, M: A / C / D |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  ns.filter(n => n > 0).forEach((n, i, positive) => {
    const previous = i === 0 ? 0 : positive[i - 1];
    const perSa = (s: ScenarioId) => fmt(r((work(s, n) ?? NaN) - (work(s, previous) ?? 0), (n - previous) * 1e6), 2);
    rows.push(`| ${n} | ${SCENARIO_IDS.map(s => fmt(r(work(s, n), 1e6))).join(' | ')} | ${fmt(r(work('A', n), work('D', n)), 2)} | ` +
      `${fmt(r(work('A', n), work('C', n)), 2)} | ${fmt(r(work('D', n), work('C', n)), 2)} | ${fmt(r(work('B', n), work('A', n)), 2)} | ` +
      `${perSa('A')} / ${perSa('C')} / ${perSa('D')} |`);
  });
  return rows.join('\n');
}

function main(): void {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  const loadBefore = os.loadavg();
  const scratch = fs.mkdtempSync(path.join(opts.tmp, 'cdk-irsa-bench-'));
  const outdirNote = `assemblies written to ${opts.tmp} (${fileSystemOf(opts.tmp)})`;
  if (opts.cpuProf) fs.mkdirSync(opts.cpuProf, { recursive: true });
  const cpus = os.cpus();
  const versions = Object.fromEntries(['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-27'].map(p =>
    [p, (JSON.parse(fs.readFileSync(require.resolve(`${p}/package.json`), 'utf8')) as { version: string }).version]));
  process.stderr.write(`cdk-irsa bench: N=${opts.ns.join(',')}, ${opts.reps} repetitions, ${cpus.length} cores, ` +
    `node ${process.version}, load average ${loadBefore.map(l => l.toFixed(2)).join(' ')}\n`);

  try {
    if (opts.instructions) {
      const instructions = countInstructions(opts, scratch);
      process.stdout.write(`## cdk-irsa bench, instructions, ${started.toISOString().slice(0, 10)}\n\n` +
        'Millions of instructions for the N ServiceAccounts (the count at N=0 subtracted), valgrind callgrind, ' +
        `node --single-threaded, validation off, ${NAMESPACES} namespaces.\n\n${instructions}\n`);
      return;
    }
    const off = opts.validation === 'on' ? [] : measure(opts.ns, false, opts.reps, scratch, opts);
    const on = opts.validation === 'off' ? [] : measure(opts.validationNs, true, opts.validationReps, scratch, opts);

    process.stderr.write(`  capacity: A at N=${CAPACITY_N}, K at N=${APPLIED_CAPACITY_N}\n`);
    const [capacity] = measure([CAPACITY_N], false, 1, scratch, { ...opts, cpuProf: undefined }, ['A']);
    const [appliedCapacity] = measure([APPLIED_CAPACITY_N], false, 1, scratch, { ...opts, cpuProf: undefined }, ['K']);
    const failingB = [...off, ...on].filter(c => c.scenario === 'B' && !c.ok).map(c => c.n).sort((a, b) => a - b)[0];
    const passingB = [...off, ...on].filter(c => c.scenario === 'B' && c.ok && (failingB === undefined || c.n < failingB))
      .map(c => c.n).sort((a, b) => b - a)[0];
    let awsEksLimit: { n: number; error?: string } | undefined;
    if (failingB !== undefined && passingB !== undefined) {
      process.stderr.write(`  capacity: largest N aws-eks synthesizes in one stack, between ${passingB} and ${failingB}\n`);
      const failingError = [...off, ...on].find(c => c.scenario === 'B' && c.n === failingB)?.error;
      awsEksLimit = largestPassingN(scratch, 'B', passingB, failingB, failingError);
    }

    const targets = checkTargets([...off, ...on], capacity, appliedCapacity);
    const loadAfter = os.loadavg();
    const validationNote = opts.validation === 'on'
      ? 'built-in CloudFormation validation ON for A, B and C'
      : 'built-in CloudFormation validation (App builtinCloudFormationValidation) OFF for A, B and C in the main table' +
        (on.length ? `; ON for all three in the second table (N=${opts.validationNs.join(',')})` : '');

    const measured = [...off, ...on].flatMap(c => c.runs);
    const retried = measured.reduce((sum, r) => sum + r.attempts - 1, 0);
    const busy = measured.filter(r => r.othersCores !== undefined && r.othersCores > opts.maxOthers).length;
    const othersNote = measured.some(r => r.othersCores !== undefined)
      ? `Other processes kept at most ${opts.maxOthers} cores busy during ${measured.length - busy} of the ${measured.length} ` +
        `measured runs (${retried} runs were repeated because they did not)` +
        (busy ? `; ${busy} runs were kept after ${opts.retries} retries` : '') + '.'
      : 'Load from other processes was not checked (no /proc/stat).';

    const out: string[] = [];
    out.push(`## cdk-irsa bench, ${started.toISOString().slice(0, 10)}`, '');
    out.push(`${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
      `aws-cdk-lib ${versions['aws-cdk-lib']}, cdk8s-plus-27 ${versions['cdk8s-plus-27']}; ` +
      `load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`);
    out.push(`Median construct + synth time of ${opts.reps} fresh processes per cell (requires excluded), ` +
      `${NAMESPACES} namespaces, one stack, ${outdirNote}; ${validationNote}. ${othersNote}`, '');
    for (const s of [...SCENARIO_IDS, 'K' as const]) out.push(`- ${s}: ${SCENARIOS[s]}`);
    out.push('');
    if (off.length) out.push(table(off, opts.ns), '');
    if (on.length) out.push('With the built-in CloudFormation validation on:', '', table(on, opts.validationNs), '');
    if (awsEksLimit) {
      out.push(`aws-eks: the largest N that synthesizes in one stack is ${awsEksLimit.n}; N=${awsEksLimit.n + 1} fails: ${firstLine(awsEksLimit.error)}`, '');
    }
    out.push('Targets:', '');
    for (const t of targets) out.push(`- [${t.met ? 'x' : ' '}] ${t.target}: ${t.value}`);
    process.stdout.write(out.join('\n') + '\n');

    const results = {
      date: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      machine: {
        cores: cpus.length,
        cpuModel: cpus[0]?.model,
        totalMemGiB: os.totalmem() / 2 ** 30,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter,
      },
      node: process.version,
      versions,
      method: {
        reps: opts.reps,
        validationReps: opts.validationReps,
        namespaces: NAMESPACES,
        timed: 'new App + Stack + scenario constructs + app.synth(), in a fresh node process; modules preloaded, residual require time subtracted',
        validation: validationNote,
        outdir: `a fresh directory per run; ${outdirNote}`,
        otherProcesses: othersNote,
        maxOthersCores: opts.maxOthers,
        retries: opts.retries,
      },
      scenarios: SCENARIOS,
      table: off.length ? table(off, opts.ns) : undefined,
      validationTable: on.length ? table(on, opts.validationNs) : undefined,
      cells: [...off, ...on],
      capacity: { a: capacity, k: appliedCapacity, awsEksLimit },
      targets,
    };
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, JSON.stringify(results, undefined, 2) + '\n');
    process.stderr.write(`wrote ${path.relative(process.cwd(), opts.out)}\n`);
    // A failing to synthesize is a bug; a missed ratio target is a finding, reported above.
    if (![...off, ...on, capacity, appliedCapacity].filter(c => c.scenario === 'A' || c.scenario === 'K').every(c => c.ok)) process.exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main();
