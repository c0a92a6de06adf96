/**
 * Ed25519 keys for audit digests, from config only (never from the database:
 * a verifier must not trust a key the store could swap). The worker signs with
 * the private key; the API verifies with the public key, derived from the
 * private key when only that is configured.
 */
import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { Config } from '../config';

function keyObject(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  const pem = trimmed.startsWith('-----BEGIN');
  const der = Buffer.from(trimmed, 'base64');
  const key =
    kind === 'private'
      ? createPrivateKey(pem ? trimmed : { key: der, format: 'der', type: 'pkcs8' })
      : createPublicKey(pem ? trimmed : { key: der, format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit ${kind} key is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

export interface DigestVerifier {
  keyId: string;
  /** SPKI DER, base64: what an auditor keeps next to saved digests. */
  publicKey: string;
  verify(payload: string, signature: string): boolean;
}

export interface DigestSigner extends DigestVerifier {
  sign(payload: string): string;
}

function verifierFor(publicKey: KeyObject): DigestVerifier {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    keyId: `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`,
    publicKey: der.toString('base64'),
    verify: (payload, signature) => {
      try {
        return verify(null, Buffer.from(payload, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/** The signer, or null when no signing key is configured. */
export function digestSigner(config: Config): DigestSigner | null {
  if (!config.audit.signingKey) return null;
  const privateKey = keyObject(config.audit.signingKey, 'private');
  return { ...verifierFor(createPublicKey(privateKey)), sign: (payload) => sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64') };
}

/** The verifier, or null when neither key is configured. */
export function digestVerifier(config: Config): DigestVerifier | null {
  if (config.audit.publicKey) return verifierFor(keyObject(config.audit.publicKey, 'public'));
  return digestSigner(config);
}
