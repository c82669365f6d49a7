#!/usr/bin/env node
import * as fs from 'fs';
import { parseArgs } from 'util';
import { JSONWebKeySet } from 'jose';
import { InputError, readStacks } from './cloud-assembly';
import { UnresolvedValueError } from './deploy-time-values';
import { DeployedAccount, deployedAccountOf, DeployedRole, OidcProvider } from './deployed-account';
import { PodIdentityCheck } from './pod-identity-check';
import { audiencesOf, readTokenClaims, ServiceAccountTokenClaims } from './token-claims';
import { WebIdentityCheck, WebIdentityDecision } from './web-identity-check';
import { serviceAccountSubject, STS_AUDIENCE } from '../private/irsa-constants';
import { issuerOfUrl, parseOidcProviderArn } from '../private/issuer';
import { issuerFormProblem } from '../private/issuer-form';

const USAGE = `Usage: cdk-irsa verify [options]

Says, for each IAM role that trusts web identities, whether a ServiceAccount token can assume it, and if not,
the error STS returns and the check that failed; with --pod-identity, which role EKS Pod Identity gives a
ServiceAccount's pods, if any (following an association's target role, with its ExternalId and session tags).
Works offline, on the output of \`cdk synth\`.

Where the roles are:
  --app <dir>                 cloud assembly directory (default: cdk.out)
  --template <file>           a single CloudFormation template instead
  --parameter <Name=Value>    a template parameter's value (repeatable)
  --attribute <Id.Attr=Value> a resource attribute's value, e.g. Cluster.OpenIdConnectIssuerUrl (repeatable)
  --account <id>              the account, when the stacks have no env (default: 123456789012)
  --region <name>             the region, when the stacks have no env (default: us-east-1)
  --provider <arn>            an OIDC provider that already exists in the account (repeatable);
                              append =<clientId>,<clientId> for other audiences than ${STS_AUDIENCE}
  --role <arn|name|id>        check only this role (default: every web-identity role)
  --verbose                   say why each role refuses the token (default: roles refused the same way are
                              counted on one line)

Whose token:
  --token <file>              a token, e.g. kubectl exec <pod> -- cat /var/run/secrets/eks.amazonaws.com/serviceaccount/token
  --jwks <file>               the issuer's keys (<issuer>/keys) to check the token's signature; without it,
                              the signature is not checked
or a token as a pod with this ServiceAccount would present it:
  --namespace <ns> --service-account <name>
  --audience <aud>            (default: ${STS_AUDIENCE})
  --issuer <url>              (default: the only OIDC provider's URL)
or a pod that gets credentials from EKS Pod Identity:
  --pod-identity --cluster <name> --namespace <ns> --service-account <name>

Exit status: 0 when the token can assume the role (any role, without --role), 1 when it cannot, 2 on bad input.`;

/** Where the command writes; a parameter so tests can read it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Runs `cdk-irsa <argv>` and returns the exit status. */
export async function runCli(argv: string[], out: Output = console): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'verify') {
    out.error(`cdk-irsa: unknown command "${command}". The only command is verify.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await verify(rest, out);
  } catch (e) {
    if (e instanceof InputError || e instanceof UnresolvedValueError || (e as any)?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      out.error(`cdk-irsa verify: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

async function verify(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'app': { type: 'string' },
      'template': { type: 'string' },
      'parameter': { type: 'string', multiple: true },
      'attribute': { type: 'string', multiple: true },
      'account': { type: 'string' },
      'region': { type: 'string' },
      'provider': { type: 'string', multiple: true },
      'role': { type: 'string' },
      'token': { type: 'string' },
      'jwks': { type: 'string' },
      'namespace': { type: 'string' },
      'service-account': { type: 'string' },
      'audience': { type: 'string' },
      'issuer': { type: 'string' },
      'verbose': { type: 'boolean' },
      'pod-identity': { type: 'boolean' },
      'cluster': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.log(USAGE);
    return 0;
  }
  if (values.app && values.template) throw new InputError('pass either --app or --template, not both.');
  const location = values.template ?? values.app ?? 'cdk.out';
  const account = deployedAccountOf(readStacks(location), {
    parameters: pairs(values.parameter, '--parameter', 'Name=Value'),
    attributes: pairs(values.attribute, '--attribute', 'LogicalId.Attribute=Value'),
    account: values.account,
    region: values.region,
    existingProviders: (values.provider ?? []).map(parseProvider),
  });

  if (values['pod-identity'] || values.cluster) return verifyPodIdentity(values, account, out);
  const roles = selectRoles(account, values.role, location);
  const caller = callerOf(values, account);
  out.log(`Token: iss ${caller.claims.iss}, sub ${caller.claims.sub}, aud ${audiencesOf(caller.claims).join(', ')}` +
    (caller.token !== undefined && caller.jwks === undefined ? ' (signature not checked: pass --jwks <file> to check it)' : ''));

  for (const provider of account.providers) {
    const form = typeof provider.url === 'string' ? issuerFormProblem(issuerOfUrl(provider.url)) : undefined;
    if (form) {
      out.log(`WARNING  the OIDC provider ${provider.url} (${provider.source}): its URL ${form.problem}; ` +
        `no API server issues tokens for it (they would carry https://${form.issued})`);
    }
  }

  const check = new WebIdentityCheck(account, caller.jwks ? { fetchJwks: async () => caller.jwks! } : undefined);
  // Each refusal is explained once: for one role, every time; for many roles refused the same way (hundreds of
  // ServiceAccounts, each trusted by its own role), as one line with their count unless --verbose asks for each.
  let allowed = 0;
  const refusedAlike = new Map<string, Array<{ role: DeployedRole; decision: WebIdentityDecision }>>();
  for (const role of roles) {
    const decision: WebIdentityDecision = caller.token !== undefined
      ? await check.checkToken(role.arn, caller.token)
      : check.checkClaims(role.arn, caller.claims);
    if (decision.allowed) {
      allowed++;
      out.log(`ALLOWED  ${role.arn} (${role.source}): trust statement ${decision.statement} matches`);
    } else {
      const refusal = `${decision.refusal!.code}: ${decision.refusal!.message}`;
      const alike = refusedAlike.get(refusal) ?? [];
      alike.push({ role, decision });
      refusedAlike.set(refusal, alike);
    }
  }
  for (const [refusal, refused] of refusedAlike) {
    if (refused.length === 1 || values.verbose) {
      for (const { role, decision } of refused) {
        out.log(`DENIED   ${role.arn} (${role.source}): ${refusal}`);
        for (const line of decision.explanation) out.log(`           ${line}`);
      }
    } else {
      out.log(`DENIED   ${refused.length} ${allowed > 0 ? 'other ' : ''}web-identity roles (${refusal}): ` +
        'pass --role <arn|name|id> to see why one refuses, or --verbose for each');
    }
  }
  for (const resource of account.unresolved.filter(r => r.webIdentity)) {
    out.log(`UNKNOWN  ${resource.source} (${resource.type}): ${resource.reason}`);
  }
  return allowed > 0 ? 0 : 1;
}

/** What EKS Pod Identity would give the pods of one ServiceAccount of one cluster. */
function verifyPodIdentity(values: Record<string, any>, account: DeployedAccount, out: Output): number {
  if (!values['pod-identity'] || !values.cluster || !values.namespace || !values['service-account']) {
    throw new InputError('for EKS Pod Identity, pass --pod-identity --cluster <name> --namespace <ns> --service-account <name>.');
  }
  if (values.token || values.role || values.audience || values.issuer) {
    throw new InputError('--token, --role, --audience and --issuer are for IRSA: EKS Pod Identity picks the role by its association.');
  }
  const request = { clusterName: values.cluster, namespace: values.namespace, serviceAccount: values['service-account'] };
  out.log(`Pod: cluster ${request.clusterName}, ServiceAccount ${request.namespace}/${request.serviceAccount} (EKS Pod Identity)`);
  const decision = new PodIdentityCheck(account).check(request);
  const through = decision.association ? ` through association ${decision.association.source}` : '';
  const chain = decision.associationRole ? `, after ${decision.associationRole.arn} (${decision.associationRole.source})` : '';
  if (decision.allowed) {
    const statement = decision.associationRole ? `the target's trust statement ${decision.statement} matches` : `trust statement ${decision.statement} matches`;
    out.log(`ALLOWED  ${decision.role!.arn} (${decision.role!.source})${through}${chain}: ${statement}`);
    return 0;
  }
  out.log(`DENIED   ${decision.role?.arn ?? decision.association?.roleArn ?? '(no role)'}${through}: ${decision.refusal!.code}: ${decision.refusal!.message}`);
  for (const line of decision.explanation) out.log(`           ${line}`);
  return 1;
}

/** Whose token is checked: a real token (and the issuer's keys, when given), or the claims of a ServiceAccount's token. */
interface Caller {
  readonly claims: ServiceAccountTokenClaims;
  /** The signed token, when one was given. */
  readonly token?: string;
  readonly jwks?: JSONWebKeySet;
}

function callerOf(values: Record<string, any>, account: DeployedAccount): Caller {
  if (values.token) {
    if (values.namespace || values['service-account']) {
      throw new InputError('pass either --token or --namespace/--service-account, not both.');
    }
    const token = readFile(values.token, 'token').trim();
    return { token, claims: readTokenClaims(token, values.token), jwks: values.jwks ? parseJwks(values.jwks) : undefined };
  }
  if (!values.namespace || !values['service-account']) {
    throw new InputError('say whose token to check: --token <file>, or --namespace <ns> --service-account <name>.');
  }
  // The claims a pod's projected token carries; what is checked is the IAM side, so nothing needs signing.
  const now = Math.floor(Date.now() / 1000);
  return {
    claims: {
      iss: values.issuer ?? onlyProviderUrl(account),
      sub: serviceAccountSubject(values.namespace, values['service-account']),
      aud: [values.audience ?? STS_AUDIENCE],
      iat: now,
      nbf: now,
      exp: now + 3600,
    },
  };
}

function selectRoles(account: DeployedAccount, wanted: string | undefined, location: string): DeployedRole[] {
  const candidates = account.roles.filter(r => r.webIdentity);
  if (wanted === undefined) {
    if (candidates.length === 0 && !account.unresolved.some(r => r.webIdentity)) {
      throw new InputError(`${location} has no IAM role that trusts web identities.`);
    }
    return candidates;
  }
  const matches = account.roles.filter(r => r.arn === wanted || r.name === wanted || r.source === wanted || r.source.endsWith(`/${wanted}`));
  if (matches.length === 0) {
    throw new InputError(`no role "${wanted}" in ${location}. Roles that trust web identities: ` +
      `${candidates.map(r => `${r.name} (${r.source})`).join(', ') || 'none'}.`);
  }
  return matches;
}

/** The issuer of the only provider, in the form an API server writes into tokens (see the WARNING line). */
function onlyProviderUrl(account: DeployedAccount): string {
  if (account.providers.length === 1) {
    const url = account.providers[0].url;
    const form = issuerFormProblem(issuerOfUrl(url));
    return form ? `https://${form.issued}` : url;
  }
  const known = account.providers.map(p => p.url).join(', ') || 'none';
  throw new InputError(`pass --issuer <url>: the account has ${account.providers.length} OIDC providers (${known}).`);
}

function parseProvider(spec: string): OidcProvider {
  const [arn, clientIds] = spec.split('=');
  const parts = parseOidcProviderArn(arn);
  if (!parts) throw new InputError(`--provider ${spec}: expected arn:<partition>:iam::<account>:oidc-provider/<issuer>[=<clientId>,...].`);
  return { arn, url: `https://${parts.issuer}`, clientIds: clientIds ? clientIds.split(',') : [STS_AUDIENCE], source: 'given' };
}

function pairs(specs: string[] | undefined, flag: string, shape: string): Record<string, string> {
  return Object.fromEntries((specs ?? []).map(spec => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new InputError(`${flag} ${spec}: expected ${shape}.`);
    return [spec.slice(0, at), spec.slice(at + 1)];
  }));
}

function parseJwks(file: string): JSONWebKeySet {
  const text = readFile(file, 'JWKS');
  const jwks = (() => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  })();
  if (!Array.isArray(jwks?.keys)) throw new InputError(`${file} is not a JWKS: it has no "keys" list.`);
  return jwks;
}

function readFile(file: string, what: string): string {
  if (!fs.existsSync(file)) throw new InputError(`${what} file ${file} does not exist.`);
  return fs.readFileSync(file, 'utf8');
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(code => process.exit(code), e => {
    console.error(e);
    process.exit(2);
  });
}
