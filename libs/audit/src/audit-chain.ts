// The hash chain over sealed audit events, as pure functions: the sealer, the database verifier and the offline
// export verifier all hash through here, so there is exactly one definition of the chain (README "Canonical form").
import canonicalize from 'canonicalize';
import { hash } from 'node:crypto';

/** The `prev_hash` of seq 1, and the head hash of an empty chain (seq 0). */
export const GENESIS_HASH = '0'.repeat(64);

/** The recorded fields of one sealed event: what its hash covers. */
export interface ChainRecord {
  seq: number;
  id: string;
  /** UTC, microseconds, exactly `YYYY-MM-DDTHH:MM:SS.ffffffZ` (the precision PostgreSQL stores). */
  occurredAt: string;
  actor: { id: string | null; role: string };
  action: string;
  target: { type: string; id: string };
  data: unknown;
  requestId: string | null;
}

export const OCCURRED_AT_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * RFC 8785 (JCS) canonical JSON of a record. Equal to `canonicalize(record)`: the envelope's keys are written in
 * their sorted order by hand (and `data` goes through `canonicalize`) because verification hashes hundreds of
 * thousands of events a second; a unit test checks the two agree.
 */
export function canonicalEventJson(record: ChainRecord): string {
  // Any JSON value hashes (the column is jsonb, normally an object): one odd row must not stop the sealer.
  const data = canonicalize(record.data);
  if (data === undefined) throw new Error(`event ${record.id}: data is not JSON`);
  return (
    `{"action":${JSON.stringify(record.action)}` +
    `,"actor":{"id":${JSON.stringify(record.actor.id)},"role":${JSON.stringify(record.actor.role)}}` +
    `,"data":${data}` +
    `,"id":${JSON.stringify(record.id)}` +
    `,"occurredAt":${JSON.stringify(record.occurredAt)}` +
    `,"requestId":${JSON.stringify(record.requestId)}` +
    `,"seq":${canonicalSeq(record.seq)}` +
    `,"target":{"id":${JSON.stringify(record.target.id)},"type":${JSON.stringify(record.target.type)}}}`
  );
}

function canonicalSeq(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`seq ${seq} is not a positive safe integer`);
  return String(seq);
}

/** `hash = sha256(prev_hash ‖ canonical JSON)`: lower-case hex of SHA-256 over the UTF-8 bytes of both, joined. */
export function chainHash(prevHash: string, canonicalJson: string): string {
  // One-shot crypto.hash: about twice as fast as createHash() for inputs this small, which verify feels.
  return hash('sha256', prevHash + canonicalJson, 'hex');
}

export function hashRecord(prevHash: string, record: ChainRecord): string {
  return chainHash(prevHash, canonicalEventJson(record));
}

/** Why a chain stopped verifying. */
export type ChainFault =
  | 'missing_event' // a seq is absent (deleted, or unsealed again)
  | 'unexpected_seq' // a seq repeats or goes backwards
  | 'prev_hash_mismatch' // the row does not point at the hash before it (rows swapped, or re-linked)
  | 'hash_mismatch' // a recorded field or the stored hash was changed
  | 'checkpoint_mismatch' // the chain was recomputed after a change: a signed checkpoint disagrees
  | 'checkpoint_signature_invalid' // a checkpoint claims our key but its signature does not verify
  | 'missing_checkpointed_events'; // a signed checkpoint covers events that are no longer there

export interface StoredChainEvent extends ChainRecord {
  prevHash: string | null;
  hash: string | null;
}

export interface ChainFailure {
  seq: number;
  fault: ChainFault;
}

/** A checkpoint whose signature has been checked: the chain must have `hash` at `seq`. */
export interface TrustedAnchor {
  seq: number;
  hash: string;
}

/**
 * Walks a chain one event at a time (events in seq order) and remembers the first failure. It holds no rows, so a
 * caller can stream any number of events through it. Trusted anchors (verified checkpoints) catch a chain that was
 * recomputed from a changed event onwards: from the last anchor that matched, nothing can be vouched for.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private lastAnchoredSeq: number;
  private failure: ChainFailure | null = null;
  checked = 0;

  constructor(start: TrustedAnchor = { seq: 0, hash: GENESIS_HASH }) {
    this.expectedSeq = start.seq + 1;
    this.prevHash = start.hash;
    this.lastAnchoredSeq = start.seq;
  }

  get firstFailure(): ChainFailure | null {
    return this.failure;
  }

  get ok(): boolean {
    return this.failure === null;
  }

  /** The seq and hash of the last event verified (the start when none was). */
  get head(): TrustedAnchor {
    return { seq: this.expectedSeq - 1, hash: this.prevHash };
  }

  /** Checks the next event against the trusted checkpoints at its seq (if any). Returns false once failed. */
  push(event: StoredChainEvent, anchors: readonly TrustedAnchor[] = []): boolean {
    if (this.failure) return false;
    if (event.seq !== this.expectedSeq) {
      return this.fail(
        event.seq > this.expectedSeq ? this.expectedSeq : event.seq,
        event.seq > this.expectedSeq ? 'missing_event' : 'unexpected_seq',
      );
    }
    this.checked++;
    if (event.prevHash !== this.prevHash) return this.fail(event.seq, 'prev_hash_mismatch');
    const hash = hashRecord(this.prevHash, event);
    if (hash !== event.hash) return this.fail(event.seq, 'hash_mismatch');
    if (anchors.length > 0) {
      if (anchors.some((anchor) => anchor.hash !== hash)) {
        return this.fail(this.lastAnchoredSeq + 1, 'checkpoint_mismatch');
      }
      this.lastAnchoredSeq = event.seq;
    }
    this.prevHash = hash;
    this.expectedSeq++;
    return true;
  }

  /** Records a failure found outside the event stream (a forged checkpoint, events missing at the end). */
  fail(seq: number, fault: ChainFault): false {
    this.failure ??= { seq, fault };
    return false;
  }
}
