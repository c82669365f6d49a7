import { execFileSync } from 'child_process';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IrsaCluster } from '../../src';
import { fail } from '../../src/private/construct-error';
import { testApp } from '../support/app';
import { testDirectory, testFile } from '../support/test-directory';

const REPO = path.resolve(__dirname, '..', '..');
const NAMESPACE_MESSAGE = 'IrsaServiceAccount \'Trial/Irsa/App\': namespace "Shop" is not a valid Kubernetes namespace. ' +
  'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.';

describe('fail', () => {
  test('throws the message after the construct\'s kind and path', () => {
    const scope = new Construct(new Construct(undefined as any, 'App'), 'Thing');
    expect(() => fail(scope, 'IrsaCluster', 'pass issuerUrl.')).toThrow(new Error("IrsaCluster 'App/Thing': pass issuerUrl."));
  });

  test('names the error a ValidationError and starts its stack at the caller, without frames of cdk-irsa', () => {
    // GIVEN
    const stack = new Stack(testApp(), 'Trial');
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: 'https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE' });

    // WHEN
    let error: Error | undefined;
    try {
      irsa.addServiceAccount('App', { namespace: 'Shop', name: 'app' });
    } catch (e) {
      error = e as Error;
    }

    // THEN
    expect(error?.name).toBe('ValidationError');
    const lines = error!.stack!.split('\n');
    expect(lines[0]).toBe(`ValidationError: ${NAMESPACE_MESSAGE}`);
    expect(lines[1]).toContain(`${__filename}:`);
    expect(lines.filter(line => line.includes(path.join(REPO, 'src') + path.sep))).toEqual([]);
  });

  test('under ts-node, as CDK apps run, shows the user\'s line of code and then the message', () => {
    // GIVEN an app with a bad namespace, run the way `cdk synth` runs a TypeScript app
    const app = testFile('app.ts', [
      `import { App, Stack } from ${JSON.stringify(path.join(REPO, 'node_modules', 'aws-cdk-lib'))};`,
      `import { IrsaCluster } from ${JSON.stringify(path.join(REPO, 'src'))};`,
      "const stack = new Stack(new App(), 'Trial');",
      "const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: 'https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE' });",
      "irsa.addServiceAccount('App', { namespace: 'Shop', name: 'app' });",
      '',
    ].join('\n'));

    // WHEN
    let stderr = '';
    try {
      execFileSync(path.join(REPO, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--project', path.join(REPO, 'examples', 'tsconfig.json'), app], {
        cwd: REPO,
        stdio: 'pipe',
        // The app's App and ts-node's compile cache write to the temp directory: keep them in one this file removes.
        env: { ...process.env, TMPDIR: testDirectory('tmp') },
      });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }

    // THEN the code frame and the first stack frame are the user's line 5, where addServiceAccount was called
    expect(stderr.split('\n').slice(0, 5)).toEqual([
      `${app}:5`,
      "irsa.addServiceAccount('App', { namespace: 'Shop', name: 'app' });",
      '     ^',
      `ValidationError: ${NAMESPACE_MESSAGE}`,
      `    at Object.<anonymous> (${app}:5:6)`,
    ]);
  });
});
