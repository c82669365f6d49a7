import * as fs from 'fs';
import * as path from 'path';
import { ADDON_PRESETS, ADDON_PAGE, withAddonTable } from '../projenrc/addon-docs';
import { IrsaAddon } from '../src';
import { testStack } from './support/app';

describe('IrsaAddon', () => {
  test('says what it trusts, where its permissions come from, and its EKS add-on', () => {
    const addon = IrsaAddon.efsCsiDriver();
    expect([addon.name, addon.defaultNamespace, addon.serviceAccountNames, addon.eksAddonName, addon.policySource, addon.policyVersion]).toEqual([
      'aws-efs-csi-driver', 'kube-system', ['efs-csi-controller-sa', 'efs-csi-node-sa'], 'aws-efs-csi-driver',
      'AWS managed policy service-role/AmazonEFSCSIDriverPolicy', 'v1 (2023-07-25)',
    ]);
  });

  test('every factory is in the table of docs/addons-and-helm.md, and the table is what the presets say: `npx projen addon-docs` would change nothing', () => {
    const factories = Object.getOwnPropertyNames(IrsaAddon).filter(name => typeof (IrsaAddon as any)[name] === 'function');
    expect(factories.filter(name => !ADDON_PRESETS.some(p => p.call.startsWith(`${name}(`)))).toEqual([]);
    const page = fs.readFileSync(ADDON_PAGE, 'utf8');
    expect(withAddonTable(page, testStack())).toBe(page);
  });

  test('the docs table names every option of every factory', () => {
    // The factories' option structs, as jsii sees them (the .jsii assembly the build compiles before the tests).
    const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf8'));
    const factories: any[] = assembly.types['cdk-irsa.IrsaAddon'].methods.filter((m: any) => m.static);
    const unnamed = factories.flatMap(factory => {
      const optionsType = factory.parameters?.[0]?.type.fqn;
      const options: string[] = optionsType ? assembly.types[optionsType].properties.map((p: any) => p.name) : [];
      const calls = ADDON_PRESETS.filter(p => p.call.startsWith(`${factory.name}(`)).map(p => p.call).join(' ');
      return options.filter(option => !new RegExp(`\\b${option}\\b`).test(calls)).map(option => `${factory.name}: ${option}`);
    });
    expect(unnamed).toEqual([]);
  });
});
