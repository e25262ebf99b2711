// The audit export format (NDJSON) and its offline verifier: no database, only the file and the public key.
// Format and checks are described in libs/audit/README.md ("Exports").
import {
  ChainFault,
  ChainRecord,
  ChainVerifier,
  OCCURRED_AT_FORMAT,
  StoredChainEvent,
  TrustedAnchor,
} from './audit-chain';
import { checkpointSignatureValid, CheckpointView } from './checkpoint-signature';

export const EXPORT_FORMAT = 'vigil-audit-export/1';

export interface ExportHeaderLine {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  /** The requested time range, [from, to). */
  from: string;
  to: string;
  /** The sealed events that occurred in the range span these seqs; the export runs on to its checkpoint. */
  firstSeq: number | null;
  lastSeq: number | null;
  exportedAt: string;
}

export type ExportCheckpointLine = { type: 'checkpoint' } & CheckpointView;

/** One sealed event: exactly the fields its hash covers, plus its place in the chain. */
export type ExportEventLine = { type: 'event'; prevHash: string; hash: string } & ChainRecord;

export type ExportLine = ExportHeaderLine | ExportCheckpointLine | ExportEventLine;

export function exportEventLine(event: StoredChainEvent): ExportEventLine {
  return {
    type: 'event',
    seq: event.seq,
    id: event.id,
    occurredAt: event.occurredAt,
    actor: event.actor,
    action: event.action,
    target: event.target,
    data: event.data,
    requestId: event.requestId,
    prevHash: event.prevHash ?? '',
    hash: event.hash ?? '',
  };
}

export type ExportFault =
  | ChainFault
  | 'malformed_line' // not JSON, or not one of the three line types with their fields
  | 'no_checkpoint' // nothing in the file is signed by the given key
  | 'not_covered_by_checkpoint'; // events after the last checkpoint: nothing vouches for them

export interface ExportVerification {
  ok: boolean;
  /** Event lines whose hash was recomputed. */
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The highest seq a valid checkpoint in the file vouches for. */
  checkpointSeq: number | null;
  firstInvalidSeq: number | null;
  fault: ExportFault | null;
  /** 1-based line of a malformed line. */
  line: number | null;
}

/**
 * Verifies an export against the given public key (SPKI PEM): every checkpoint line must carry a valid signature
 * by that key, the events must form an unbroken chain (consecutive seq, each prevHash the hash before, each hash
 * recomputed from its fields), the chain must reach each checkpoint's hash at its seq, and a checkpoint must cover
 * the last event — so an edited, added, removed or reordered line fails unless its author holds the private key.
 * Reads the file twice (checkpoints first), so memory stays flat however long the export is.
 */
export async function verifyAuditExport(
  readLines: () => AsyncIterable<string> | Iterable<string>,
  publicKeyPem: string,
): Promise<ExportVerification> {
  const result: ExportVerification = {
    ok: false,
    checked: 0,
    firstSeq: null,
    lastSeq: null,
    checkpointSeq: null,
    firstInvalidSeq: null,
    fault: null,
    line: null,
  };
  const fail = (fault: ExportFault, seq: number | null, line: number | null = null): ExportVerification => ({
    ...result,
    ok: false,
    fault,
    firstInvalidSeq: seq,
    line,
  });

  // Pass 1: the checkpoints, each checked against the key.
  const anchors = new Map<number, TrustedAnchor[]>();
  let lineNo = 0;
  for await (const text of readLines()) {
    lineNo++;
    const line = parseLine(text);
    if (line === 'blank') continue;
    if (line === null) return fail('malformed_line', null, lineNo);
    if (line.type !== 'checkpoint') continue;
    if (!checkpointSignatureValid(publicKeyPem, line)) return fail('checkpoint_signature_invalid', line.seq, lineNo);
    anchors.set(line.seq, [...(anchors.get(line.seq) ?? []), { seq: line.seq, hash: line.hash }]);
    result.checkpointSeq = Math.max(result.checkpointSeq ?? 0, line.seq);
  }
  if (anchors.size === 0) return fail('no_checkpoint', null);

  // Pass 2: the chain, starting from the first event's prevHash (which the checkpoints then vouch for).
  let verifier: ChainVerifier | null = null;
  lineNo = 0;
  for await (const text of readLines()) {
    lineNo++;
    const line = parseLine(text);
    if (line === 'blank' || line === null || line.type !== 'event') continue;
    if (verifier === null) {
      const start = { seq: line.seq - 1, hash: line.prevHash };
      verifier = new ChainVerifier(start);
      result.firstSeq = line.seq;
      // A checkpoint right before the first event pins its prevHash.
      if ((anchors.get(start.seq) ?? []).some((a) => a.hash !== start.hash)) {
        return fail('checkpoint_mismatch', line.seq);
      }
    }
    const ok = verifier.push(line, anchors.get(line.seq));
    result.checked = verifier.checked;
    if (!ok) {
      const failure = verifier.firstFailure!;
      return fail(failure.fault, failure.seq, lineNo);
    }
    result.lastSeq = line.seq;
  }

  const lastSeq = verifier?.head.seq ?? null;
  const checkpointSeq = result.checkpointSeq!;
  if (lastSeq === null) {
    // No events (an empty range): the checkpoints were valid, there is nothing else to check.
    return { ...result, ok: true };
  }
  if (checkpointSeq > lastSeq) return fail('missing_checkpointed_events', lastSeq + 1);
  if (checkpointSeq < lastSeq) return fail('not_covered_by_checkpoint', checkpointSeq + 1);
  return { ...result, ok: true };
}

function parseLine(text: string): ExportLine | 'blank' | null {
  if (text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const line = value as Record<string, unknown>;
  if (line.type === 'header') return line.format === EXPORT_FORMAT ? (line as unknown as ExportHeaderLine) : null;
  if (line.type === 'checkpoint') {
    return isSeq(line.seq, 0) && isHash(line.hash) && typeof line.signedAt === 'string' && typeof line.signature === 'string'
      ? (line as unknown as ExportCheckpointLine)
      : null;
  }
  if (line.type === 'event') {
    const actor = line.actor as Record<string, unknown> | null;
    const target = line.target as Record<string, unknown> | null;
    const valid =
      isSeq(line.seq, 1) &&
      typeof line.id === 'string' &&
      typeof line.occurredAt === 'string' &&
      OCCURRED_AT_FORMAT.test(line.occurredAt) &&
      typeof actor === 'object' &&
      actor !== null &&
      (actor.id === null || typeof actor.id === 'string') &&
      typeof actor.role === 'string' &&
      typeof line.action === 'string' &&
      typeof target === 'object' &&
      target !== null &&
      typeof target.type === 'string' &&
      typeof target.id === 'string' &&
      'data' in line &&
      (line.requestId === null || typeof line.requestId === 'string') &&
      isHash(line.prevHash) &&
      isHash(line.hash);
    return valid ? (line as unknown as ExportEventLine) : null;
  }
  return null;
}

const isSeq = (value: unknown, min: number): value is number => Number.isSafeInteger(value) && (value as number) >= min;
const isHash = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
