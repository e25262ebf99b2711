import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { verifyCheckpoint } from './checkpoint-signature';

describe('verifyCheckpoint', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const body = { seq: 42, hash: 'ab'.repeat(32), signedAt: '2026-12-07T08:00:00.123Z' };
  const signature = sign(null, Buffer.from(`${body.seq}.${body.hash}.${body.signedAt}`), privateKey).toString('base64');
  const checkpoint = { ...body, signature, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;

  it('accepts the signature over `${seq}.${hash}.${signedAt}` with the published SPKI key', async () => {
    await expect(verifyCheckpoint(checkpoint, subtle)).resolves.toBe(true);
  });

  it('refuses a checkpoint whose signed fields were changed', async () => {
    await expect(verifyCheckpoint({ ...checkpoint, seq: 43 }, subtle)).resolves.toBe(false);
    await expect(verifyCheckpoint({ ...checkpoint, signedAt: '2026-12-07T08:00:00.124Z' }, subtle)).resolves.toBe(
      false,
    );
  });
});
