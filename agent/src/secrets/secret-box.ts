import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentConfigError } from '../config/agent-config.js';

/** The key that encrypts ERP passwords in agent.json; 32 random bytes, mode 0600, never leaves the agent home. */
export const SECRET_KEY_FILE = 'secret.key';
const PREFIX = 'mlc-enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * AES-256-GCM for secrets at rest: `mlc-enc:v1:<iv>:<tag>:<ciphertext>` (base64url). GCM's tag makes
 * a tampered or foreign value fail to decrypt instead of yielding garbage.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Opens the agent's key, creating it on first use when `create` is set. */
  static async open(home: string, options: { create?: boolean } = {}): Promise<SecretBox> {
    const file = join(home, SECRET_KEY_FILE);
    if (!existsSync(file)) {
      if (!options.create) throw new AgentConfigError(`no secret key at ${file}; encrypt the passwords with \`mlc-agent secret encrypt\` on this machine`);
      await mkdir(home, { recursive: true, mode: 0o700 });
      await writeFile(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      await chmod(file, 0o600);
    }
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== KEY_BYTES) throw new AgentConfigError(`${file} is not a ${KEY_BYTES}-byte key`);
    return new SecretBox(key);
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join(':')}`;
  }

  /** Decrypts a value from agent.json; `field` names where it came from for the error. */
  decrypt(value: string, field: string): string {
    if (!SecretBox.isEncrypted(value)) throw new AgentConfigError(`${field} must be encrypted: run \`mlc-agent secret encrypt\` and paste its output`);
    const [iv, tag, data] = value.slice(PREFIX.length).split(':').map((part) => Buffer.from(part, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new AgentConfigError(`${field} cannot be decrypted with this agent's ${SECRET_KEY_FILE}; encrypt it again on this machine`);
    }
  }
}
