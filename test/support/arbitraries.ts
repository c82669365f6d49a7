import fc from 'fast-check';

/**
 * Generators of construct input, valid and invalid, for the property tests. The valid ones restate the rules of
 * Kubernetes and IAM independently of src/private/limits.ts; each invalid one is filtered through the same
 * restatement, so a generator bug cannot pass a valid value off as invalid.
 */

/** Every property runs 200 times from a fixed seed, so CI is reproducible; change the seed to explore. */
export const PROPERTY_RUNS = { seed: 4_2026_1129, numRuns: 200 };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** IAM: `[\w+=,.@-]{1,64}`. */
const IAM_ROLE_NAME = /^[A-Za-z0-9_+=,.@-]{1,64}$/;
/** IAM: `(\u002F)|(\u002F[\u0021-\u007F]+\u002F)` and at most 512 characters (DEL is left out: it is not printable). */
const IAM_PATH = /^\/([\u0021-\u007E]+\/)?$/;

export const isNamespace = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
export const isServiceAccountName = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
export const isRoleName = (s: string) => IAM_ROLE_NAME.test(s);
export const isRolePath = (s: string) => s.length <= 512 && IAM_PATH.test(s);

/** Inserts `insert` into `text` at a generated position. */
function withInserted(text: fc.Arbitrary<string>, insert: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, insert, fc.nat()).map(([t, i, at]) => t.slice(0, at % (t.length + 1)) + i + t.slice(at % (t.length + 1)));
}

const LABEL = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const LONGEST_LABEL = fc.stringMatching(/^[a-z0-9][-a-z0-9]{61}[a-z0-9]$/);
/** Characters no Kubernetes name may hold, including the wildcards and separators of IAM subjects. */
const FOREIGN_CHARACTER = fc.constantFrom('A', 'Z', '_', '*', '?', ':', '/', ' ', '$', '{', 'é', '\u0000');

export const validNamespace = fc.oneof(LABEL, LONGEST_LABEL);

export const invalidNamespace = fc.oneof(
  fc.string({ maxLength: 80, unit: 'grapheme' }),
  withInserted(validNamespace, FOREIGN_CHARACTER),
  withInserted(validNamespace, fc.constant('.')),
  validNamespace.map(ns => `-${ns}`),
  validNamespace.map(ns => `${ns}-`),
  fc.integer({ min: 64, max: 100 }).map(n => 'n'.repeat(n)),
).filter(ns => !isNamespace(ns));

export const validName = fc.oneof(
  fc.array(LABEL, { minLength: 1, maxLength: 5 }).map(labels => labels.join('.')),
  fc.integer({ min: 1, max: 253 }).map(n => 's'.repeat(n)),
).filter(isServiceAccountName);

export const invalidName = fc.oneof(
  fc.string({ maxLength: 80, unit: 'grapheme' }),
  withInserted(validName, FOREIGN_CHARACTER),
  validName.map(name => `${name}.`),
  validName.map(name => `.${name}`),
  validName.map(name => name.replace('.', '..')),
  fc.integer({ min: 254, max: 300 }).map(n => 's'.repeat(n)),
).filter(name => !isServiceAccountName(name));

const REGION = fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-4', 'cn-northwest-1', 'us-gov-west-1');
const HEX32 = fc.stringMatching(/^[0-9A-F]{32}$/);
/** A DNS host name; its top-level label is alphabetic, as in every real one (URL parsers read `a.0` as an IPv4 address). */
const HOST = fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, top]) => [...labels, top].join('.'));
const PATH_SEGMENT = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,30}$/);

/** Issuer URLs IAM accepts: EKS issuers and other https URLs without port, query, fragment or credentials. */
export const validIssuerUrl = fc.oneof(
  fc.tuple(REGION, HEX32).map(([region, id]) =>
    `https://oidc.eks.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/id/${id}`),
  fc.tuple(HOST, fc.array(PATH_SEGMENT, { maxLength: 4 })).map(([host, path]) => `https://${[host, ...path].join('/')}`),
).filter(url => url.length <= 255);

export const invalidIssuerUrl = fc.oneof(
  validIssuerUrl.map(url => url.replace('https://', 'http://')),
  validIssuerUrl.map(url => url.slice('https://'.length)),
  fc.tuple(validIssuerUrl, fc.integer({ min: 0, max: 65535 })).map(([url, port]) => url.replace(/^(https:\/\/[^/]*)/, `$1:${port}`)),
  validIssuerUrl.map(url => url.replace(/^(https:\/\/[^/]*)/, '$1:')),
  fc.tuple(validIssuerUrl, fc.string({ maxLength: 10 })).map(([url, query]) => `${url}?${query}`),
  fc.tuple(validIssuerUrl, fc.string({ maxLength: 10 })).map(([url, fragment]) => `${url}#${fragment}`),
  validIssuerUrl.map(url => url.replace('https://', 'https://user:secret@')),
  validIssuerUrl.map(url => `${url}/${'x'.repeat(256 - url.length)}`),
  fc.constantFrom('https://', 'https://exa mple.com/id/X', 'https://[::1/id'),
  // Forms IAM accepts but no token's "iss" has.
  validIssuerUrl.map(url => `${url}/`),
  validIssuerUrl.map(url => `${url}/.well-known/openid-configuration`),
);

export const validRoleName = fc.oneof(
  fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
  fc.integer({ min: 1, max: 64 }).map(n => 'r'.repeat(n)),
).filter(isRoleName);

export const invalidRoleName = fc.oneof(
  fc.constant(''),
  fc.integer({ min: 65, max: 100 }).map(n => 'r'.repeat(n)),
  withInserted(validRoleName, fc.constantFrom(' ', '/', ':', '*', '#', 'é', '\u0000')),
).filter(name => !isRoleName(name));

export const validRolePath = fc.oneof(
  fc.constant('/'),
  fc.stringMatching(/^\/[!-~]{1,60}\/$/),
  fc.array(fc.stringMatching(/^[a-z0-9-]{1,20}$/), { minLength: 1, maxLength: 4 }).map(parts => `/${parts.join('/')}/`),
  fc.integer({ min: 1, max: 510 }).map(n => `/${'p'.repeat(n)}/`),
).filter(isRolePath);

export const invalidRolePath = fc.oneof(
  fc.constantFrom('', '//', 'irsa', 'irsa/', '/irsa'),
  validRolePath.map(path => path.slice(1)),
  validRolePath.filter(path => path !== '/').map(path => path.slice(0, -1)),
  withInserted(validRolePath, fc.constantFrom(' ', 'é', '\u007F', '\t')),
  fc.integer({ min: 511, max: 600 }).map(n => `/${'p'.repeat(n)}/`),
).filter(path => !isRolePath(path));

/** Client IDs IAM accepts: 1-100 of them, each 1-255 characters. */
export const validClientIds = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 255 }), { minLength: 1, maxLength: 100 });

export const validThumbprints = fc.array(fc.stringMatching(/^[0-9a-fA-F]{40}$/), { maxLength: 5 });

export const invalidThumbprint = fc.oneof(
  fc.stringMatching(/^[0-9a-fA-F]{0,39}$/),
  fc.stringMatching(/^[0-9a-fA-F]{41,50}$/),
  withInserted(fc.stringMatching(/^[0-9a-fA-F]{39}$/), fc.constantFrom('g', 'G', 'x', ' ', ':')),
).filter(t => !/^[0-9a-fA-F]{40}$/.test(t));
