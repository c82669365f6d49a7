import { Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { ChartPublication } from '../../src/private/chart-publication';
import { testApp } from '../support/app';

describe('ChartPublication', () => {
  function stack() {
    return new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'eu-west-2' } });
  }

  test('is one per chart, named after the stack and the chart', () => {
    const s = stack();
    const chart = new cdk8s.Chart(new cdk8s.App(), 'team apps');
    const first = ChartPublication.of(new Construct(s, 'A'), chart);
    const again = ChartPublication.of(new Construct(s, 'B'), chart);
    expect(again).toBe(first);
    expect(first.fileName).toBe('S.team-apps.k8s.yaml');
    expect(first.node.path).toBe('S/A/Manifest');
  });

  test('refuses two charts that would share a file', () => {
    const s = stack();
    ChartPublication.of(new Construct(s, 'A'), new cdk8s.Chart(new cdk8s.App(), 'apps'));
    expect(() => ChartPublication.of(new Construct(s, 'B'), new cdk8s.Chart(new cdk8s.App(), 'apps')))
      .toThrow(new Error("IrsaServiceAccount 'S/B': another cdk8s chart is already written to S.apps.k8s.yaml. Give the chart 'apps' an id " +
        'that no other chart with IRSA ServiceAccounts in this stack uses.'));
  });

  test('writes charts of other stacks to files of their own', () => {
    const app = testApp();
    const a = ChartPublication.of(new Construct(new Stack(app, 'A'), 'X'), new cdk8s.Chart(new cdk8s.App(), 'apps'));
    const b = ChartPublication.of(new Construct(new Stack(app, 'B'), 'X'), new cdk8s.Chart(new cdk8s.App(), 'apps'));
    expect([a.fileName, b.fileName]).toEqual(['A.apps.k8s.yaml', 'B.apps.k8s.yaml']);
  });
});
