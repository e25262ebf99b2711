// The hash chain over sealed audit events, as pure functions: the sealer, the database verifier and the offline
// export verifier all hash through here, so there is exactly one definition of the chain (README "Canonical form").
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
 * RFC 8785 (JCS) canonical JSON of a record. Equal to `canonicalize(record)` (the npm package) for every JSON value;
 * written by hand because verification hashes hundreds of thousands of events a second, and a property test keeps
 * the two equal.
 *
 * The fast way: put every object's keys in JCS order, then let one native `JSON.stringify` write it all. Its string
 * and number forms are exactly JCS's (RFC 8785 §3.2.2), and its output is one flat string, which hashes far faster
 * than a string concatenated piece by piece. The slow way, for the rare data it cannot order, writes the same text.
 */
export function canonicalEventJson(record: ChainRecord): string {
  const seq = canonicalSeq(record.seq);
  const data = inJcsOrder(record.data);
  if (data === NOT_ORDERABLE) return canonicalEventJsonPieceByPiece(record, seq);
  // Literal keys in sorted order; none is an array index, so they stay in this order.
  return JSON.stringify({
    action: record.action,
    actor: { id: record.actor.id, role: record.actor.role },
    data,
    id: record.id,
    occurredAt: record.occurredAt,
    requestId: record.requestId,
    seq: record.seq,
    target: { id: record.target.id, type: record.target.type },
  });
}

const NOT_ORDERABLE = Symbol('not orderable');
const ARRAY_INDEX = /^(0|[1-9][0-9]{0,9})$/;

/** JavaScript lists array-index keys first, in numeric order, whatever order they were set in. */
const isArrayIndex = (key: string): boolean => ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295;

/**
 * `value` with every object's own keys in JCS order (the same object when they already are, a copy otherwise), or
 * NOT_ORDERABLE when JSON.stringify cannot be made to write it canonically: an object with an array-index key (which
 * no insertion order can move), a `__proto__` key (assigning it would set the prototype), or a value that is not
 * JSON (which JSON.stringify would drop or turn into null instead of refusing).
 */
function inJcsOrder(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_ORDERABLE;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        let copy: unknown[] | null = null;
        for (let i = 0; i < value.length; i++) {
          const ordered = inJcsOrder(value[i]);
          if (ordered === NOT_ORDERABLE) return NOT_ORDERABLE;
          if (ordered !== value[i]) (copy ??= value.slice())[i] = ordered;
        }
        return copy ?? value;
      }
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object);
      if (keys.length === 0) return object;
      // Array-index keys, when there are any, come first.
      if (isArrayIndex(keys[0])) return NOT_ORDERABLE;
      let sorted = true;
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1] > keys[i]) {
          sorted = false;
          keys.sort();
          break;
        }
      }
      let copy: Record<string, unknown> | null = null;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key === '__proto__') return NOT_ORDERABLE;
        const ordered = inJcsOrder(object[key]);
        if (ordered === NOT_ORDERABLE) return NOT_ORDERABLE;
        if (ordered !== object[key] && !copy) {
          copy = {};
          for (let j = 0; j < i; j++) copy[keys[j]] = object[keys[j]];
        }
        if (copy) copy[key] = ordered;
      }
      if (copy) return copy;
      if (sorted) return object;
      const reordered: Record<string, unknown> = {};
      for (const key of keys) reordered[key] = object[key];
      return reordered;
    }
    default:
      return NOT_ORDERABLE;
  }
}

function canonicalEventJsonPieceByPiece(record: ChainRecord, seq: string): string {
  // Any JSON value hashes (the column is jsonb, normally an object): one odd row must not stop the sealer.
  const data = canonicalJson(record.data, record.id);
  return (
    `{"action":${quote(record.action)}` +
    `,"actor":{"id":${quote(record.actor.id)},"role":${quote(record.actor.role)}}` +
    `,"data":${data}` +
    `,"id":${quote(record.id)}` +
    `,"occurredAt":${quote(record.occurredAt)}` +
    `,"requestId":${quote(record.requestId)}` +
    `,"seq":${seq}` +
    `,"target":{"id":${quote(record.target.id)},"type":${quote(record.target.type)}}}`
  );
}

/** ECMAScript's JSON string and number forms are exactly JCS's (RFC 8785 §3.2.2.2, §3.2.2.3). */
const quote = JSON.stringify as (value: string | number | null) => string;

/**
 * JCS of a JSON value (what `JSON.parse` returns): object keys sorted by UTF-16 code units at every depth (JavaScript's
 * default sort order), no whitespace. Keys usually arrive sorted or nearly so; sorting is skipped when they are.
 */
function canonicalJson(value: unknown, eventId: string): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) break;
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        let out = `[${canonicalJson(value[0], eventId)}`;
        for (let i = 1; i < value.length; i++) out += `,${canonicalJson(value[i], eventId)}`;
        return `${out}]`;
      }
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object);
      if (keys.length === 0) return '{}';
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1] > keys[i]) {
          keys.sort();
          break;
        }
      }
      let out = `{${quote(keys[0])}:${canonicalJson(object[keys[0]], eventId)}`;
      for (let i = 1; i < keys.length; i++) out += `,${quote(keys[i])}:${canonicalJson(object[keys[i]], eventId)}`;
      return `${out}}`;
    }
  }
  throw new Error(`event ${eventId}: data is not JSON`);
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
