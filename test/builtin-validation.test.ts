import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaCluster } from '../src';
import { ENV, SEED_ISSUER_URL, testApp } from './support/app';
import { testDirectory } from './support/test-directory';

// aws-cdk-lib's bundled CloudFormation validator only warns unless `@aws-cdk/core:validateAgainstDefaultRules` is
// set; `testApp({ validate: true })` sets it, so the tests that keep validation on fail on an invalid template.
describe('the built-in CloudFormation validation of testApp({ validate: true })', () => {
  let outdir: string;
  beforeEach(() => { outdir = testDirectory('validation'); });

  /** The seed ServiceAccount, its role's MaxSessionDuration optionally overridden past cdk-irsa's own checks. */
  function seedApp(app: App, maxSessionDuration?: number): App {
    const cluster = new IrsaCluster(new Stack(app, 'Stack', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    const serviceAccount = cluster.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws' });
    if (maxSessionDuration !== undefined) {
      (serviceAccount.role.node.defaultChild as iam.CfnRole).addPropertyOverride('MaxSessionDuration', maxSessionDuration);
    }
    return app;
  }

  function reportedViolations(): string[] {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return report.pluginReports.flatMap((r: any) => r.violations.map((v: any) => `${v.severity} ${v.ruleName}: ${v.description}`));
  }

  test('fails synthesis on a role whose MaxSessionDuration is under an hour (set through an escape hatch)', () => {
    // GIVEN
    const app = seedApp(testApp({ validate: true, outdir }), 1800);

    // WHEN / THEN (the message lists the findings or only points to the report, depending on the terminal)
    expect(() => app.synth()).toThrow(/A copy of this report can be found in: .*validation-report\.json/);
    expect(reportedViolations()).toEqual(['error F3034: MaxSessionDuration: 1800 is less than the minimum of 3600']);
  });

  test('synthesizes the same app with a valid MaxSessionDuration', () => {
    // GIVEN
    const app = seedApp(testApp({ validate: true, outdir }), 7200);

    // WHEN / THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('without the feature flag the same finding is only a warning (why testApp sets it)', () => {
    // GIVEN
    const app = seedApp(new App({ outdir }), 1800);

    // WHEN / THEN
    expect(() => app.synth()).not.toThrow();
    expect(reportedViolations()).toEqual(['warning F3034: MaxSessionDuration: 1800 is less than the minimum of 3600']);
  });
});
