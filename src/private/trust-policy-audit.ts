import { StackValues } from './cfn-values';
import {
  policySize,
  TOKEN_ARN_PREFIX,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  TRUST_POLICY_DEFAULT_QUOTA,
  TRUST_POLICY_MAX_QUOTA,
} from './trust-policy-size';
import { globToRegExp } from '../verify/policy-conditions';

/** A rule a web-identity trust statement breaks. */
export interface Finding {
  /** The rule ID, `IRSA1`…`IRSA9`. */
  readonly rule: string;
  readonly level: 'error' | 'warning';
  /** What is wrong, naming the statement, key and value, and the fix. */
  readonly message: string;
}

const WEB_IDENTITY_ACTION = 'sts:assumerolewithwebidentity';
const OIDC_PROVIDER_IN_ARN = ':oidc-provider/';
const PROVIDER_TYPES = ['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'];
const SUBJECT_PREFIX = 'system:serviceaccount:';
/** Text that marks a deploy-time part of a trust policy as a web-identity trust (compared in lower case). */
const WEB_IDENTITY_HINTS = ['assumerolewithwebidentity', 'oidc-provider'];
/** The only operators that make a claim equal (or match) a given value and fail when the claim is absent. */
const PINNING_OPERATORS = ['StringEquals', 'StringLike'];
/** The longest value each pseudo parameter takes, for size estimates. */
const PSEUDO_PARAMETER_LENGTHS: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 'ap-southeast-7'.length,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
};

/** What is known at synth time about the issuer behind a principal or a condition-key prefix. */
interface Issuer {
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

interface Provider extends Issuer {
  /** The Federated principal, as written in messages. */
  readonly shown: string;
  /** Its issuer, as written in messages. */
  readonly issuerShown: string;
}

interface ClaimCondition {
  readonly operator: string;
  readonly key: string;
  readonly prefix: string;
  readonly claim: 'sub' | 'aud';
  readonly values: string[];
}

/**
 * Checks the trust policy of a role (already read with `values`) against the IRSA rules. Only `Allow` statements that
 * allow `sts:AssumeRoleWithWebIdentity` to an IAM OIDC provider or to everyone are checked: statements for Cognito,
 * SAML or AWS principals are out of scope.
 */
export function auditTrustPolicy(document: unknown, values: StackValues): Finding[] {
  return new TrustPolicyAudit(values).run(document);
}

class TrustPolicyAudit {
  private readonly findings: Finding[] = [];

  constructor(private readonly values: StackValues) {}

  public run(document: unknown): Finding[] {
    if (!isObject(document)) {
      this.opaqueIfWebIdentity('the trust policy', document);
      return this.findings;
    }
    const checked = asArray(document.Statement).map((statement, index) => this.auditStatement(statement, index));
    if (checked.some(Boolean)) this.auditSize(document);
    return this.findings;
  }

  /** Returns whether the statement lets web identities assume the role, and so was checked. */
  private auditStatement(statement: unknown, index: number): boolean {
    if (!isObject(statement)) return this.opaqueIfWebIdentity(`Statement[${index}]`, statement);
    // A deploy-time Effect or Action may turn out to be Allow and sts:AssumeRoleWithWebIdentity: check it as if it were.
    if ((statement.Effect !== 'Allow' && !this.isDeployTime(statement.Effect)) || !this.allowsWebIdentity(statement)) return false;
    const where = typeof statement.Sid === 'string' ? `Statement[${index}] (${statement.Sid})` : `Statement[${index}]`;
    const wildcard = this.wildcardPrincipal(statement);
    if (wildcard) {
      this.error('IRSA7', `${where} allows sts:AssumeRoleWithWebIdentity to ${wildcard}, so a token from any identity ` +
        'provider can assume the role. Name the cluster\'s IAM OIDC provider as the Federated principal instead.');
      return true;
    }
    if (this.isDeployTime(statement.Principal)) {
      this.opaque(where, 'the Principal', statement.Principal);
      return true;
    }
    const providers = asArray(isObject(statement.Principal) ? statement.Principal.Federated : undefined)
      .filter((arn): arn is string => typeof arn === 'string')
      .map(arn => this.provider(arn))
      .filter((provider): provider is Provider => provider !== undefined);
    if (providers.length === 0) return false;
    this.auditConditions(statement.Condition, providers, where);
    return true;
  }

  private auditConditions(condition: unknown, providers: Provider[], where: string): void {
    if (condition !== undefined && !isObject(condition)) {
      this.opaque(where, 'the Condition block', condition);
      return;
    }
    const claims: ClaimCondition[] = [];
    let opaque = false;
    for (const [operator, block] of Object.entries(condition ?? {})) {
      if (!isObject(block)) {
        this.opaque(where, operator, block);
        opaque = true;
        continue;
      }
      for (const [key, value] of Object.entries(block)) {
        const claim = claimOf(key);
        if (claim) claims.push({ operator, key, prefix: key.slice(0, -':sub'.length), claim, values: asArray(value).map(String) });
      }
    }
    claims.forEach(c => this.auditClaim(c, providers, where));
    if (opaque) return;

    const issuer = providers[0].issuerShown;
    if (!claims.some(c => c.claim === 'sub' && PINNING_OPERATORS.includes(c.operator))) {
      this.error('IRSA1', `${where} has no StringEquals or StringLike condition on "${issuer}:sub", so every identity the ` +
        'provider issues tokens for (every ServiceAccount of the cluster) can assume the role. Add ' +
        `"StringEquals": { "${issuer}:sub": "system:serviceaccount:<namespace>:<name>" }.`);
    }
    if (!claims.some(c => c.claim === 'aud' && isPinnedAudience(c))) {
      this.error('IRSA2', `${where} has no StringEquals condition on "${issuer}:aud", so tokens issued for any audience ` +
        `the provider accepts can assume the role. Add "StringEquals": { "${issuer}:aud": "sts.amazonaws.com" }.`);
    }
  }

  private auditClaim(c: ClaimCondition, providers: Provider[], where: string): void {
    const key = this.show(c.key);
    if (!PINNING_OPERATORS.includes(c.operator)) {
      this.error('IRSA3', `${where} checks ${key} with ${c.operator}, which ${operatorRisk(c.operator)}. ` +
        `Use StringEquals with the exact ${c.claim === 'sub' ? 'system:serviceaccount:<namespace>:<name>' : 'audience'}.`);
    }
    for (const value of c.values) {
      if (c.operator === 'StringEquals' && /[*?]/.test(value)) {
        this.error('IRSA5', `${where} compares ${key} to ${this.show(value)} with StringEquals, which takes "*" and "?" ` +
          'literally: no token carries that value, so the condition never matches. List the exact values, or use ' +
          'StringLike with a literal namespace (system:serviceaccount:<namespace>:*).');
      }
      if (c.claim === 'sub' && c.operator === 'StringLike' && namespaceVaries(value)) {
        this.error('IRSA4', `${where} matches ${key} against ${this.show(value)} with StringLike, which lets the ` +
          'namespace vary: a ServiceAccount of that name (or any name) in another namespace can assume the role. Use ' +
          'StringEquals with system:serviceaccount:<namespace>:<name>, or at most system:serviceaccount:<namespace>:*.');
      }
    }
    const prefix = this.keyIssuer(c.prefix);
    for (const provider of providers.filter(p => compareIssuers(prefix, p) === 'unknown')) {
      this.error('IRSA9', `${where} checks ${key}, and which issuer that key names cannot be matched to the principal ` +
        `${provider.shown} at synth time, so the condition may not restrict its tokens. Derive the key from the ` +
        'principal\'s ARN (as IrsaCluster.openIdConnectProviderIssuer does), or acknowledge IRSA9 after reviewing the ' +
        'deployed policy.');
    }
    for (const provider of providers.filter(p => compareIssuers(prefix, p) === 'different')) {
      this.error('IRSA6', `${where} checks ${key}, but the principal ${provider.shown} is the provider of issuer ` +
        `"${provider.issuerShown}": STS sets only "${provider.issuerShown}:sub" and ":aud" for its tokens, so this ` +
        'condition does not restrict them as intended. Prefix the condition keys with the issuer of the principal ' +
        '(its ARN after ":oidc-provider/").');
    }
  }

  private auditSize(document: Record<string, unknown>): void {
    const estimated = this.values.mapPlaceholders(JSON.stringify(this.withAudienceEstimates(document)),
      i => 'x'.repeat(this.estimatedLength(i)));
    const size = policySize(JSON.parse(estimated));
    if (size > TRUST_POLICY_MAX_QUOTA) {
      this.error('IRSA8', `the trust policy is about ${size} characters; IAM rejects trust policies over ` +
        `${TRUST_POLICY_MAX_QUOTA} characters even with a raised quota. Split the trusted identities over several roles.`);
    } else if (size > TRUST_POLICY_DEFAULT_QUOTA) {
      this.findings.push({
        rule: 'IRSA8',
        level: 'warning',
        message: `the trust policy is about ${size} characters, over IAM's default quota of ${TRUST_POLICY_DEFAULT_QUOTA}. ` +
          `Deployment fails unless the account's "Role trust policy length" quota is raised (up to ${TRUST_POLICY_MAX_QUOTA}); ` +
          'otherwise split the trusted identities over several roles.',
      });
    }
  }

  /** `document` with deploy-time audiences replaced by the longest one IAM accepts, as the construct's own check does. */
  private withAudienceEstimates(document: Record<string, unknown>): Record<string, unknown> {
    const estimate = (value: unknown) => (typeof value === 'string' ? this.values.mapPlaceholders(value, () => TOKEN_AUDIENCE) : value);
    const estimateBlock = (block: unknown) => {
      if (!isObject(block)) return block;
      const entries = Object.entries(block).map(([key, value]) =>
        [key, claimOf(key) === 'aud' ? (Array.isArray(value) ? value.map(estimate) : estimate(value)) : value]);
      return Object.fromEntries(entries);
    };
    const statements = asArray(document.Statement).map(statement => {
      if (!isObject(statement) || !isObject(statement.Condition)) return statement;
      const condition = Object.fromEntries(Object.entries(statement.Condition).map(([operator, block]) => [operator, estimateBlock(block)]));
      return { ...statement, Condition: condition };
    });
    return { ...document, Statement: statements };
  }

  /** The issuer of a Federated principal, or undefined when it is not an IAM OIDC provider. */
  private provider(arn: string): Provider | undefined {
    const shown = this.show(arn);
    const intrinsic = this.values.intrinsicOf(arn);
    if (intrinsic !== undefined) {
      const resource = this.providerResource(intrinsic);
      const issuerShown = resource?.literal ?? this.unquoted(this.values.placeholderOf(issuerOfArnIntrinsic(intrinsic)));
      return { shown, issuerShown, arn, ...resource };
    }
    const at = arn.indexOf(OIDC_PROVIDER_IN_ARN);
    if (at < 0) return undefined;
    const issuer = arn.slice(at + OIDC_PROVIDER_IN_ARN.length);
    return this.values.hasPlaceholder(issuer)
      ? { shown, issuerShown: this.unquoted(issuer), text: issuer }
      : { shown, issuerShown: issuer, literal: issuer };
  }

  /** The issuer a condition-key prefix names; empty when nothing is known about it at synth time. */
  private keyIssuer(prefix: string): Issuer {
    if (!this.values.hasPlaceholder(prefix)) return { literal: prefix };
    const intrinsic = this.values.intrinsicOf(prefix);
    const arn = arnOfIssuerIntrinsic(intrinsic);
    if (arn !== undefined) return { text: prefix, arn: this.values.placeholderOf(arn), ...this.providerResource(arn) };
    const url = urlOfIssuerIntrinsic(intrinsic);
    return url === undefined ? { text: prefix } : { text: prefix, url: this.values.placeholderOf(url) };
  }

  /** The OIDC provider resource of the stack that `reference` (a Ref or Fn::GetAtt Arn) names, with its literal issuer. */
  private providerResource(reference: unknown): Issuer | undefined {
    const ref = reference as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown[] };
    const logicalId = ref.Ref ?? (ref['Fn::GetAtt']?.[1] === 'Arn' ? ref['Fn::GetAtt'][0] : undefined);
    const resource = this.values.resource(logicalId);
    if (!resource || !PROVIDER_TYPES.includes(resource.cfnResourceType)) return undefined;
    const url = this.values.read(this.values.propertiesOf(resource).Url);
    if (typeof url === 'string' && this.values.intrinsicOf(url) !== undefined) return { providerId: String(logicalId), url };
    const literal = typeof url === 'string' && !this.values.hasPlaceholder(url) && url.startsWith('https://')
      ? url.slice('https://'.length)
      : undefined;
    return { providerId: String(logicalId), literal };
  }

  private isDeployTime(value: unknown): boolean {
    return typeof value === 'string' && this.values.hasPlaceholder(value);
  }

  /**
   * Reports a part of a trust policy that is only known at deploy time when it mentions web identities, and returns
   * whether it did. A part that mentions none (a whole policy from a parameter, say) cannot be told apart from the
   * trust of any other role, and is left alone.
   */
  private opaqueIfWebIdentity(part: string, value: unknown): boolean {
    if (!this.isDeployTime(value)) return false;
    const text = JSON.stringify(this.values.intrinsicOf(value as string) ?? value).toLowerCase();
    if (!WEB_IDENTITY_HINTS.some(hint => text.includes(hint))) return false;
    this.error('IRSA9', `${part} is only known at deploy time (${this.show(value as string)}) and mentions web identities, ` +
      'so its principal and its sub and aud conditions cannot be checked. Write the trust policy into the template, or ' +
      'acknowledge IRSA9 after reviewing the deployed policy.');
    return true;
  }

  /** Whether the statement's actions include sts:AssumeRoleWithWebIdentity, counting deploy-time actions as if they did. */
  private allowsWebIdentity(statement: Record<string, unknown>): boolean {
    const literallyMatches = (action: unknown) => typeof action === 'string' && !this.isDeployTime(action) &&
      globToRegExp(action.toLowerCase()).test(WEB_IDENTITY_ACTION);
    if (statement.Action !== undefined) {
      return asArray(statement.Action).some(action => this.isDeployTime(action) || literallyMatches(action));
    }
    // Only a literal NotAction entry surely excludes web identities; a deploy-time one may not.
    return statement.NotAction !== undefined && !asArray(statement.NotAction).some(literallyMatches);
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

  private estimatedLength(intrinsic: unknown): number {
    const arn = arnOfIssuerIntrinsic(intrinsic);
    if (arn !== undefined) return (this.providerResource(arn)?.literal ?? TOKEN_ISSUER).length;
    const pseudo = PSEUDO_PARAMETER_LENGTHS[String((intrinsic as { Ref?: unknown }).Ref)];
    if (pseudo !== undefined) return pseudo;
    // Anything else referenced in a trust policy is most likely a provider ARN.
    return TOKEN_ARN_PREFIX.length + (this.providerResource(intrinsic)?.literal ?? TOKEN_ISSUER).length;
  }

  private opaque(where: string, part: string, value: unknown): void {
    this.error('IRSA9', `${part} of ${where} is only known at deploy time (${this.show(String(value))}), so its sub and aud ` +
      'conditions cannot be checked. Write the conditions into the template (Stack.toJsonString renders token keys ' +
      'without a custom resource), or acknowledge IRSA9 after reviewing the deployed policy.');
  }

  /** A value for a message, quoted, with deploy-time parts written as `${...}`. */
  private show(text: string): string {
    return JSON.stringify(this.unquoted(text));
  }

  private unquoted(text: string): string {
    return this.values.mapPlaceholders(text, describeIntrinsic);
  }

  private error(rule: string, message: string): void {
    this.findings.push({ rule, level: 'error', message });
  }
}

/**
 * Whether a condition key's issuer and a principal's issuer are the same: by literal, provider resource, deploy-time
 * ARN or deploy-time URL. A deploy-time key that matches none of them is unknown, never "same".
 */
function compareIssuers(key: Issuer, principal: Issuer): 'same' | 'different' | 'unknown' {
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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a deploy-time value (an `Fn::If`, say) has a `"*"` among its possible values. */
function mentionsWildcard(intrinsic: unknown): boolean {
  if (intrinsic === '*') return true;
  if (Array.isArray(intrinsic)) return intrinsic.some(mentionsWildcard);
  return intrinsic !== null && typeof intrinsic === 'object' && Object.values(intrinsic).some(mentionsWildcard);
}

function claimOf(key: string): 'sub' | 'aud' | undefined {
  const lower = key.toLowerCase();
  return lower.endsWith(':sub') ? 'sub' : lower.endsWith(':aud') ? 'aud' : undefined;
}

function isPinnedAudience(c: ClaimCondition): boolean {
  // A deploy-time value in a StringLike pattern may hold a wildcard.
  return c.operator === 'StringEquals' || (c.operator === 'StringLike' && !c.values.some(v => /[*?\uE000]/.test(v)));
}

/** Why an operator other than StringEquals/StringLike does not pin a claim. */
function operatorRisk(operator: string): string {
  if (operator.startsWith('ForAllValues:')) return 'is true when the claim is missing or empty';
  if (operator.startsWith('ForAnyValue:')) return 'is a set operator meant for multivalued keys, not the single-valued sub and aud';
  if (operator.endsWith('IfExists')) return 'is true when the claim is missing';
  if (operator.includes('Not')) return 'allows every value but the ones listed';
  if (operator === 'Null') return 'only checks whether the claim is present';
  return 'is not an exact comparison';
}

/**
 * Whether a StringLike pattern on `sub` can match ServiceAccounts of more than one namespace: it has a wildcard (or a
 * deploy-time part) before the namespace of `system:serviceaccount:<namespace>:` is complete. Patterns that cannot
 * match a Kubernetes subject at all (`repo:org/*` of GitHub Actions) are left alone.
 */
function namespaceVaries(pattern: string): boolean {
  const wildcard = pattern.search(/[*?\uE000]/);
  if (wildcard < 0) return false;
  const literal = pattern.slice(0, wildcard);
  if (literal.startsWith(SUBJECT_PREFIX)) return !literal.slice(SUBJECT_PREFIX.length).includes(':');
  return SUBJECT_PREFIX.startsWith(literal);
}

/** `Fn::Select [1, Fn::Split [":oidc-provider/", arn]]`: the issuer of a provider ARN, as CDK derives it. */
function issuerOfArnIntrinsic(arn: unknown): unknown {
  return { 'Fn::Select': [1, { 'Fn::Split': [OIDC_PROVIDER_IN_ARN, arn] }] };
}

/**
 * The issuer URL an issuer intrinsic comes from: `Fn::Select [1, Fn::Split ["https://", url]]`, or an EKS cluster's
 * `OpenIdConnectIssuer` attribute (aws-eks `clusterOpenIdConnectIssuer`), whose URL is its `OpenIdConnectIssuerUrl`.
 */
function urlOfIssuerIntrinsic(intrinsic: unknown): unknown {
  const getAtt = (intrinsic as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
  if (getAtt?.length === 2 && getAtt[1] === 'OpenIdConnectIssuer') return { 'Fn::GetAtt': [getAtt[0], 'OpenIdConnectIssuerUrl'] };
  const select = (intrinsic as { 'Fn::Select'?: unknown[] } | undefined)?.['Fn::Select'];
  const split = (select?.[1] as { 'Fn::Split'?: unknown[] } | undefined)?.['Fn::Split'];
  return select?.[0] === 1 && (split?.[0] === 'https://' || split?.[0] === '//') ? split[1] : undefined;
}

/** The ARN an issuer intrinsic is derived from, if it has that form. */
function arnOfIssuerIntrinsic(intrinsic: unknown): unknown {
  const select = (intrinsic as { 'Fn::Select'?: unknown[] } | undefined)?.['Fn::Select'];
  const split = (select?.[1] as { 'Fn::Split'?: unknown[] } | undefined)?.['Fn::Split'];
  return select?.[0] === 1 && split?.[0] === OIDC_PROVIDER_IN_ARN ? split[1] : undefined;
}

function describeIntrinsic(intrinsic: unknown): string {
  const arn = arnOfIssuerIntrinsic(intrinsic);
  if (arn !== undefined) return `\${issuer of ${describeIntrinsic(arn).slice(2, -1)}}`;
  const value = intrinsic as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown[] };
  if (value.Ref !== undefined) return `\${${value.Ref}}`;
  if (value['Fn::GetAtt'] !== undefined) return `\${${value['Fn::GetAtt'].join('.')}}`;
  return `\${${Object.keys(value)[0]}}`;
}
