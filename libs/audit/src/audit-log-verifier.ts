// The offline verifier of the audit Merkle tree: everything an outside party (a platform, a regulator, the console in
// a browser) needs to check that an event is in the log Vigil signed, from the signed note, the verifier key, the
// event's canonical bytes and a proof. No database, no node: APIs.
import { verifyConsistency, verifyInclusion } from './merkle-proof-verify';
import { defaultHasher } from './merkle-tree';
import { decodeBase64, encodeBase64, openCheckpoint, parseVerifierKey, TreeCheckpoint } from './tree-checkpoint';

/** What `audit:prove` writes and `audit:verify-checkpoint` reads: one event's proof against one signed checkpoint. */
export interface AuditInclusionBundle {
  format: typeof INCLUSION_BUNDLE_FORMAT;
  /** The C2SP signed note, as `GET /v1/audit/tree/checkpoint` serves it. */
  checkpoint: string;
  seq: number;
  leafIndex: number;
  treeSize: number;
  /** base64 of the event's canonical bytes (`GET /v1/audit/events/:seq`). */
  canonical: string;
  /** base64 inclusion path (`GET /v1/audit/tree/inclusion`). */
  hashes: string[];
}

export const INCLUSION_BUNDLE_FORMAT = 'vigil-audit-inclusion/1' as const;

export type LogVerification =
  | { ok: true; origin: string; treeSize: number; rootHash: string }
  | { ok: false; reason: string };

/** A signed checkpoint checked against a verifier key (and its origin against the key's name, or `origin`). */
export function verifyCheckpointNote(note: string, verifierKey: string, origin?: string): LogVerification {
  let opened;
  try {
    opened = openCheckpoint(note, parseVerifierKey(verifierKey), origin);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return opened.ok ? verified(opened.checkpoint) : opened;
}

/**
 * True when the event whose canonical bytes are given is leaf `leafIndex` of the tree the signed checkpoint vouches
 * for. The proof must be for the checkpoint's size; the root comes from the checkpoint, never from the proof.
 */
export function verifyEventInclusion(
  input: { note: string; verifierKey: string; canonical: Uint8Array; leafIndex: number; hashes: readonly string[] },
  origin?: string,
): LogVerification {
  const checkpoint = verifyCheckpointNote(input.note, input.verifierKey, origin);
  if (!checkpoint.ok) return checkpoint;
  const path = decodeHashes(input.hashes);
  if (!path) return { ok: false, reason: 'the proof holds a hash that is not 32 bytes of base64' };
  if (input.leafIndex >= checkpoint.treeSize) {
    return { ok: false, reason: `leaf ${input.leafIndex} is beyond the checkpoint's tree size ${checkpoint.treeSize}` };
  }
  const leafHash = defaultHasher.leaf(input.canonical);
  const root = decodeBase64(checkpoint.rootHash)!;
  if (!verifyInclusion(input.leafIndex, checkpoint.treeSize, leafHash, path, root)) {
    return { ok: false, reason: 'the event is not in the signed tree: the inclusion proof does not lead to its root' };
  }
  return checkpoint;
}

/** Checks a bundle written by `audit:prove`. */
export function verifyInclusionBundle(bundle: AuditInclusionBundle, verifierKey: string): LogVerification {
  const canonical = decodeBase64(bundle.canonical ?? '');
  if (bundle.format !== INCLUSION_BUNDLE_FORMAT || !canonical || !Array.isArray(bundle.hashes)) {
    return { ok: false, reason: `not a ${INCLUSION_BUNDLE_FORMAT} bundle` };
  }
  if (bundle.leafIndex !== bundle.seq - 1) return { ok: false, reason: 'leafIndex is not seq − 1' };
  const result = verifyEventInclusion({
    note: bundle.checkpoint,
    verifierKey,
    canonical,
    leafIndex: bundle.leafIndex,
    hashes: bundle.hashes,
  });
  if (result.ok && result.treeSize !== bundle.treeSize) {
    return { ok: false, reason: `the bundle claims tree size ${bundle.treeSize}, its checkpoint ${result.treeSize}` };
  }
  return result;
}

/** True when the later signed checkpoint's tree extends the earlier one's (both signed by the verifier key). */
export function verifyCheckpointConsistency(
  earlier: string,
  later: string,
  verifierKey: string,
  hashes: readonly string[],
): LogVerification {
  const first = verifyCheckpointNote(earlier, verifierKey);
  if (!first.ok) return first;
  const second = verifyCheckpointNote(later, verifierKey);
  if (!second.ok) return second;
  const path = decodeHashes(hashes);
  if (!path) return { ok: false, reason: 'the proof holds a hash that is not 32 bytes of base64' };
  const consistent = verifyConsistency(
    first.treeSize,
    second.treeSize,
    decodeBase64(first.rootHash)!,
    decodeBase64(second.rootHash)!,
    path,
  );
  return consistent ? second : { ok: false, reason: 'the later tree does not extend the earlier one' };
}

function verified(checkpoint: TreeCheckpoint): LogVerification {
  return {
    ok: true,
    origin: checkpoint.origin,
    treeSize: checkpoint.treeSize,
    rootHash: encodeBase64(checkpoint.rootHash),
  };
}

function decodeHashes(hashes: readonly string[]): Uint8Array[] | null {
  const decoded = hashes.map((hash) => (typeof hash === 'string' ? decodeBase64(hash) : null));
  return decoded.every((hash) => hash?.length === 32) ? (decoded as Uint8Array[]) : null;
}
