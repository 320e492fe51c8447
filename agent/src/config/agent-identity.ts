import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generateAgentKeyPair, loadPrivateKey } from '@mlc/tunnel';
import { AgentConfigError, KEY_FILE } from './agent-config.js';

/** Creates the agent's Ed25519 key pair; the private key file is readable by its owner only. */
export async function createIdentity(home: string): Promise<{ publicKeyPem: string }> {
  const { privateKeyPem, publicKeyPem } = generateAgentKeyPair();
  const file = join(home, KEY_FILE);
  await writeFile(file, privateKeyPem, { mode: 0o600 });
  // writeFile's mode applies only to new files; an overwritten key must be tightened too.
  await chmod(file, 0o600);
  return { publicKeyPem };
}

export async function loadIdentity(home: string): Promise<KeyObject> {
  const file = join(home, KEY_FILE);
  if (!existsSync(file)) throw new AgentConfigError(`no agent key at ${file}; enroll the agent again`);
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    throw new AgentConfigError(`${file} is readable by other users; run \`chmod 600 ${file}\``);
  }
  try {
    return loadPrivateKey(await readFile(file, 'utf8'));
  } catch (err) {
    throw new AgentConfigError(`${file} is not a valid private key: ${(err as Error).message}`);
  }
}
