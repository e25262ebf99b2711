// The latest checkpoint's Ed25519 signature, checked in the browser with WebCrypto against the key the API
// publishes with it (API.md: base64 signature over the UTF-8 bytes of `${seq}.${hash}.${signedAt}`, SPKI PEM key).

export interface SignedCheckpoint {
  seq: number;
  hash: string;
  signedAt: string;
  signature: string;
  publicKey: string;
}

export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  return base64ToBytes(base64);
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function verifyCheckpoint(
  checkpoint: SignedCheckpoint,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<boolean> {
  const key = await subtle.importKey('spki', pemToDer(checkpoint.publicKey), { name: 'Ed25519' }, false, ['verify']);
  const message = new TextEncoder().encode(`${checkpoint.seq}.${checkpoint.hash}.${checkpoint.signedAt}`);
  return subtle.verify({ name: 'Ed25519' }, key, base64ToBytes(checkpoint.signature), message);
}
