// Sealed audit events read in bulk, for verification: `COPY … TO STDOUT` in PostgreSQL's text format instead of a
// query's rows. PostgreSQL streams while we hash, and a row costs one string split here instead of twelve column
// decodes in the driver: that is most of what lets verify keep up with a million-event chain (docs/performance.md).
import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { StoredChainEvent } from './audit-chain';
import { auditEventColumns } from './audit-rows';

/** Events per COPY. After a failure the rest of the current one is drained unread, so this bounds wasted work. */
export const SEALED_EVENT_CHUNK = 200_000;

const NEWLINE = 0x0a;
const FIELDS = 12;
const COPY_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * One field of a COPY text row: `\N` is NULL; otherwise backslash escapes are undone (COPY TO writes `\\` for a
 * backslash and `\b \f \n \r \t \v` for those control characters; it never writes octal or hex escapes).
 */
export function copyTextField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\([\s\S])/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

/**
 * `occurred_at` as PostgreSQL writes a UTC `timestamp` in the ISO DateStyle (`2026-11-25 10:00:02.00045`: trailing
 * zeros of the fraction dropped, no fraction at all on a whole second), rewritten as `occurredAtSql` writes it
 * (`2026-11-25T10:00:02.000450Z`). The database's own `to_char` costs it more than this costs us. Anything else (BC,
 * infinity) is returned as it is, so it can never equal what the sealer hashed.
 */
export function occurredAtOfIsoTimestamp(text: string): string {
  if (text.length === 26 && text.charCodeAt(10) === 0x20 && text.charCodeAt(19) === 0x2e) {
    return `${text.slice(0, 10)}T${text.slice(11)}Z`;
  }
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/.exec(text);
  return match ? `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(6, '0')}Z` : text;
}

/** The COPY's columns: `auditEventColumns`, with `occurred_at` as a UTC timestamp for occurredAtOfIsoTimestamp. */
const COPY_COLUMNS = auditEventColumns('e', `(e.occurred_at AT TIME ZONE 'UTC')`);

/** One COPY text row of COPY_COLUMNS as the chain sees it. */
export function sealedEventOfCopyRow(line: string): StoredChainEvent {
  const f = line.split('\t');
  if (f.length !== FIELDS) throw new Error(`audit COPY row has ${f.length} fields, expected ${FIELDS}`);
  const data = copyTextField(f[8]);
  return {
    seq: Number(f[0]),
    id: f[1],
    occurredAt: occurredAtOfIsoTimestamp(f[2]),
    actor: { id: copyTextField(f[3]), role: copyTextField(f[4]) ?? '' },
    action: copyTextField(f[5]) ?? '',
    target: { type: copyTextField(f[6]) ?? '', id: copyTextField(f[7]) ?? '' },
    // jsonb read exactly as the driver reads it for the sealer: JSON.parse of PostgreSQL's text form.
    data: data === null ? null : JSON.parse(data),
    requestId: copyTextField(f[9]),
    prevHash: copyTextField(f[10]),
    hash: copyTextField(f[11]),
  };
}

/**
 * Streams the sealed events with `afterSeq < seq <= untilSeq` in seq order, `SEALED_EVENT_CHUNK` per COPY, to `onEvents`
 * (several hundred at a time). `onEvents` returns false to stop: the rest of the current COPY is read and dropped
 * (the connection stays usable) and nothing more is asked for. Runs on the caller's connection and transaction.
 */
export async function streamSealedEvents(
  client: ClientBase,
  range: { afterSeq: number; untilSeq: number },
  onEvents: (events: StoredChainEvent[]) => boolean,
): Promise<void> {
  let after = range.afterSeq;
  const until = range.untilSeq;
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(until)) throw new Error(`bad seq range ${after}..${until}`);
  // The ISO DateStyle is what occurredAtOfIsoTimestamp reads, whatever the server or role default is. And walk the
  // seq index, so rows stream in order as they are read: right after the sealer numbered a large backlog the
  // statistics still say seq is mostly NULL, and the planner would rather collect a whole chunk in a bitmap scan and
  // sort it first (no streaming, a sort spilling to disk: a fresh chain verified ~20 % slower).
  // The planner settings are WALK_INDEX_IN_ORDER's (@vigil/database), written out: this runs in verify's threads,
  // whose imports stay clear of @vigil/* so a thread does not load TypeORM and the entities.
  await client.query(`SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off`);
  while (after < until) {
    // COPY takes no parameters: both bounds are checked integers.
    const sql =
      `COPY (SELECT ${COPY_COLUMNS} FROM audit_events e ` +
      `WHERE e.seq > ${after} AND e.seq <= ${until} ORDER BY e.seq LIMIT ${SEALED_EVENT_CHUNK}) TO STDOUT`;
    const { rows, lastSeq, stopped } = await copyChunk(client, sql, onEvents);
    if (stopped || rows < SEALED_EVENT_CHUNK) return;
    after = lastSeq;
  }
}

async function copyChunk(
  client: ClientBase,
  sql: string,
  onEvents: (events: StoredChainEvent[]) => boolean,
): Promise<{ rows: number; lastSeq: number; stopped: boolean }> {
  const stream = client.query(copyTo(sql));
  let rows = 0;
  let lastSeq = 0;
  let stopped = false;
  let rest: Buffer | null = null;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    if (stopped) continue;
    const chunk: Buffer = rest ? Buffer.concat([rest, piece]) : piece;
    // Row by row: a multi-byte character is never cut in two, and an ASCII row stays a one-byte string (decoding the
    // whole chunk at once would make every row two-byte as soon as one row is not ASCII, and slower to hash).
    const events: StoredChainEvent[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      events.push(sealedEventOfCopyRow(chunk.toString('utf8', start, end)));
      start = end + 1;
    }
    rest = start < chunk.length ? chunk.subarray(start) : null;
    if (events.length === 0) continue;
    rows += events.length;
    lastSeq = events[events.length - 1].seq;
    if (!onEvents(events)) stopped = true;
  }
  if (rest && !stopped) throw new Error('audit COPY ended in the middle of a row');
  return { rows, lastSeq, stopped };
}
