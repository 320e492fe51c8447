import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A CA that did not sign the relay's certificate. */
  otherCaFile: string;
}

/** A throwaway CA and a loopback server certificate signed by it (openssl). */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'mlc-pki-'));
  const at = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=mlc test ${ca}`, '-keyout', at(`${ca}.key`), '-out', at(`${ca}.pem`));
  }
  await writeFile(at('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('relay.key'), '-out', at('relay.csr'));
  openssl('x509', '-req', '-in', at('relay.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', at('san.ext'), '-out', at('relay.pem'));
  return { dir, caFile: at('ca.pem'), certFile: at('relay.pem'), keyFile: at('relay.key'), otherCaFile: at('other-ca.pem') };
}
