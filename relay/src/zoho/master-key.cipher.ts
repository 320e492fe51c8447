import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import type { MasterKey } from '../config/zoho-config.js';

export interface Sealed {
  readonly keyId: string;
  /** base64 of iv (12) | tag (16) | ciphertext */
  readonly ciphertext: string;
}

/** A ciphertext the configured keys cannot open: its key was removed, or the row was tampered with. */
export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

/**
 * AES-256-GCM under the master keys from RELAY_MASTER_KEYS (kept outside the database). The first key
 * seals; any configured key opens, so keys rotate by prepending a new one and re-sealing lazily.
 * `context` is bound as associated data, so a ciphertext copied to another tenant's row does not open.
 */
@Injectable()
export class MasterKeyCipher {
  private readonly keys: readonly MasterKey[];

  constructor(@Inject(RELAY_CONFIG) config: RelayConfig) {
    this.keys = config.masterKeys;
  }

  get currentKeyId(): string | undefined {
    return this.keys[0]?.id;
  }

  seal(plaintext: string, context: string): Sealed {
    const current = this.keys[0];
    if (!current) throw new SealedSecretError('no master key configured (RELAY_MASTER_KEYS)');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: current.id, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  }

  open(sealed: Sealed, context: string): string {
    const key = this.keys.find((candidate) => candidate.id === sealed.keyId);
    if (!key) throw new SealedSecretError(`master key "${sealed.keyId}" is not configured`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedSecretError(`a secret sealed under key "${sealed.keyId}" does not open (tampered or wrong context)`);
    }
  }
}
