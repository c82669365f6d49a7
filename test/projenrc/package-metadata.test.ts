import * as fs from 'fs';
import * as path from 'path';
import { ADDON_COUNT } from '../../projenrc/addon-docs';

/* What npm, PyPI, Maven Central and a Construct Hub listing show of the package: all there, and true. */

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('the package metadata', () => {
  test('describes the package, with the number of add-ons it has presets for', () => {
    expect(pkg.description).toMatch(/IRSA and EKS Pod Identity/);
    expect(pkg.description).toContain(`roles for ${ADDON_COUNT} add-ons`);
  });

  test('has the keywords a CDK construct library is found by', () => {
    expect(pkg.keywords).toEqual(expect.arrayContaining(['aws-cdk', 'awscdk', 'cdk8s', 'eks', 'irsa', 'pod-identity']));
  });

  test('names one repository everywhere: npm, the homepage, the Maven group and the Go module', () => {
    const [, owner, repository] = /^https:\/\/github\.com\/([^/]+)\/([^/.]+)\.git$/.exec(pkg.repository.url)!;
    expect(pkg.homepage).toBe(`https://github.com/${owner}/${repository}#readme`);
    expect(pkg.jsii.targets.java.maven.groupId).toBe(`io.github.${owner}`);
    expect(pkg.jsii.targets.go.moduleName).toBe(`github.com/${owner}/${repository}-go`);
    expect(pkg.jsii.targets.python.distName).toBe(repository);
  });

  test('has a license with its text, an author and a stability', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(pkg.author.name).not.toBe('');
    expect(pkg.stability).toBe('experimental');
  });
});
