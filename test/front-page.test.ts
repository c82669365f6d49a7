import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ADDON_COUNT } from '../projenrc/addon-docs';
import { testDirectory } from './support/test-directory';

/*
 * The README's quick starts, each pasted into a fresh app as the README's Install section makes one: a package.json,
 * the packed tarball of this repository (`npm pack`, so only what the package ships) and the peer dependencies in
 * node_modules, and the cdk.json the README writes. Each runs with that cdk.json's command, as `cdk synth` runs it.
 * The package is packed from the compiled lib/ (the build compiles before the tests).
 */

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-27'];
const QUICK_STARTS = [...README.matchAll(/```ts fixture=app\n([\s\S]*?)```/g)].map(m => m[1]);

/** The cdk.json the README's Install section writes. */
const CDK_JSON = /echo '(\{[^']*\})' > cdk\.json/.exec(README)![1];

let packed: string;

beforeAll(() => {
  const into = testDirectory('pack');
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status).toBe(0);
  packed = path.join(into, pack.stdout.trim());
});

/** A fresh app: what `npm init -y`, the README's `npm install` lines and its cdk.json leave, with `app` as app.ts. */
function freshApp(app: string): string {
  const dir = testDirectory('my-app');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'cdk.json'), CDK_JSON);
  fs.writeFileSync(path.join(dir, 'app.ts'), app);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, 'cdk-irsa'), { recursive: true });
  expect(spawnSync('tar', ['-xzf', packed, '-C', path.join(modules, 'cdk-irsa'), '--strip-components=1']).status).toBe(0);
  for (const peer of PEERS) fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(modules, peer));
  fs.mkdirSync(path.join(modules, '.bin'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(modules, '.bin', 'tsx'));
  return dir;
}

/** Runs the cdk.json's app command in `dir`, as `cdk synth` does, and returns the directory it wrote. */
function synth(dir: string, files: Record<string, string> = {}): string {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const out = path.join(dir, 'cdk.out');
  const run = spawnSync(JSON.parse(CDK_JSON).app, {
    cwd: dir,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: out, TMPDIR: testDirectory('tmp') },
  });
  expect([run.status, run.stderr]).toEqual([0, '']);
  return out;
}

const template = (out: string, stack: string) => JSON.parse(fs.readFileSync(path.join(out, `${stack}.template.json`), 'utf8'));
const resourcesOf = (out: string, stack: string, type: string) =>
  Object.values<any>(template(out, stack).Resources).filter(r => r.Type === type);

describe('the README front page', () => {
  test('has the five quick starts, each a whole app', () => {
    expect(QUICK_STARTS).toHaveLength(5);
    for (const app of QUICK_STARTS) expect(app).toMatch(/^import [\s\S]*\napp\.synth\(\);\n$/);
  });

  test('names the tarball npm pack writes', () => {
    expect(README).toContain(`writes ${path.basename(packed)}`);
    expect(README).toContain(`../cdk-irsa/${path.basename(packed)}`);
  });

  test('counts the add-ons there are presets for', () => {
    const counts = [...README.matchAll(/(\d+) add-ons/g)].map(m => Number(m[1]));
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set([ADDON_COUNT]));
  });

  test('an existing cluster: the ServiceAccount the README shows is the one the app writes', () => {
    const out = synth(freshApp(QUICK_STARTS[0]));
    const shown = /```yaml\n([\s\S]*?)```/.exec(README)![1];
    expect(fs.readFileSync(path.join(out, 'Shop.Irsa.k8s.yaml'), 'utf8')).toBe(shown);
    expect(resourcesOf(out, 'Shop', 'AWS::IAM::OIDCProvider')).toHaveLength(1);
  });

  test('an EKS cluster in the app: the provider is made from its issuer', () => {
    const out = synth(freshApp(QUICK_STARTS[1]));
    expect(resourcesOf(out, 'Shop', 'AWS::IAM::OIDCProvider')).toHaveLength(1);
    expect(fs.readFileSync(path.join(out, 'Shop.Irsa.k8s.yaml'), 'utf8')).toContain('name: worker');
  });

  test('EKS Pod Identity: an association and no provider', () => {
    const out = synth(freshApp(QUICK_STARTS[2]));
    expect(resourcesOf(out, 'Shop', 'AWS::EKS::PodIdentityAssociation')).toHaveLength(1);
    expect(resourcesOf(out, 'Shop', 'AWS::IAM::OIDCProvider')).toHaveLength(0);
  });

  test('an add-on: the EKS add-on gets the role', () => {
    const out = synth(freshApp(QUICK_STARTS[3]));
    const [addon] = resourcesOf(out, 'Platform', 'AWS::EKS::Addon');
    expect(addon.Properties.AddonName).toBe('aws-ebs-csi-driver');
    expect(addon.Properties.ServiceAccountRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^IrsaEbsCsiDriver/), 'Arn'] });
  });

  test('a cluster you run yourself: the issuer is published and its keys written', () => {
    const dir = freshApp(QUICK_STARTS[4]);
    const out = synth(dir, { 'sa.pub': fs.readFileSync(path.join(ROOT, 'examples', 'self-managed', 'sa.pub'), 'utf8') });
    expect(resourcesOf(out, 'Lab', 'AWS::ApiGateway::RestApi')).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'Lab.Issuer.jwks.json'), 'utf8')).keys).toHaveLength(1);
  });
});
