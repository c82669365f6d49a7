import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InputError, readStacks } from '../../src/verify/cloud-assembly';
import { ENV, synthesize } from '../support/app';
import { testDirectory, testFile } from '../support/test-directory';

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
    const file = testFile('App.template.json', JSON.stringify({ Resources: {} }));
    expect(readStacks(file)).toEqual([{ stackName: 'App', template: { Resources: {} } }]);
  });

  const parseError = (text: string) => {
    try {
      JSON.parse(text);
      return 'none';
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each([
    ['a missing location', () => '/nonexistent/cdk.out',
      (where: string) => `${where} does not exist. Run \`cdk synth\` first, or pass the cloud assembly directory (--app cdk.out) or a template file (--template <file>).`],
    ['a directory without manifest', () => testDirectory('assembly'),
      (where: string) => `${where} is not a cloud assembly: it has no manifest.json. Run \`cdk synth\` (its output directory is cdk.out by default).`],
    ['a file that is not JSON', () => testFile('t.json', 'Resources:'),
      (where: string) => `${where} is not valid JSON: ${parseError('Resources:')}`],
    ['an assembly without stacks', () => {
      const dir = testDirectory('assembly');
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '1', artifacts: {} }));
      return dir;
    }, (where: string) => `the cloud assembly ${where} has no CloudFormation stacks.`],
  ])('explains %s', (_, location, message) => {
    const where = location();
    expect(() => readStacks(where)).toThrow(InputError);
    expect(() => readStacks(where)).toThrow(new Error(message(where)));
  });
});
