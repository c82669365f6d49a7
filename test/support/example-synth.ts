import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { testDirectory } from './test-directory';

/** What running an example app the way `cdk synth` does gave: its cdk.json, the process, and where it wrote. */
export interface ExampleSynth {
  readonly cdkJson: { app: string; context: Record<string, unknown> };
  readonly run: SpawnSyncReturns<string>;
  readonly out: string;
}

/**
 * Runs `examples/<name>/app.ts` as the CDK CLI runs it there (the command its cdk.json names, with its context), into
 * a directory of the test's.
 */
export function synthesizeExample(name: string): ExampleSynth {
  const example = path.join(__dirname, '..', '..', 'examples', name);
  const out = testDirectory(name);
  const cdkJson = JSON.parse(fs.readFileSync(path.join(example, 'cdk.json'), 'utf8'));
  const run = spawnSync('npx', ['ts-node', '--transpile-only', 'app.ts'], {
    cwd: example,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context), TMPDIR: testDirectory('tmp') },
  });
  return { cdkJson, run, out };
}
