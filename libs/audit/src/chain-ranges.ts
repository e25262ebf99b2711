// Verifying the chain in pieces: every event's check needs only its own stored fields and `prev_hash`, so
// consecutive seq ranges can be hashed at the same time (one thread each) and joined afterwards. Joining restores
// exactly the answer of one walk from the start: the range links, the first failure, and the trusted checkpoints.
import type { ClientBase } from 'pg';
import { ChainFailure, ChainVerifier, StoredChainEvent, TrustedAnchor } from './audit-chain';
import { streamSealedEvents } from './sealed-event-stream';

/** The events with `afterSeq < seq <= untilSeq`. */
export interface SealedRange {
  afterSeq: number;
  untilSeq: number;
}

/** What one range's walk found, starting from its first event's own `prev_hash`. */
export interface RangeOutcome extends SealedRange {
  /** Events whose hash was checked (the failing one included, as ChainVerifier counts). */
  checked: number;
  /** The stored `prev_hash` of the event at `afterSeq + 1`; undefined when that event is not there. */
  firstPrevHash?: string | null;
  /** The last event verified: `afterSeq` when none was. */
  head: TrustedAnchor;
  failure: ChainFailure | null;
}

/** `(afterSeq, untilSeq]` in at most `parts` consecutive ranges, none empty (one at least). */
export function splitRange(range: SealedRange, parts: number): SealedRange[] {
  const total = range.untilSeq - range.afterSeq;
  const count = Math.max(1, Math.min(parts, total));
  const ranges: SealedRange[] = [];
  for (let i = 0; i < count; i++) {
    ranges.push({
      afterSeq: range.afterSeq + Math.floor((total * i) / count),
      untilSeq: range.afterSeq + Math.floor((total * (i + 1)) / count),
    });
  }
  return ranges;
}

/** Walks one range in the caller's transaction (its snapshot decides what is seen). */
export async function verifySealedRange(client: ClientBase, range: SealedRange): Promise<RangeOutcome> {
  const walk = new RangeWalk(range);
  await streamSealedEvents(client, range, (events) => walk.push(events));
  return walk.outcome();
}

/** One range's walk over its events in seq order; the link into the range is checked when ranges are joined. */
export class RangeWalk {
  private verifier: ChainVerifier | null = null;
  private firstPrevHash: string | null | undefined;

  constructor(private readonly range: SealedRange) {}

  /** False once the walk has failed: the rest of the range need not be read. */
  push(events: readonly StoredChainEvent[]): boolean {
    for (const event of events) {
      if (!this.verifier) {
        // The range starts from its first event's own prev_hash; joinRanges checks it against the range before.
        if (event.seq === this.range.afterSeq + 1) this.firstPrevHash = event.prevHash;
        this.verifier = new ChainVerifier({ seq: this.range.afterSeq, hash: event.prevHash ?? '' });
      }
      if (!this.verifier.push(event)) return false;
    }
    return true;
  }

  outcome(): RangeOutcome {
    return {
      ...this.range,
      checked: this.verifier?.checked ?? 0,
      firstPrevHash: this.firstPrevHash,
      head: this.verifier?.head ?? { seq: this.range.afterSeq, hash: '' },
      failure: this.verifier?.firstFailure ?? null,
    };
  }
}

export interface ChainWalk {
  checked: number;
  /** The last event verified (the start when none was). */
  head: TrustedAnchor;
  failure: ChainFailure | null;
}

/**
 * Joins consecutive range outcomes (in seq order, the first starting at `start`) into what one walk from `start`
 * would have found: each range's first event must point at the hash the range before it ended with, and a range
 * that stops short of its end is missing events.
 */
export function joinRanges(start: TrustedAnchor, outcomes: readonly RangeOutcome[]): ChainWalk {
  let checked = 0;
  let head = start;
  for (const range of outcomes) {
    const first = range.afterSeq + 1;
    const failedAtFirstSeq = range.failure !== null && range.failure.seq === first;
    if (failedAtFirstSeq && range.failure!.fault !== 'prev_hash_mismatch' && range.failure!.fault !== 'hash_mismatch') {
      return { checked, head, failure: range.failure };
    }
    if (range.firstPrevHash !== undefined && range.firstPrevHash !== head.hash) {
      return { checked: checked + 1, head, failure: { seq: first, fault: 'prev_hash_mismatch' } };
    }
    checked += range.checked;
    if (range.head.seq > range.afterSeq) head = range.head;
    if (range.failure) return { checked, head, failure: range.failure };
    if (head.seq < range.untilSeq) return { checked, head, failure: { seq: head.seq + 1, fault: 'missing_event' } };
  }
  return { checked, head, failure: null };
}

/** The checkpoints of our key at one seq: the hashes they vouch for (signature checked) and whether one is forged. */
export interface AnchorsAtSeq {
  trusted: readonly TrustedAnchor[];
  forged: boolean;
}

/**
 * Applies the checkpoints to a walk, as one walk checking them at each seq would: a trusted checkpoint whose hash
 * is not the chain's means nothing after the last matching checkpoint can be vouched for; a forged one fails at its
 * seq. Only checkpoints before the walk's own failure count (a walk stops there). Checkpoints come in pages in seq
 * order (`apply` once per page), so a chain with years of checkpoints is never held in memory at once.
 */
export class AnchorCheck {
  private lastAnchoredSeq: number;
  private walk: ChainWalk;
  private anchorFailed = false;

  constructor(
    private readonly start: TrustedAnchor,
    walk: ChainWalk,
  ) {
    this.walk = walk;
    this.lastAnchoredSeq = start.seq;
  }

  /** Checkpoints at this seq or later do not count: the walk stopped before them. */
  get before(): number {
    return this.walk.failure?.seq ?? this.walk.head.seq + 1;
  }

  /** True once a checkpoint failed: later pages cannot change the answer. */
  get done(): boolean {
    return this.anchorFailed;
  }

  /** One page of checkpoints, every seq of it past the pages before; `hashAt` gives the chain's hash at a seq. */
  apply(anchors: ReadonlyMap<number, AnchorsAtSeq>, hashAt: (seq: number) => string): void {
    if (this.anchorFailed) return;
    const before = this.before;
    for (const seq of [...anchors.keys()].filter((s) => s > this.start.seq && s < before).sort((a, b) => a - b)) {
      const at = anchors.get(seq)!;
      const checked = seq - this.start.seq;
      if (at.trusted.length > 0) {
        if (at.trusted.some((anchor) => anchor.hash !== hashAt(seq))) {
          return this.fail(checked, { seq: this.lastAnchoredSeq + 1, fault: 'checkpoint_mismatch' });
        }
        this.lastAnchoredSeq = seq;
      }
      if (at.forged) return this.fail(checked, { seq, fault: 'checkpoint_signature_invalid' });
    }
  }

  result(): ChainWalk {
    return this.walk;
  }

  private fail(checked: number, failure: ChainFailure): void {
    this.walk = { ...this.walk, checked, failure };
    this.anchorFailed = true;
  }
}
