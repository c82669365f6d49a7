import { Annotations, attachCustomSynthesis, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PodIdentityChains } from './checks/pod-identity-chains';
import { auditTrustPolicy } from './checks/rule-pack';
import { Finding } from './checks/trust-rule';
import { ROLE_RESOURCE_TYPE } from './private/irsa-constants';
import { StackValues } from './private/stack-values';

const ACKNOWLEDGED_ID_NAMESPACE = 'Annotation::';

/**
 * Audits the trust policy of every IAM role (`AWS::IAM::Role`) in the scope it is added to, whoever created the
 * role, the way cdk-nag audits an app: `Aspects.of(app).add(new IrsaChecks())`.
 *
 * Every `Allow` statement that lets an IAM OIDC provider (or everyone) call `sts:AssumeRoleWithWebIdentity`, or EKS
 * Pod Identity (`pods.eks.amazonaws.com`) call `sts:AssumeRole`, is checked; an `Effect` or `Action` only known at
 * deploy time counts as one that does. Errors fail `cdk synth`; each starts with its rule ID:
 *
 * - IRSA1 (error): no `StringEquals`/`StringLike` condition on `<issuer>:sub`: every ServiceAccount of the cluster can
 *   assume the role.
 * - IRSA2 (error): no `StringEquals` condition on `<issuer>:aud` (a `StringLike` with a wildcard or a deploy-time value
 *   does not count): tokens for any audience the provider accepts can assume the role.
 * - IRSA3 (error): a condition on `sub` or `aud` with another operator than `StringEquals`/`StringLike`
 *   (`ForAllValues:`, `ForAnyValue:`, `…IfExists`, `StringNotEquals`, `StringNotLike`, `Null`, …), which does not pin
 *   the claim.
 * - IRSA4 (error): a `StringLike` pattern on `sub` that lets the namespace vary (`system:serviceaccount:*`, `…:team*`,
 *   `…:*:name`, `*`); `system:serviceaccount:<namespace>:*` is allowed.
 * - IRSA5 (error): a `StringEquals` value with `*` or `?`, which it compares literally, so the condition never matches.
 * - IRSA6 (error): a condition key whose issuer is not the issuer of the Federated principal, so it does not restrict
 *   that provider's tokens.
 * - IRSA7 (error): the principal is `*` (`"Principal": "*"`, `"AWS": "*"`, `"Federated": "*"`), can be `*` at deploy
 *   time (an `Fn::If`), or is a `NotPrincipal`: a token from any identity provider can assume the role.
 * - IRSA8 (warning, or error): the trust policy is over 2048 characters, IAM's default quota (a warning), or over 4096,
 *   its maximum (an error).
 * - IRSA9 (error): a part only known at deploy time, so it cannot be checked: the policy or a statement (when they
 *   mention web identities), the principal, a condition block (also of an EKS Pod Identity statement), or the issuer of
 *   a condition key.
 * - IRSA10 (error): `pods.eks.amazonaws.com` may call `sts:AssumeRole` but not `sts:TagSession`: EKS Pod Identity tags
 *   its sessions, so it cannot assume the role and pods get no credentials.
 * - IRSA11 (error): a statement for `pods.eks.amazonaws.com` without exact conditions on
 *   `aws:RequestTag/kubernetes-namespace` and `aws:RequestTag/kubernetes-service-account`: any EKS Pod Identity
 *   association in the account can give the role to any ServiceAccount.
 * - IRSA12 (warning): a statement for `pods.eks.amazonaws.com` without an exact condition on
 *   `aws:RequestTag/eks-cluster-arn`: the same namespace and ServiceAccount in another cluster of the account can use
 *   the role.
 * - IRSA13 (error): a condition for `pods.eks.amazonaws.com` that requires a request tag EKS Pod Identity does not set
 *   (it sets `eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`,
 *   `kubernetes-pod-name`, `kubernetes-pod-uid`): the role can never be assumed.
 * - IRSA14 (error): the principal is the provider of an issuer no token carries (EKS's dual-stack host
 *   `oidc-eks.<region>.api.aws`, a trailing `/`, the discovery document's address): STS never matches it, so no pod can
 *   assume the role.
 * - IRSA15 (error): the target role of an EKS Pod Identity association trusts an account root (without an exact
 *   `aws:PrincipalArn` condition) or `*`: every role of that account, or anyone, can assume it.
 * - IRSA16 (warning): the target role of an EKS Pod Identity association in the same environment has no
 *   `sts:ExternalId` condition, which could pin exactly that association.
 * - IRSA17 (warning): the role of an EKS Pod Identity association with a target role may do more than `sts:AssumeRole`
 *   and `sts:TagSession` on that target: pods never get those permissions.
 * - IRSA18 (error): a role that a role of EKS Pod Identity (with session tags) may assume does not allow it
 *   `sts:TagSession`: the session tags are transitive, so the chained `sts:AssumeRole` fails.
 * - IRSA19 (warning, or error): a condition for `pods.eks.amazonaws.com` on a key EKS Pod Identity's request does not
 *   carry (`aws:SourceArn`: an error) or is not known to carry (a warning): the condition never holds and pods get no
 *   credentials.
 *
 * Each stack with roles gets one info message that says the audit ran: `IrsaChecks: 5 roles, 0 findings`.
 *
 * Like every aspect, it does not cross Stage boundaries: add it to each `Stage` (for example of a CDK pipeline) too.
 *
 * Acknowledge a finding you have reviewed with
 * `Validations.of(scope).acknowledge({ id: 'IRSA4', reason: '...' })` on the role or any scope above it: it is
 * then reported as an info message with the reason.
 *
 * @example
 * declare const app: App;
 * Aspects.of(app).add(new IrsaChecks());
 */
export class IrsaChecks implements IAspect {
  private readonly values = new WeakMap<Stack, StackValues>();
  private readonly tallies = new WeakMap<Stack, AuditTally>();
  /** The roles already visited: a forced synth (Template.fromStack, then Annotations.fromStack) runs aspects again. */
  private readonly visited = new WeakSet<IConstruct>();
  private chains?: PodIdentityChains;

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== ROLE_RESOURCE_TYPE || this.visited.has(node)) return;
    this.visited.add(node);
    // Audited after aspects and app preparation, when the template is what CloudFormation receives: a reference to
    // another stack is then an Fn::ImportValue, not a logical ID that may name a resource of this stack.
    node.node.addValidation({
      validate: () => {
        this.audit(node);
        return [];
      },
    });
    // Every role is audited before anything is synthesized, and a stack collects its messages after its resources
    // are synthesized: the first role synthesized can tell the stack the whole count.
    onSynthesize(node, () => this.summarize(Stack.of(node)));
  }

  private audit(role: CfnResource): void {
    const stack = Stack.of(role);
    const values = this.valuesOf(stack);
    const tally = this.tallyOf(stack);
    if (tally.roles.has(role)) return;
    tally.roles.add(role);
    const document = values.readDocument(values.propertiesOf(role).AssumeRolePolicyDocument);
    // The chains are read once, from the whole app, when every role exists: audits run as validations.
    this.chains ??= new PodIdentityChains(role.node.root, s => this.valuesOf(s));
    for (const finding of auditTrustPolicy(document, values, this.chains.contextOf(role))) {
      tally.findings++;
      if (report(role, finding) === 'acknowledged') tally.acknowledged++;
    }
  }

  private valuesOf(stack: Stack): StackValues {
    let values = this.values.get(stack);
    if (!values) {
      values = new StackValues(stack);
      this.values.set(stack, values);
    }
    return values;
  }

  private summarize(stack: Stack): void {
    const tally = this.tallyOf(stack);
    if (tally.summarized) return;
    tally.summarized = true;
    const acknowledged = tally.acknowledged > 0 ? ` (${tally.acknowledged} acknowledged)` : '';
    Annotations.of(stack).addInfo(`IrsaChecks: ${count(tally.roles.size, 'role')}, ${count(tally.findings, 'finding')}${acknowledged}`);
  }

  private tallyOf(stack: Stack): AuditTally {
    let tally = this.tallies.get(stack);
    if (!tally) {
      tally = { roles: new Set(), findings: 0, acknowledged: 0, summarized: false };
      this.tallies.set(stack, tally);
    }
    return tally;
  }
}

/** What the audit of one stack found, for its summary line. */
interface AuditTally {
  readonly roles: Set<CfnResource>;
  findings: number;
  acknowledged: number;
  summarized: boolean;
}

/** What each IrsaChecks added to a role runs when it is synthesized: a construct takes one custom synthesis only. */
const SYNTHESIS_HOOKS = new WeakMap<IConstruct, Array<() => void>>();

function onSynthesize(node: IConstruct, hook: () => void): void {
  let hooks = SYNTHESIS_HOOKS.get(node);
  if (!hooks) {
    const created: Array<() => void> = [];
    attachCustomSynthesis(node, { onSynthesize: () => created.forEach(run => run()) });
    SYNTHESIS_HOOKS.set(node, created);
    hooks = created;
  }
  hooks.push(hook);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function report(role: CfnResource, finding: Finding): 'acknowledged' | 'reported' {
  // An L1 role made by an L2 is named after the L2, the construct users know.
  const owner = role.node.scope?.node.defaultChild === role ? role.node.scope : role;
  const message = `[${finding.rule}] Role '${owner.node.path}': ${finding.message}`;
  const acknowledged = acknowledgment(role, finding.rule);
  if (acknowledged) {
    Annotations.of(role).addInfo(`${message} (acknowledged at '${acknowledged.scope.node.path}': ${acknowledged.reason})`);
    return 'acknowledged';
  }
  if (finding.level === 'error') Annotations.of(role).addError(message);
  else Annotations.of(role).addWarningV2(finding.rule, message);
  return 'reported';
}

/** The nearest `Validations.of(scope).acknowledge({ id: rule, ... })` on the role or a scope above it. */
function acknowledgment(role: IConstruct, rule: string): { scope: IConstruct; reason: string } | undefined {
  for (const scope of [...role.node.scopes].reverse()) {
    const entries = scope.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    for (const entry of entries.reverse()) {
      const reason = (entry.data as Record<string, string>)[`${ACKNOWLEDGED_ID_NAMESPACE}${rule}`];
      if (reason !== undefined) return { scope, reason };
    }
  }
  return undefined;
}
