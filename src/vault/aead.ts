// AES-256-GCM with a random 96-bit IV per value and caller-given associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Throws when the key, the associated data or any byte of the value is wrong. */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

export function encodeSealed(s: Sealed): string {
  return `${s.iv.toString('base64url')}.${s.ciphertext.toString('base64url')}.${s.tag.toString('base64url')}`;
}

export function decodeSealed(text: string): Sealed {
  const [iv, ct, tag] = text.split('.');
  if (!iv || ct === undefined || !tag) throw new Error('malformed sealed value');
  return { iv: Buffer.from(iv, 'base64url'), ciphertext: Buffer.from(ct, 'base64url'), tag: Buffer.from(tag, 'base64url') };
}
