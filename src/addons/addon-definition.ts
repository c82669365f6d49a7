import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** Where an add-on's permissions come from: the upstream document a preset tracks, and which version of it. */
export interface PolicySource {
  /** The document: a repository file, a documentation page, or an AWS managed policy. */
  readonly document: string;
  /** The version (tag, release, or managed policy version) the preset follows. */
  readonly version: string;
}

/** One ServiceAccount of an add-on, as its chart's values name and annotate it. */
export interface AddonServiceAccount {
  readonly name: string;
  /** The `eks.amazonaws.com/*` annotations that give it the role. */
  readonly annotations: Record<string, string>;
}

/**
 * What the role of one add-on is made of: which ServiceAccounts it trusts, which permissions it grants, and how the
 * add-on's chart is told to use it. `IrsaAddon` wraps one; each add-on's file (`aws-load-balancer-controller.ts`, …)
 * makes it from the options its factory takes, and checks them.
 */
export interface AddonDefinition {
  /** The add-on as users know it, such as `aws-load-balancer-controller`. */
  readonly name: string;
  /** The namespace its chart or EKS add-on installs it into by default. */
  readonly namespace: string;
  /** The ServiceAccounts of the add-on that call AWS, by their default names; the first is the main one. */
  readonly serviceAccountNames: string[];
  /** The name of the EKS add-on (`AWS::EKS::Addon` `AddonName`), when there is one. */
  readonly eksAddonName?: string;
  /** Where the permissions come from. */
  readonly policySource: PolicySource;
  /** AWS managed policies to attach, as `iam.ManagedPolicy.fromAwsManagedPolicyName` takes their names. */
  readonly managedPolicyNames: string[];
  /** The add-on's own statements, with resources scoped to what the caller gave; `scope` gives partition, region and account. */
  statements(scope: IConstruct): iam.PolicyStatement[];
  /**
   * The values of the add-on's Helm chart that make it use the role, in that chart's own layout (nested objects):
   * `serviceAccounts` has one entry per `serviceAccountNames` entry, in the same order, with the names the role trusts.
   */
  helmValues(serviceAccounts: AddonServiceAccount[]): Record<string, any>;
}
