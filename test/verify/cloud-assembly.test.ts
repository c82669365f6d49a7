import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InputError, readStacks } from '../../src/verify/cloud-assembly';
import { ENV, synthesize } from '../support/app';

describe('readStacks', () => {
  test('reads every stack of an assembly, with its environment, including nested stages', () => {
    const dir = synthesize(app => {
      new iam.Role(new Stack(app, 'Top', { env: ENV }), 'R', { assumedBy: new iam.AccountRootPrincipal() });
      const stage = new Stage(app, 'Prod');
      new iam.Role(new Stack(stage, 'Inner'), 'R', { assumedBy: new iam.AccountRootPrincipal() });
    });
    const stacks = readStacks(dir).sort((a, b) => a.stackName.localeCompare(b.stackName));
    expect(stacks.map(s => [s.stackName, s.account, s.region])).toEqual([['Prod-Inner', undefined, undefined], ['Top', ENV.account, ENV.region]]);
    expect(stacks.map(s => Object.keys(s.template.Resources!).length)).toEqual([1, 1]);
  });

  test('reads a single template file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-')), 'App.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: {} }));
    expect(readStacks(file)).toEqual([{ stackName: 'App', template: { Resources: {} } }]);
  });

  test.each([
    ['a missing location', () => '/nonexistent/cdk.out', '/nonexistent/cdk.out does not exist. Run `cdk synth` first'],
    ['a directory without manifest', () => fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-')), 'is not a cloud assembly: it has no manifest.json'],
    ['a file that is not JSON', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-')), 't.json');
      fs.writeFileSync(file, 'Resources:');
      return file;
    }, 'is not valid JSON'],
    ['an assembly without stacks', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-'));
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '1', artifacts: {} }));
      return dir;
    }, 'has no CloudFormation stacks.'],
  ])('explains %s', (_, location, message) => {
    const where = location();
    expect(() => readStacks(where)).toThrow(InputError);
    expect(() => readStacks(where)).toThrow(message);
  });
});
