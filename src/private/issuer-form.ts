/*
 * The forms of an issuer that no ServiceAccount token carries. A token's `iss` is the API server's
 * `--service-account-issuer` exactly (EKS: `https://oidc.eks.<region>.amazonaws.com/id/<ID>`), and STS finds the
 * OIDC provider whose URL equals it and matches `<issuer>:sub` byte for byte, so a trust built from any of these
 * forms synthesizes and deploys, but no pod can ever assume the role.
 */

/** EKS's dual-stack issuer host, `oidc-eks.<region>.api.aws`, which serves the documents of `oidc.eks.<region>.amazonaws.com`. */
const EKS_DUAL_STACK_HOST = /^oidc-eks\.([a-z0-9-]+)\.api\.aws(?=\/|$)/i;

/** What is wrong with an issuer's form, and the issuer (without `https://`) that tokens would carry instead. */
export interface IssuerFormProblem {
  readonly problem: string;
  readonly issued: string;
}

/** The problem with `issuer` (a URL without `https://`, as IAM writes it in condition keys), if tokens never carry it. */
export function issuerFormProblem(issuer: string): IssuerFormProblem | undefined {
  if (/\s/.test(issuer)) return { problem: 'contains white space, which no token\'s "iss" has', issued: issuer.replace(/\s+/g, '') };
  const discovery = issuer.indexOf('/.well-known/');
  if (discovery >= 0) return { problem: 'is the address of the issuer\'s discovery document, not the issuer', issued: issuer.slice(0, discovery) };
  if (issuer.endsWith('/')) {
    return {
      problem: 'ends in "/", which tokens\' "iss" never does (an API server publishes its discovery document at <issuer>/.well-known/openid-configuration)',
      issued: issuer.replace(/\/+$/, ''),
    };
  }
  if (issuer.includes('//')) return { problem: 'has an empty path segment ("//")', issued: issuer.replace(/\/{2,}/g, '/') };
  const dualStack = EKS_DUAL_STACK_HOST.exec(issuer);
  if (dualStack) {
    return {
      problem: `is the dual-stack host of an EKS issuer, which EKS tokens never carry in "iss" (they name oidc.eks.${dualStack[1]}.amazonaws.com; ` +
        'the dual-stack host only serves the same documents over IPv6)',
      issued: `oidc.eks.${dualStack[1]}.amazonaws.com${issuer.slice(dualStack[0].length)}`,
    };
  }
  return undefined;
}
