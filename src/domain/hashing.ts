/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and SHA-256, pure
 * JavaScript so the same code runs in the API, in activities and inside the
 * workflow sandbox: an artefact hash computed by a workflow is reproducible by
 * anyone holding the same JSON.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import canonicalize from 'canonicalize';

/** RFC 8785 encoding: sorted keys, no whitespace, ECMAScript number formatting. `undefined` fields are dropped. */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('value has no JSON representation');
  return out;
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** SHA-256 (hex) of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
