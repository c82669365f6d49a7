import { AuditedCondition, AuditedPodIdentityStatement, AuditedStatement, AuditedTrustPolicy } from './audited-trust-policy';
import { RoleChainContext } from './pod-identity-chains';

/** A rule a trust policy breaks, with what is wrong and the fix. */
export interface Finding {
  /** The rule ID, such as `IRSA4`. */
  readonly rule: string;
  readonly level: 'error' | 'warning';
  /** What is wrong, naming the statement, key and value, and the fix. */
  readonly message: string;
}

/**
 * One rule of the pack: its row in the rule table, and pure checks of the parts of a trust policy it is about. A rule
 * may check single conditions, whole statements, EKS Pod Identity statements and the whole policy; the pack reports,
 * per web-identity statement, the findings about its conditions first and then those about the statement, then those
 * about EKS Pod Identity statements, then those about the policy.
 */
export interface TrustRule {
  readonly id: string;
  /** How findings are reported: errors fail `cdk synth`. */
  readonly level: 'error' | 'warning' | 'warning, or error';
  /** What it flags, in one line (the docs table and the `IrsaChecks` doc comment are made from it). */
  readonly summary: string;
  /** How to fix what it flags, in one line. */
  readonly fix: string;
  readonly checkCondition?: (condition: AuditedCondition, statement: AuditedStatement) => Finding[];
  readonly checkStatement?: (statement: AuditedStatement) => Finding[];
  /** Findings about one statement that lets EKS Pod Identity assume the role. */
  readonly checkPodIdentity?: (statement: AuditedPodIdentityStatement) => Finding[];
  readonly checkPolicy?: (policy: AuditedTrustPolicy) => Finding[];
  /** Findings about the role's place in an EKS Pod Identity chain: the associations and roles around it in the app. */
  readonly checkChain?: (policy: AuditedTrustPolicy, chain: RoleChainContext) => Finding[];
}

/** The finding of an error of `rule`. */
export function error(rule: TrustRule, message: string): Finding {
  return { rule: rule.id, level: 'error', message };
}

/** The finding of a warning of `rule`. */
export function warning(rule: TrustRule, message: string): Finding {
  return { rule: rule.id, level: 'warning', message };
}
