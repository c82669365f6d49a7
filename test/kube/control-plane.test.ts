import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { eventually, processesOf, runControlPlane, stateDirectories } from './control-plane-processes';
import { apiServerKeys } from '../../lab/kube/api-server-keys';
import { ensureBuilt } from '../../lab/kube/go-build';
import { KubeLab } from '../../lab/kube/kube-lab';
import { testDirectory } from '../support/test-directory';

const ISSUER = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';

describe('the lab\'s control plane', () => {
  test('signs TokenRequest tokens with RS256 for the issuer it was given, and publishes the key that verifies them', async () => {
    // GIVEN
    const lab = await KubeLab.start({ issuerUrl: ISSUER });
    try {
      // WHEN
      const token = await lab.requestToken('default', 'default', { audiences: ['sts.amazonaws.com'], expirationSeconds: 3600 });
      const jwks = await apiServerKeys(lab.server, lab.ca).fetchJwks(ISSUER);

      // THEN
      expect(lab.issuer).toBe(ISSUER);
      expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: jwks.keys[0].kid });
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: 'sts.amazonaws.com' });
      expect(payload.sub).toBe('system:serviceaccount:default:default');
      expect(payload.exp! - payload.iat!).toBe(3600);
    } finally {
      await lab.close();
    }
  });

  test('signs with ES256 in ECDSA mode', async () => {
    const lab = await KubeLab.start({ signingKeyType: 'ecdsa' });
    try {
      const token = await lab.requestToken('default', 'default', { audiences: ['sts.amazonaws.com'] });
      const jwks = await apiServerKeys(lab.server, lab.ca).fetchJwks(lab.server);

      // The issuer defaults to the API server's own URL.
      expect(lab.issuer).toBe(lab.server);
      expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
      expect(decodeProtectedHeader(token).alg).toBe('ES256');
      await jwtVerify(token, createLocalJWKSet(jwks), { issuer: lab.server, audience: 'sts.amazonaws.com' });
    } finally {
      await lab.close();
    }
  });

  test('signs with the key it is given', async () => {
    // GIVEN an RSA key of the user's
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(testDirectory('signing-key'), 'sa.key');
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));

    const lab = await KubeLab.start({ signingKeyFile: keyFile });
    try {
      const jwks = await apiServerKeys(lab.server, lab.ca).fetchJwks(lab.server);
      expect(jwks.keys[0].n).toBe((await exportJWK(publicKey)).n);
    } finally {
      await lab.close();
    }
  });

  test('stops on SIGTERM with nothing left running and nothing left in the temp directory', async () => {
    const { webhook } = ensureBuilt();
    const lab = await KubeLab.start();
    const kubeconfig = lab.kubeconfig;
    expect(fs.existsSync(kubeconfig)).toBe(true);
    expect(stateDirectories()).toEqual([`cdk-irsa-lab-kube-${lab.pid}`]);
    expect(processesOf(webhook)).toHaveLength(1);

    await lab.close();

    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(stateDirectories()).toEqual([]);
    expect(await eventually(() => processesOf(webhook).length === 0)).toBe(true);
  });

  test('killed with SIGKILL: its webhook dies with it, a call fails with the log\'s last lines, the next run removes what it left', async () => {
    // GIVEN
    const { webhook } = ensureBuilt();
    const lab = await KubeLab.start();
    const pid = lab.pid;

    // WHEN the control plane dies mid-test
    process.kill(pid, 'SIGKILL');

    // THEN the next call fails at once with what the control plane last logged, not with a timeout
    try {
      await expect(lab.waitFor('/api/v1/namespaces/default/serviceaccounts/never', o => o, 'a ServiceAccount nobody makes'))
        .rejects.toThrow(/^the lab's control plane exited \(code null\) during the test:\nlast lines of its log:\n.+/);
      expect(await eventually(() => processesOf(webhook).length === 0)).toBe(true);
      expect(stateDirectories()).toEqual([`cdk-irsa-lab-kube-${pid}`]);
    } finally {
      await lab.close();
    }

    // AND the next run removes the dead one's state
    const next = await KubeLab.start();
    try {
      expect(stateDirectories()).toEqual([`cdk-irsa-lab-kube-${next.pid}`]);
    } finally {
      await next.close();
    }
    expect(stateDirectories()).toEqual([]);
  });

  test('refuses a second lab while one runs, naming the one that runs, and leaves nothing of its own', async () => {
    const lab = await KubeLab.start();
    try {
      const kubeconfig = path.join(testDirectory('second'), 'kubeconfig');

      const second = runControlPlane(['--kubeconfig', kubeconfig]);

      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`lab:kube: a lab:kube is already running (pid ${lab.pid}, kubeconfig ${lab.kubeconfig}): ` +
        `use it, or stop it first (kill ${lab.pid}); one runs at a time`);
      expect(fs.existsSync(kubeconfig)).toBe(false);
      expect(stateDirectories()).toEqual([`cdk-irsa-lab-kube-${lab.pid}`]);
    } finally {
      await lab.close();
    }
  });

  test('refuses a kubeconfig left by a lab that did not stop, and one that is not the lab\'s, without touching either', () => {
    const dir = testDirectory('kubeconfigs');
    const stale = path.join(dir, 'stale');
    const staleText = 'apiVersion: v1\nkind: Config\ncurrent-context: cdk-irsa-lab\ncontexts:\n- name: cdk-irsa-lab\n  context: {cluster: cdk-irsa-lab, user: cdk-irsa-lab}\n';
    fs.writeFileSync(stale, staleText);
    const foreign = path.join(dir, 'foreign');
    fs.writeFileSync(foreign, 'apiVersion: v1\nkind: Config\ncurrent-context: production\n');

    const refusedStale = runControlPlane(['--kubeconfig', stale]);
    const refusedForeign = runControlPlane(['--kubeconfig', foreign]);

    expect(refusedStale.status).toBe(1);
    expect(refusedStale.stderr).toContain(`lab:kube: ${stale} is a kubeconfig left by a lab:kube that is no longer running ` +
      '(its API server is gone): remove it, or pass another --kubeconfig');
    expect(refusedForeign.status).toBe(1);
    expect(refusedForeign.stderr).toContain(`lab:kube: ${foreign} already exists and was not written by lab:kube; it is left alone: pass another --kubeconfig`);
    expect(fs.readFileSync(stale, 'utf8')).toBe(staleText);
    expect(stateDirectories()).toEqual([]);
  });

  test('refuses a port in use, saying which and what to do', async () => {
    // GIVEN a port someone listens on
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const kubeconfig = path.join(testDirectory('port'), 'kubeconfig');
    try {
      const refused = runControlPlane(['--kubeconfig', kubeconfig, '--port', String(port)]);

      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`lab:kube: cannot listen on 127.0.0.1:${port} (listen tcp 127.0.0.1:${port}: bind: address already in use): ` +
        'another program uses that port; stop it, or pass another --port (0 lets the system choose)');
      expect(fs.existsSync(kubeconfig)).toBe(false);
      expect(stateDirectories()).toEqual([]);
    } finally {
      server.close();
    }
  });

  test('refuses an issuer IAM could not trust', () => {
    const refused = runControlPlane(['--kubeconfig', path.join(testDirectory('issuer'), 'kubeconfig'), '--issuer', 'http://issuer.example']);

    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('lab:kube: --issuer http://issuer.example: IAM trusts only https:// issuers');
  });
});
