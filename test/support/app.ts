import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import { testDirectory } from './test-directory';

/** The seed's issuer: the cluster behind the `testing/can-do-stuff-on-aws` example. */
export const SEED_ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
export const SEED_ISSUER = 'oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
export const ENV = { account: ACCOUNT, region: REGION };

/**
 * An app for one test, synthesizing into a directory that is removed after the test file. The built-in
 * CloudFormation validation costs ~2 s and ~270 MB per synth, so it is off here; the seed snapshot test turns it on
 * (`validate: true`) so templates are still checked once. Its findings are only warnings unless
 * `@aws-cdk/core:validateAgainstDefaultRules` is set, so `validate: true` sets it.
 */
export function testApp(props: AppProps & { validate?: boolean } = {}): App {
  const { validate, ...appProps } = props;
  const context = validate ? { '@aws-cdk/core:validateAgainstDefaultRules': true, ...appProps.context } : appProps.context;
  return new App({ builtinCloudFormationValidation: validate ?? false, outdir: testDirectory('cdk.out'), ...appProps, context });
}

/** A stack with a concrete account and region, in an app of its own (one `Template.fromStack` per app). */
export function testStack(props: StackProps = { env: ENV }, appProps: AppProps & { validate?: boolean } = {}): Stack {
  return new Stack(testApp(appProps), 'Stack', props);
}

/** Synthesizes an app built by `build` and returns its cloud assembly directory. */
export function synthesize(build: (app: App) => void): string {
  const app = testApp();
  build(app);
  return app.synth().directory;
}
