import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ChainRecord, GENESIS_HASH, hashRecord } from './audit-chain';
import { EXPORT_FORMAT, exportEventLine, verifyAuditExport } from './audit-export';
import { checkpointSignatureValid, keyIdOf, signCheckpointMessage } from './checkpoint-signature';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const record = (seq: number): ChainRecord => ({
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  occurredAt: '2026-11-25T10:00:00.000001Z',
  actor: { id: 'u-1', role: 'moderator' },
  action: 'case.claimed',
  target: { type: 'case', id: 'c-1' },
  data: { seq },
  requestId: `req-${seq}`,
});

function checkpointLine(seq: number, hash: string, key = privateKey) {
  const signedAt = '2026-11-25T10:01:00.000Z';
  return {
    type: 'checkpoint',
    seq,
    hash,
    signedAt,
    keyId: keyIdOf(createPublicKey(key)),
    algorithm: 'Ed25519',
    signature: signCheckpointMessage(key, seq, hash, signedAt),
    publicKey: publicKeyPem,
  };
}

/** An export of seqs 3..8 of a chain, with a checkpoint at 8 (and one at 5). */
function exportLines(): string[] {
  let prev = GENESIS_HASH;
  const events = [];
  for (let seq = 1; seq <= 8; seq++) {
    const hash = hashRecord(prev, record(seq));
    events.push(exportEventLine({ ...record(seq), prevHash: prev, hash }));
    prev = hash;
  }
  const shown = events.slice(2);
  return [
    JSON.stringify({ type: 'header', format: EXPORT_FORMAT, from: 'x', to: 'y', firstSeq: 3, lastSeq: 8, exportedAt: 'z' }),
    JSON.stringify(checkpointLine(5, events[4].hash)),
    JSON.stringify(checkpointLine(8, events[7].hash)),
    ...shown.map((e) => JSON.stringify(e)),
  ];
}

const verifyLines = (lines: string[]) => verifyAuditExport(() => lines, publicKeyPem);

describe('checkpoint signatures', () => {
  it('verify with the public key over `${seq}.${hash}.${signedAt}` and fail for any change', () => {
    const line = checkpointLine(8, 'a'.repeat(64));
    expect(checkpointSignatureValid(publicKeyPem, line)).toBe(true);
    expect(checkpointSignatureValid(publicKeyPem, { ...line, seq: 9 })).toBe(false);
    expect(checkpointSignatureValid(publicKeyPem, { ...line, signedAt: '2026-11-25T10:01:00Z' })).toBe(false);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(checkpointSignatureValid(other, line)).toBe(false);
  });
});

describe('verifyAuditExport (offline)', () => {
  it('accepts an untouched export', async () => {
    expect(await verifyLines(exportLines())).toMatchObject({
      ok: true,
      checked: 6,
      firstSeq: 3,
      lastSeq: 8,
      checkpointSeq: 8,
      firstInvalidSeq: null,
    });
  });

  it('names the edited line', async () => {
    const lines = exportLines();
    lines[5] = lines[5].replace('"seq":5}', '"seq":55}'); // the data of seq 5
    expect(await verifyLines(lines)).toMatchObject({ ok: false, firstInvalidSeq: 5, fault: 'hash_mismatch', line: 6 });
  });

  it('catches an edited line whose hashes were recomputed, through the signed checkpoint', async () => {
    let prev = GENESIS_HASH;
    const forged = exportLines().map((text) => {
      const line = JSON.parse(text);
      if (line.type !== 'event') return text;
      if (line.seq === 3) prev = line.prevHash;
      if (line.seq === 7) line.action = 'case.lease_released';
      line.prevHash = prev;
      line.hash = hashRecord(prev, line);
      prev = line.hash;
      return JSON.stringify(line);
    });
    // seq 5 still matches its checkpoint; from seq 6 on nothing is vouched for.
    expect(await verifyLines(forged)).toMatchObject({ ok: false, firstInvalidSeq: 6, fault: 'checkpoint_mismatch' });
  });

  it('catches a removed line, a removed checkpoint and a forged checkpoint', async () => {
    const withoutEvent = exportLines().filter((_, i) => i !== 6);
    expect(await verifyLines(withoutEvent)).toMatchObject({ ok: false, firstInvalidSeq: 6, fault: 'missing_event' });

    const withoutCheckpoints = exportLines().filter((l) => !l.includes('"checkpoint"'));
    expect(await verifyLines(withoutCheckpoints)).toMatchObject({ ok: false, fault: 'no_checkpoint' });

    const lines = exportLines();
    const stranger = generateKeyPairSync('ed25519').privateKey;
    lines[2] = JSON.stringify(checkpointLine(8, JSON.parse(lines[2]).hash, stranger));
    expect(await verifyLines(lines)).toMatchObject({ ok: false, fault: 'checkpoint_signature_invalid', line: 3 });
  });

  it('refuses events past the last checkpoint and a truncated export', async () => {
    const uncovered = exportLines().filter((_, i) => i !== 2); // only the checkpoint at 5 remains
    expect(await verifyLines(uncovered)).toMatchObject({ ok: false, firstInvalidSeq: 6, fault: 'not_covered_by_checkpoint' });
    const truncated = exportLines().slice(0, -1); // seq 8 gone, its checkpoint kept
    expect(await verifyLines(truncated)).toMatchObject({ ok: false, firstInvalidSeq: 8, fault: 'missing_checkpointed_events' });
  });

  it('reports a line that is not JSON', async () => {
    const lines = exportLines();
    lines.splice(4, 0, '{"type":"event",');
    expect(await verifyLines(lines)).toMatchObject({ ok: false, fault: 'malformed_line', line: 5 });
  });
});
