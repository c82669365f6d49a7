import { OIDC_PROVIDER_IN_ARN } from '../private/irsa-constants';
import { arnOfIssuerIntrinsic, issuerOfArnIntrinsic, providerResourceIssuer, urlOfIssuerIntrinsic } from '../private/issuer-intrinsics';
import {
  asArray,
  coversAction,
  federatedPrincipalsOf,
  isObject,
  isPodIdentityStatement,
  isWebIdentityStatement,
  mentionsWebIdentity,
} from '../private/policy-statements';
import { StackValues } from '../private/stack-values';
import { estimateTrustPolicySize } from '../private/trust-policy-size';

/*
 * A trust policy as the rules of the pack see it: only the statements that let web identities in, each with its
 * principals, its conditions on `sub` and `aud` (with what is known of the issuer each key names), and the parts that
 * are only known at deploy time. Everything a message shows is rendered here, so the rules are pure functions.
 */

/** A Federated principal that is an IAM OIDC provider. */
export interface AuditedProvider {
  /** The principal, quoted for messages. */
  readonly shown: string;
  /** Its issuer, as written in messages (unquoted). */
  readonly issuerShown: string;
  readonly issuer: IssuerIdentity;
}

/** Whether a condition key names the issuer of a principal. */
export type IssuerMatch = 'same' | 'different' | 'unknown';

/** One value of a condition. */
export interface AuditedValue {
  /** The value, with its deploy-time parts as placeholders. */
  readonly text: string;
  /** The value, quoted for messages, with deploy-time parts written as `${...}`. */
  readonly shown: string;
  /** Where its first `*`, `?` or deploy-time part starts, or -1: from there on the value may match anything. */
  readonly variableAt: number;
}

/** A condition on the `sub` or `aud` claim of a token. */
export interface AuditedCondition {
  readonly operator: string;
  /** The condition key, quoted for messages. */
  readonly keyShown: string;
  readonly claim: 'sub' | 'aud';
  readonly values: AuditedValue[];
  /** For each provider of the statement, whether this key names its issuer. */
  readonly issuerMatches: ReadonlyArray<{ readonly provider: AuditedProvider; readonly match: IssuerMatch }>;
}

/** A part of a statement that is only known at deploy time. */
export interface DeployTimePart {
  /** What it is, as messages name it: "the Condition block", or an operator such as "StringEquals". */
  readonly part: string;
  /** Its value, quoted for messages. */
  readonly shown: string;
}

/** A statement that lets web identities assume the role (or, for deploy-time parts, may). */
export interface AuditedStatement {
  /** `Statement[<index>]`, with its Sid when it has one. */
  readonly where: string;
  /** The whole statement, quoted, when it is only known at deploy time and mentions web identities. */
  readonly deployTimeStatement?: string;
  /** How the principal lets anyone in, or may at deploy time. */
  readonly wildcardPrincipal?: string;
  /** The principal, quoted, when it is only known at deploy time. */
  readonly deployTimePrincipal?: string;
  /** The IAM OIDC providers it trusts; empty when any of the above is set. */
  readonly providers: AuditedProvider[];
  /** The condition block, or blocks of single operators, that are only known at deploy time. */
  readonly deployTimeConditions: DeployTimePart[];
  readonly conditions: AuditedCondition[];
}

/** A condition of an EKS Pod Identity statement. */
export interface AuditedPodIdentityCondition {
  readonly operator: string;
  /** The condition key, quoted for messages. */
  readonly keyShown: string;
  /** The session tag the key reads (`kubernetes-namespace` of `aws:RequestTag/kubernetes-namespace`), in lower case. */
  readonly requestTag?: string;
  readonly values: AuditedValue[];
}

/** A statement that lets `pods.eks.amazonaws.com` (EKS Pod Identity) assume the role. */
export interface AuditedPodIdentityStatement {
  /** `Statement[<index>]`, with its Sid when it has one. */
  readonly where: string;
  /** Whether some statement of the policy lets EKS Pod Identity call `sts:TagSession`, which it needs. */
  readonly tagSessionAllowed: boolean;
  /** The condition block, or blocks of single operators, that are only known at deploy time. */
  readonly deployTimeConditions: DeployTimePart[];
  readonly conditions: AuditedPodIdentityCondition[];
}

/** A condition of a statement for AWS principals (roles, accounts). */
export interface AuditedAwsCondition {
  readonly operator: string;
  /** The condition key as written. */
  readonly key: string;
  readonly values: AuditedValue[];
}

/** A statement that lets AWS principals (roles, accounts, `*`) call `sts:AssumeRole`: a role chain's next link. */
export interface AuditedAwsStatement {
  /** `Statement[<index>]`, with its Sid when it has one. */
  readonly where: string;
  /** Its AWS principals as read (deploy-time parts as placeholders); `*` for `"Principal": "*"`. */
  readonly principals: string[];
  /** The same, quoted for messages. */
  readonly principalsShown: string[];
  readonly conditions: AuditedAwsCondition[];
}

/** A role's trust policy, as far as it concerns ServiceAccounts: web identities, EKS Pod Identity and its role chains. */
export interface AuditedTrustPolicy {
  /** The whole policy, quoted, when it is only known at deploy time and mentions web identities. */
  readonly deployTimePolicy?: string;
  readonly statements: AuditedStatement[];
  readonly podIdentityStatements: AuditedPodIdentityStatement[];
  /** The statements that let AWS principals call `sts:AssumeRole`. */
  readonly awsStatements: AuditedAwsStatement[];
  /** The AWS principals (as read) some statement lets call `sts:TagSession`; `*` for all. */
  readonly tagSessionPrincipals: string[];
  /** The characters IAM would count (deploy-time parts at their longest), when any statement is for ServiceAccounts. */
  readonly estimatedSize?: number;
}

/** What is known at synth time about the issuer behind a principal or a condition-key prefix. */
interface IssuerIdentity {
  /** The issuer as a literal (IAM compares condition keys case-insensitively). */
  readonly literal?: string;
  /** The logical ID of the provider resource in the stack; two of them are two issuers. */
  readonly providerId?: string;
  /** The placeholder of the deploy-time provider ARN the issuer comes from: the same placeholder, the same issuer. */
  readonly arn?: string;
  /** The placeholder of the deploy-time issuer URL (`https://…`) the issuer comes from. */
  readonly url?: string;
  /** The issuer as written, with placeholders for its deploy-time parts: the same text, the same issuer. */
  readonly text?: string;
}

/** Reads a trust policy (already read with `values`) for the rules. */
export function auditedTrustPolicyOf(document: unknown, values: StackValues): AuditedTrustPolicy {
  return new TrustPolicyReader(values).read(document);
}

class TrustPolicyReader {
  constructor(private readonly values: StackValues) {}

  public read(document: unknown): AuditedTrustPolicy {
    if (!isObject(document)) {
      const none = { statements: [], podIdentityStatements: [], awsStatements: [], tagSessionPrincipals: [] };
      return { deployTimePolicy: this.deployTimeWebIdentity(document), ...none };
    }
    const all = asArray(document.Statement);
    const statements = all
      .map((statement, index) => this.statement(statement, index))
      .filter((s): s is AuditedStatement => s !== undefined);
    const podIdentityStatements = this.podIdentityStatements(all);
    const checked = statements.length + podIdentityStatements.length > 0;
    const awsStatements = all.flatMap((statement, index) => this.awsStatement(statement, index, 'sts:AssumeRole'));
    const tagSessionPrincipals = all.flatMap((statement, index) => this.awsStatement(statement, index, 'sts:TagSession')).flatMap(s => s.principals);
    return {
      statements,
      podIdentityStatements,
      awsStatements,
      tagSessionPrincipals,
      estimatedSize: checked ? estimateTrustPolicySize(document, this.values) : undefined,
    };
  }

  /** The statement, if it lets AWS principals call `action`. */
  private awsStatement(statement: unknown, index: number, action: string): AuditedAwsStatement[] {
    if (!isObject(statement) || statement.Effect !== 'Allow' || !coversAction(statement, action)) return [];
    const principals = statement.Principal === '*' ? ['*'] : isObject(statement.Principal) ? asArray(statement.Principal.AWS).map(String) : [];
    if (principals.length === 0) return [];
    const { conditions } = this.conditionsOf<AuditedAwsCondition>(statement.Condition, (operator, key, values) => ({ operator, key, values }));
    return [{ where: whereOf(statement, index), principals, principalsShown: principals.map(p => this.show(p)), conditions }];
  }

  /** The statements that let EKS Pod Identity call `sts:AssumeRole` (a deploy-time Effect or Action counts as one that may). */
  private podIdentityStatements(statements: unknown[]): AuditedPodIdentityStatement[] {
    const isDeployTime = (value: unknown) => this.values.isDeployTime(value);
    const tagSessionAllowed = statements.some(s => isPodIdentityStatement(s, 'sts:TagSession', isDeployTime));
    return statements.flatMap((statement, index) => {
      if (!isPodIdentityStatement(statement, 'sts:AssumeRole', isDeployTime) || !isObject(statement)) return [];
      const conditions = this.conditionsOf<AuditedPodIdentityCondition>(statement.Condition, (operator, key, values) => ({
        operator, keyShown: this.show(key), requestTag: /^aws:requesttag\/(.+)$/i.exec(key)?.[1].toLowerCase(), values,
      }));
      return [{ where: whereOf(statement, index), tagSessionAllowed, ...conditions }];
    });
  }

  /** The statement, if it lets web identities in (a deploy-time Effect or Action counts as one that may). */
  private statement(statement: unknown, index: number): AuditedStatement | undefined {
    const empty = { providers: [], deployTimeConditions: [], conditions: [] };
    if (!isObject(statement)) {
      const shown = this.deployTimeWebIdentity(statement);
      return shown === undefined ? undefined : { where: `Statement[${index}]`, deployTimeStatement: shown, ...empty };
    }
    if (!isWebIdentityStatement(statement, value => this.values.isDeployTime(value))) return undefined;
    const where = whereOf(statement, index);
    const wildcardPrincipal = this.wildcardPrincipal(statement);
    if (wildcardPrincipal) return { where, wildcardPrincipal, ...empty };
    if (this.values.isDeployTime(statement.Principal)) return { where, deployTimePrincipal: this.show(statement.Principal as string), ...empty };
    const providers = federatedPrincipalsOf(statement.Principal)
      .filter((arn): arn is string => typeof arn === 'string')
      .map(arn => this.provider(arn))
      .filter((provider): provider is AuditedProvider => provider !== undefined);
    if (providers.length === 0) return undefined;
    const conditions = this.conditionsOf<AuditedCondition>(statement.Condition, (operator, key, values) => {
      const claim = claimOf(key);
      if (!claim) return undefined;
      const issuer = this.keyIssuer(key.slice(0, -`:${claim}`.length));
      const issuerMatches = providers.map(provider => ({ provider, match: compareIssuers(issuer, provider.issuer) }));
      return { operator, keyShown: this.show(key), claim, values, issuerMatches };
    });
    return { where, providers, ...conditions };
  }

  /**
   * A statement's Condition block: the parts only known at deploy time (the whole block, or one operator's), and each
   * key `audited` makes something of, with its values.
   */
  private conditionsOf<C>(condition: unknown, audited: (operator: string, key: string, values: AuditedValue[]) => C | undefined):
  { deployTimeConditions: DeployTimePart[]; conditions: C[] } {
    if (condition !== undefined && !isObject(condition)) {
      return { deployTimeConditions: [{ part: 'the Condition block', shown: this.show(String(condition)) }], conditions: [] };
    }
    const deployTimeConditions: DeployTimePart[] = [];
    const conditions: C[] = [];
    for (const [operator, block] of Object.entries(condition ?? {})) {
      if (!isObject(block)) {
        deployTimeConditions.push({ part: operator, shown: this.show(String(block)) });
        continue;
      }
      for (const [key, value] of Object.entries(block)) {
        const found = audited(operator, key, asArray(value).map(v => this.value(String(v))));
        if (found !== undefined) conditions.push(found);
      }
    }
    return { deployTimeConditions, conditions };
  }

  private value(text: string): AuditedValue {
    const wildcardAt = text.search(/[*?]/);
    const deployTimeAt = this.values.firstPlaceholderAt(text);
    const variableAt = wildcardAt < 0 ? deployTimeAt : deployTimeAt < 0 ? wildcardAt : Math.min(wildcardAt, deployTimeAt);
    return { text, shown: this.show(text), variableAt };
  }

  /** The issuer of a Federated principal, or undefined when it is not an IAM OIDC provider. */
  private provider(arn: string): AuditedProvider | undefined {
    const shown = this.show(arn);
    const intrinsic = this.values.intrinsicOf(arn);
    if (intrinsic !== undefined) {
      const resource = providerResourceIssuer(this.values, intrinsic);
      const issuerShown = resource?.literal ?? this.unquoted(this.values.placeholderOf(issuerOfArnIntrinsic(intrinsic)));
      return { shown, issuerShown, issuer: { arn, ...resource } };
    }
    const at = arn.indexOf(OIDC_PROVIDER_IN_ARN);
    if (at < 0) return undefined;
    const issuer = arn.slice(at + OIDC_PROVIDER_IN_ARN.length);
    return this.values.hasPlaceholder(issuer)
      ? { shown, issuerShown: this.unquoted(issuer), issuer: { text: issuer } }
      : { shown, issuerShown: issuer, issuer: { literal: issuer } };
  }

  /** The issuer a condition-key prefix names; empty when nothing is known about it at synth time. */
  private keyIssuer(prefix: string): IssuerIdentity {
    if (!this.values.hasPlaceholder(prefix)) return { literal: prefix };
    const intrinsic = this.values.intrinsicOf(prefix);
    const arn = arnOfIssuerIntrinsic(intrinsic);
    if (arn !== undefined) return { text: prefix, arn: this.values.placeholderOf(arn), ...providerResourceIssuer(this.values, arn) };
    const url = urlOfIssuerIntrinsic(intrinsic);
    return url === undefined ? { text: prefix } : { text: prefix, url: this.values.placeholderOf(url) };
  }

  /**
   * A part only known at deploy time, quoted, when it mentions web identities. A part that mentions none (a whole
   * policy from a parameter, say) cannot be told apart from the trust of any other role, and is left alone.
   */
  private deployTimeWebIdentity(value: unknown): string | undefined {
    if (!this.values.isDeployTime(value)) return undefined;
    return mentionsWebIdentity(this.values.intrinsicOf(value as string) ?? value) ? this.show(value as string) : undefined;
  }

  /** How a statement lets anyone in, or may at deploy time; undefined when it does not. */
  private wildcardPrincipal(statement: Record<string, unknown>): string | undefined {
    if (statement.NotPrincipal !== undefined) return 'everyone but its NotPrincipal';
    if (statement.Principal === '*') return 'any principal ("Principal": "*")';
    if (!isObject(statement.Principal)) return undefined;
    for (const kind of ['AWS', 'Federated']) {
      const principals = asArray(statement.Principal[kind]);
      if (principals.includes('*')) return `any principal ("${kind}": "*")`;
      const conditional = principals.find(p => typeof p === 'string' && mentionsWildcard(this.values.intrinsicOf(p)));
      if (conditional !== undefined) return `a "${kind}" principal that can be "*" at deploy time (${this.show(conditional as string)})`;
    }
    return undefined;
  }

  /** A value for a message, quoted, with deploy-time parts written as `${...}`. */
  private show(text: string): string {
    return JSON.stringify(this.unquoted(text));
  }

  private unquoted(text: string): string {
    return this.values.mapPlaceholders(text, describeDeployTimeValue);
  }
}

/**
 * Whether a condition key's issuer and a principal's issuer are the same: by literal, provider resource, deploy-time
 * ARN or deploy-time URL. A deploy-time key that matches none of them is unknown, never "same".
 */
function compareIssuers(key: IssuerIdentity, principal: IssuerIdentity): IssuerMatch {
  if (key.literal !== undefined && principal.literal !== undefined) {
    return key.literal.toLowerCase() === principal.literal.toLowerCase() ? 'same' : 'different';
  }
  if (key.providerId !== undefined && principal.providerId !== undefined) {
    return key.providerId === principal.providerId ? 'same' : 'different';
  }
  if (key.text !== undefined && key.text === principal.text) return 'same';
  if (key.arn !== undefined && key.arn === principal.arn) return 'same';
  if (key.url !== undefined && key.url === principal.url) return 'same';
  // A literal key against a deploy-time principal is what a cluster in another stack gives (the ARN arrives through
  // Fn::ImportValue): it cannot be checked here, and reporting it would flag every cross-stack trust.
  return key.literal !== undefined ? 'same' : 'unknown';
}

function claimOf(key: string): 'sub' | 'aud' | undefined {
  const lower = key.toLowerCase();
  return lower.endsWith(':sub') ? 'sub' : lower.endsWith(':aud') ? 'aud' : undefined;
}

/** Whether a deploy-time value (an `Fn::If`, say) has a `"*"` among its possible values. */
function mentionsWildcard(intrinsic: unknown): boolean {
  if (intrinsic === '*') return true;
  if (Array.isArray(intrinsic)) return intrinsic.some(mentionsWildcard);
  return intrinsic !== null && typeof intrinsic === 'object' && Object.values(intrinsic).some(mentionsWildcard);
}

/** A deploy-time value as messages write it: `${Ref}`, `${Id.Attribute}`, `${issuer of Id.Arn}`, `${Fn::If}`. */
function describeDeployTimeValue(intrinsic: unknown): string {
  const arn = arnOfIssuerIntrinsic(intrinsic);
  if (arn !== undefined) return `\${issuer of ${describeDeployTimeValue(arn).slice(2, -1)}}`;
  const value = intrinsic as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown[] };
  if (value.Ref !== undefined) return `\${${value.Ref}}`;
  if (value['Fn::GetAtt'] !== undefined) return `\${${value['Fn::GetAtt'].join('.')}}`;
  return `\${${Object.keys(value)[0]}}`;
}

/** `Statement[<index>]`, with the statement's Sid when it has one, as messages name it. */
function whereOf(statement: Record<string, unknown>, index: number): string {
  return typeof statement.Sid === 'string' ? `Statement[${index}] (${statement.Sid})` : `Statement[${index}]`;
}
