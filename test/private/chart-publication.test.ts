import { NestedStack, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { ChartPublication } from '../../src/private/chart-publication';
import { testApp } from '../support/app';

describe('ChartPublication', () => {
  function stack() {
    return new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'eu-west-2' } });
  }

  test('is one per chart, named after the stack and the chart, and lives in the stack, not under its first user', () => {
    const s = stack();
    const chart = new cdk8s.Chart(new cdk8s.App(), 'team apps');
    const first = ChartPublication.of(new Construct(s, 'A'), chart);
    const again = ChartPublication.of(new Construct(s, 'B'), chart);
    expect(again).toBe(first);
    expect(first.chart).toBe(chart);
    expect(first.fileName).toBe('S.team-apps.k8s.yaml');
    expect(first.node.path).toBe('S/team-apps.k8s.yaml');
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

  describe('the default chart', () => {
    test('is one per cluster and stack, named after the cluster\'s path in the stack', () => {
      // GIVEN two clusters, one nested in a construct
      const s = stack();
      const blue = new Construct(s, 'Blue');
      const green = new Construct(new Construct(s, 'Platform'), 'Green');

      // WHEN
      const first = ChartPublication.defaultFor(new Construct(blue, 'A'), blue);
      const again = ChartPublication.defaultFor(new Construct(s, 'B'), blue);
      const other = ChartPublication.defaultFor(new Construct(green, 'C'), green);

      // THEN
      expect(again).toBe(first);
      expect([first.fileName, first.node.path, first.chart.node.id]).toEqual(['S.Blue.k8s.yaml', 'S/Blue.k8s.yaml', 'Blue']);
      expect([other.fileName, other.node.path]).toEqual(['S.Platform-Green.k8s.yaml', 'S/Platform-Green.k8s.yaml']);
    });

    test('of a cluster in another stack is named after the cluster\'s path in the app, in each stack that uses it', () => {
      const app = testApp();
      const cluster = new Construct(new Stack(app, 'Platform'), 'Irsa');
      const apps = new Stack(app, 'Apps');
      const nested = new NestedStack(apps, 'Jobs');

      const inApps = ChartPublication.defaultFor(new Construct(apps, 'A'), cluster);
      const inNested = ChartPublication.defaultFor(new Construct(nested, 'B'), cluster);

      expect([inApps.fileName, inApps.node.path]).toEqual(['Apps.Platform-Irsa.k8s.yaml', 'Apps/Platform-Irsa.k8s.yaml']);
      expect(inNested.node.path).toBe('Apps/Jobs/Platform-Irsa.k8s.yaml');
      expect(inNested).not.toBe(inApps);
    });

    test('and a user\'s chart of the same name cannot share a file', () => {
      const s = stack();
      const cluster = new Construct(s, 'Irsa');
      ChartPublication.defaultFor(new Construct(cluster, 'A'), cluster);
      expect(() => ChartPublication.of(new Construct(s, 'B'), new cdk8s.Chart(new cdk8s.App(), 'Irsa')))
        .toThrow(new Error("IrsaServiceAccount 'S/B': another cdk8s chart is already written to S.Irsa.k8s.yaml. Give the chart 'Irsa' an id " +
          'that no other chart with IRSA ServiceAccounts in this stack uses.'));
    });
  });
});
