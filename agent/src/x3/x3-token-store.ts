import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretBox } from '../secrets/secret-box.js';

export const X3_TOKENS_FILE = 'x3-tokens.json';

interface Entry {
  /** Fingerprint of the refresh token configured in agent.json when this one was obtained. */
  origin: string;
  /** The newest refresh token, encrypted like agent.json's secrets. */
  refreshToken: string;
}

/**
 * Keeps the newest refresh token of each oauth profile, encrypted, in the agent home: Sage's token
 * API may answer a refresh with a new refresh token and retire the old one, so the one in agent.json
 * goes stale after the first refresh. When the operator pastes a new token into agent.json, that one
 * wins again (its fingerprint differs from the one recorded here).
 */
export class X3TokenStore {
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly home: string,
    private readonly secrets: SecretBox,
  ) {}

  /** The kept refresh token, if it descends from the one agent.json holds now (`configuredEncrypted`). */
  async kept(profile: string, configuredEncrypted: string): Promise<string | undefined> {
    const entry = (await this.read())[profile];
    if (!entry || entry.origin !== fingerprint(configuredEncrypted)) return undefined;
    return this.secrets.decrypt(entry.refreshToken, `${X3_TOKENS_FILE}: ${profile}`);
  }

  /** Records a rotated refresh token; writes are serialised and atomic (temporary file, then rename). */
  save(profile: string, configuredEncrypted: string, refreshToken: string): Promise<void> {
    this.writes = this.writes.then(async () => {
      const entries = await this.read();
      entries[profile] = { origin: fingerprint(configuredEncrypted), refreshToken: this.secrets.encrypt(refreshToken) };
      const file = join(this.home, X3_TOKENS_FILE);
      await writeFile(`${file}.tmp`, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    });
    return this.writes;
  }

  private async read(): Promise<Record<string, Entry>> {
    const file = join(this.home, X3_TOKENS_FILE);
    if (!existsSync(file)) return {};
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, Entry>;
  }
}

function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}
