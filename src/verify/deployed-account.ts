import { InputError, SynthesizedStack } from './cloud-assembly';
import { DeployedValues, evaluateAsDeployed, UnresolvedValueError } from './deploy-time-values';
import { OIDC_PROVIDER_RESOURCE_TYPE, ROLE_RESOURCE_TYPE } from '../private/irsa-constants';
import { issuerOfUrl, oidcProviderArn } from '../private/issuer';
import { isPodIdentityStatement, isWebIdentityStatement, mentionsWebIdentity, statementsOf } from '../private/policy-statements';
import { partitionOfRegion } from '../private/role-arn';

/** An IAM OIDC identity provider as STS sees it. */
export interface OidcProvider {
  readonly arn: string;
  /** The issuer URL, exactly as a token's `iss` must spell it. */
  readonly url: string;
  readonly clientIds: string[];
  /** Where it was defined: `<stack>/<logicalId>`, or `given` for a provider that exists outside the templates. */
  readonly source: string;
}

/** An IAM role with its evaluated trust policy. */
export interface DeployedRole {
  readonly arn: string;
  readonly name: string;
  readonly source: string;
  readonly trustPolicy: any;
  readonly maxSessionDurationSeconds: number;
  /** Whether any statement of the trust policy lets web identities assume the role. */
  readonly webIdentity: boolean;
  /** Whether any statement of the trust policy lets EKS Pod Identity assume the role. */
  readonly podIdentity: boolean;
  /**
   * The statements of its identity policies the templates hold (inline, and `AWS::IAM::Policy` resources attached to
   * it); `undefined` when it also has managed policies, whose statements the templates do not show.
   */
  readonly permissions?: unknown[];
}

/** An EKS Pod Identity association: which role the pods of one ServiceAccount of one cluster get. */
export interface PodIdentityAssociation {
  readonly clusterName: string;
  /** The cluster's ARN in the account and region of the association's stack. */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleArn: string;
  /** Whether EKS leaves out its session tags (`DisableSessionTags`): a trust conditioned on them then never holds. */
  readonly disableSessionTags: boolean;
  /** The role EKS assumes second, with the credentials of `roleArn` (`TargetRoleArn`), if any. */
  readonly targetRoleArn?: string;
  /**
   * The association's `ExternalId` (a stand-in, see `externalIdOf`), which EKS passes when it assumes the target.
   * @default - none: an association made outside the templates (a test's, the demo's)
   */
  readonly externalId?: string;
  readonly source: string;
}

/** A resource whose properties need values only a deployment knows, and how to supply them. */
export interface UnresolvedResource {
  readonly source: string;
  readonly type: string;
  readonly webIdentity: boolean;
  readonly reason: string;
}

/** The IAM resources of one account after deployment: what an `AssumeRoleWithWebIdentity` call is checked against. */
export interface DeployedAccount {
  readonly account: string;
  readonly partition: string;
  readonly providers: OidcProvider[];
  readonly roles: DeployedRole[];
  readonly podIdentityAssociations: PodIdentityAssociation[];
  /** Providers and roles that could not be evaluated; web-identity ones matter to `verify`. */
  readonly unresolved: UnresolvedResource[];
}

export interface AccountOptions {
  /** Values of template parameters, by name. */
  readonly parameters?: Record<string, string>;
  /** Values of `Fn::GetAtt` attributes, keyed `<logicalId>.<attribute>`. */
  readonly attributes?: Record<string, string>;
  /** The account, when the assembly does not record one. @default '123456789012' */
  readonly account?: string;
  /** The region, when the assembly does not record one. @default 'us-east-1' */
  readonly region?: string;
  /** OIDC providers that already exist in the account (imported with `IrsaCluster.fromOidcProviderArn`). */
  readonly existingProviders?: OidcProvider[];
}

const POD_IDENTITY_ASSOCIATION_TYPE = 'AWS::EKS::PodIdentityAssociation';
const CLUSTER_TYPE = 'AWS::EKS::Cluster';
const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';

/** Builds the account a deployment of `stacks` would leave behind. */
export function deployedAccountOf(stacks: SynthesizedStack[], options: AccountOptions = {}): DeployedAccount {
  const account = options.account ?? stacks.find(s => s.account)?.account ?? DEFAULT_ACCOUNT;
  const region = options.region ?? stacks.find(s => s.region)?.region ?? DEFAULT_REGION;
  const partition = partitionOf(region);
  const exports = new Map<string, () => string>();
  const lookups = new Map<SynthesizedStack, DeployedValues>();
  const evaluate = (stack: SynthesizedStack, value: unknown) => evaluateAsDeployed(value, lookups.get(stack)!);

  for (const stack of stacks) {
    const resources = stack.template.Resources ?? {};
    const parameters = stack.template.Parameters ?? {};
    const pseudo: Record<string, string> = {
      'AWS::AccountId': stack.account ?? account,
      'AWS::Region': stack.region ?? region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::StackName': stack.stackName,
    };
    const arnOf = (logicalId: string): string | undefined => {
      const resource = resources[logicalId];
      if (resource?.Type === OIDC_PROVIDER_RESOURCE_TYPE) {
        return oidcProviderArn(partition, pseudo['AWS::AccountId'], issuerOfUrl(String(evaluate(stack, resource.Properties?.Url))));
      }
      if (resource?.Type === ROLE_RESOURCE_TYPE) {
        const path = evaluate(stack, resource.Properties?.Path ?? '/');
        return `arn:${partition}:iam::${pseudo['AWS::AccountId']}:role${path}${roleName(stack, logicalId)}`;
      }
      return undefined;
    };
    const roleName = (s: SynthesizedStack, logicalId: string): string => {
      const given = resources[logicalId].Properties?.RoleName;
      // Without a RoleName, CloudFormation picks one at deploy time; this stands in for it.
      return given === undefined ? `${s.stackName}-${logicalId}` : evaluate(s, given);
    };
    lookups.set(stack, {
      ref: name => {
        if (name in pseudo) return pseudo[name];
        if (name in parameters) return options.parameters?.[name] ?? stringOrUndefined(parameters[name].Default);
        if (resources[name]?.Type === ROLE_RESOURCE_TYPE) return roleName(stack, name);
        // A cluster's Ref is its name: the literal one it is given, or one passed as --parameter <LogicalId>=<name>.
        if (resources[name]?.Type === CLUSTER_TYPE) return options.parameters?.[name] ?? stringOrUndefined(resources[name].Properties?.Name);
        return arnOf(name);
      },
      getAtt: (logicalId, attribute) => {
        const given = options.attributes?.[`${logicalId}.${attribute}`];
        if (given !== undefined) return given;
        if (attribute === 'ExternalId' && resources[logicalId]?.Type === POD_IDENTITY_ASSOCIATION_TYPE) {
          const association = resources[logicalId].Properties ?? {};
          const [clusterName, namespace, serviceAccount] = [association.ClusterName, association.Namespace, association.ServiceAccount]
            .map(v => String(evaluate(stack, v)));
          return externalIdOf(pseudo['AWS::Region'], pseudo['AWS::AccountId'], clusterName, namespace, serviceAccount);
        }
        return attribute === 'Arn' ? arnOf(logicalId) : undefined;
      },
      importValue: name => exports.get(name)?.(),
    });
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export) exports.set(evaluate(stack, output.Export.Name), () => evaluate(stack, output.Value));
    }
  }

  const providers: OidcProvider[] = [...(options.existingProviders ?? [])];
  const roles: DeployedRole[] = [];
  const podIdentityAssociations: PodIdentityAssociation[] = [];
  const unresolved: UnresolvedResource[] = [];
  for (const stack of stacks) {
    const lookup = lookups.get(stack)!;
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const source = `${stack.stackName}/${logicalId}`;
      try {
        if (resource.Type === OIDC_PROVIDER_RESOURCE_TYPE) {
          providers.push({
            arn: lookup.getAtt(logicalId, 'Arn')!,
            url: evaluate(stack, resource.Properties?.Url),
            clientIds: evaluate(stack, resource.Properties?.ClientIdList ?? []),
            source,
          });
        } else if (resource.Type === POD_IDENTITY_ASSOCIATION_TYPE) {
          const clusterName = String(evaluate(stack, resource.Properties?.ClusterName));
          const where = { account: stack.account ?? account, region: stack.region ?? region };
          const targetRoleArn = resource.Properties?.TargetRoleArn;
          podIdentityAssociations.push({
            clusterName,
            clusterArn: `arn:${partition}:eks:${where.region}:${where.account}:cluster/${clusterName}`,
            namespace: String(evaluate(stack, resource.Properties?.Namespace)),
            serviceAccount: String(evaluate(stack, resource.Properties?.ServiceAccount)),
            roleArn: String(evaluate(stack, resource.Properties?.RoleArn)),
            disableSessionTags: String(evaluate(stack, resource.Properties?.DisableSessionTags ?? false)) === 'true',
            targetRoleArn: targetRoleArn === undefined ? undefined : String(evaluate(stack, targetRoleArn)),
            externalId: lookup.getAtt(logicalId, 'ExternalId'),
            source,
          });
        } else if (resource.Type === ROLE_RESOURCE_TYPE) {
          const document = evaluate(stack, resource.Properties?.AssumeRolePolicyDocument);
          const trustPolicy = typeof document === 'string' ? parsePolicy(document, source) : document;
          roles.push({
            arn: lookup.getAtt(logicalId, 'Arn')!,
            name: lookup.ref(logicalId)!,
            source,
            trustPolicy,
            maxSessionDurationSeconds: Number(evaluate(stack, resource.Properties?.MaxSessionDuration ?? 3600)),
            webIdentity: statementsOf(trustPolicy).some(statement => isWebIdentityStatement(statement)),
            podIdentity: statementsOf(trustPolicy).some(statement => isPodIdentityStatement(statement)),
            permissions: permissionsOf(stack, logicalId, value => evaluate(stack, value)),
          });
        }
      } catch (e) {
        if (!(e instanceof UnresolvedValueError)) throw e;
        unresolved.push({
          source,
          type: resource.Type,
          webIdentity: resource.Type === OIDC_PROVIDER_RESOURCE_TYPE || mentionsWebIdentity(resource.Properties?.AssumeRolePolicyDocument),
          reason: e.message,
        });
      }
    }
  }
  return { account, partition, providers, roles, podIdentityAssociations, unresolved };
}

/**
 * A stand-in for an association's ExternalId, which EKS makes when it creates the association; the EKS launch blog
 * shows it as `<region>/<account>/<cluster>/<namespace>/<service account>`. Pass `--attribute <Id>.ExternalId=<value>`
 * for the real one.
 */
export function externalIdOf(region: string, account: string, clusterName: string, namespace: string, serviceAccount: string): string {
  return `${region}/${account}/${clusterName}/${namespace}/${serviceAccount}`;
}

/**
 * The identity-policy statements of a role that the templates hold; undefined when it has managed policies too, or
 * a statement needs a value only a deployment knows (a bucket's ARN, say): its permissions are then not checked.
 */
function permissionsOf(stack: SynthesizedStack, logicalId: string, evaluate: (value: unknown) => any): unknown[] | undefined {
  const resources = stack.template.Resources ?? {};
  const role = resources[logicalId];
  if (asList(role.Properties?.ManagedPolicyArns).length > 0) return undefined;
  const documents = [
    ...asList(role.Properties?.Policies).map((p: any) => p.PolicyDocument),
    ...Object.values(resources)
      .filter(r => r.Type === 'AWS::IAM::Policy' && asList(r.Properties?.Roles).some((ref: any) => ref?.Ref === logicalId))
      .map(r => r.Properties?.PolicyDocument),
  ];
  try {
    return documents.flatMap(document => statementsOf(evaluate(document)));
  } catch (e) {
    if (e instanceof UnresolvedValueError) return undefined;
    throw e;
  }
}

function asList(value: unknown): any[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function parsePolicy(document: string, source: string): any {
  try {
    return JSON.parse(document);
  } catch (e) {
    throw new InputError(`the trust policy of ${source} is not valid JSON: ${(e as Error).message}`);
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** The partition of a region, as synthesis reads it for role ARNs; `aws` for what is not a region name. */
export function partitionOf(region: string): string {
  return partitionOfRegion(region) ?? 'aws';
}
