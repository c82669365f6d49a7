import { Annotations, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StackValues } from './private/cfn-values';
import { auditTrustPolicy, Finding } from './private/trust-policy-audit';

const ACKNOWLEDGED_ID_NAMESPACE = 'Annotation::';

/**
 * Audits the trust policy of every IAM role (`AWS::IAM::Role`) in the scope it is added to, whoever created the
 * role, the way cdk-nag audits an app: `Aspects.of(app).add(new IrsaChecks())`.
 *
 * Every `Allow` statement that lets an IAM OIDC provider (or everyone) call `sts:AssumeRoleWithWebIdentity` is
 * checked; an `Effect` or `Action` only known at deploy time counts as one that is. Errors fail `cdk synth`; each
 * starts with its rule ID:
 *
 * - IRSA1: no `StringEquals`/`StringLike` condition on `<issuer>:sub`.
 * - IRSA2: no `StringEquals` condition on `<issuer>:aud` (a `StringLike` pattern with a wildcard or a deploy-time
 *   value does not count).
 * - IRSA3: a condition on `sub` or `aud` uses another operator: `ForAllValues:`, `ForAnyValue:`, `...IfExists`,
 *   `StringNotEquals`, `StringNotLike`, `Null` and the like.
 * - IRSA4: a `StringLike` pattern on `sub` lets the namespace vary (`system:serviceaccount:*`,
 *   `system:serviceaccount:team*`, `system:serviceaccount:*:name`). `system:serviceaccount:<namespace>:*` is allowed.
 * - IRSA5: a `StringEquals` value contains `*` or `?`, which it compares literally, so it never matches.
 * - IRSA6: the issuer in a condition key is not the issuer of the Federated principal.
 * - IRSA7: the principal is `*`, can be `*` at deploy time (an `Fn::If`), or `NotPrincipal` is used.
 * - IRSA8: the trust policy is over 2048 characters, IAM's default quota (a warning), or over 4096 (an error).
 * - IRSA9: a part is only known at deploy time, so it cannot be checked: a condition block, the principal, a
 *   statement or the whole policy (when it mentions web identities), or the issuer of a condition key.
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

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::IAM::Role') return;
    // Audited after aspects and app preparation, when the template is what CloudFormation receives: a reference to
    // another stack is then an Fn::ImportValue, not a logical ID that may name a resource of this stack.
    node.node.addValidation({
      validate: () => {
        this.audit(node);
        return [];
      },
    });
  }

  private audit(role: CfnResource): void {
    const stack = Stack.of(role);
    let values = this.values.get(stack);
    if (!values) {
      values = new StackValues(stack);
      this.values.set(stack, values);
    }
    const document = values.readDocument(values.propertiesOf(role).AssumeRolePolicyDocument);
    for (const finding of auditTrustPolicy(document, values)) {
      report(role, finding);
    }
  }
}

function report(role: CfnResource, finding: Finding): void {
  // An L1 role made by an L2 is named after the L2, the construct users know.
  const owner = role.node.scope?.node.defaultChild === role ? role.node.scope : role;
  const message = `[${finding.rule}] Role '${owner.node.path}': ${finding.message}`;
  const acknowledged = acknowledgment(role, finding.rule);
  if (acknowledged) {
    Annotations.of(role).addInfo(`${message} (acknowledged at '${acknowledged.scope.node.path}': ${acknowledged.reason})`);
  } else if (finding.level === 'error') {
    Annotations.of(role).addError(message);
  } else {
    Annotations.of(role).addWarningV2(finding.rule, message);
  }
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
