import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

// What the agent signs: bound to the protocol, the agent id and the session's fresh nonce, so a
// proof is worthless for any other agent or session.
function proofPayload(agentId: string, nonce: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`mlc-tunnel-v1\n${agentId}\n`, 'utf8'), nonce]);
}

export function signChallenge(privateKey: KeyObject, agentId: string, nonce: Buffer): Buffer {
  return sign(null, proofPayload(agentId, nonce), privateKey);
}

export function verifyChallenge(publicKeyPem: string, agentId: string, nonce: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, proofPayload(agentId, nonce), createPublicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}

export interface AgentKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateAgentKeyPair(): AgentKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** Throws unless `pem` is an Ed25519 public key in SPKI PEM form. */
export function assertEd25519PublicKey(pem: string): void {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}
