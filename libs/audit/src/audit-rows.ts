// How the audit tables are read: the exact column expressions and the mapping of their rows to what the chain
// hashes and what the API shows. Every reader (sealer, verifier, queries, export) goes through these, so the
// hashed `occurredAt` and the shown one are the same string.
import type { StoredChainEvent } from './audit-chain';
import type { AuditEventView } from './audit-event-view';
import { CHECKPOINT_ALGORITHM, CheckpointView } from './checkpoint-signature';

const utcSql = (expression: string, fraction: 'MS' | 'US'): string =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;

/**
 * SQL for a `timestamptz` as UTC with all six fractional digits PostgreSQL stores (`2026-11-25T10:00:02.000450Z`):
 * a JavaScript Date would keep only milliseconds. Also an exact keyset position for other readers.
 */
export const utcMicrosecondsSql = (expression: string): string => utcSql(expression, 'US');

/**
 * SQL for a `timestamptz` exactly as the API shows it once read into a Date (`toISOString`: milliseconds, the rest
 * cut, not rounded), for an event whose data a statement builds from a row it writes.
 */
export const utcMillisecondsSql = (expression: string): string => utcSql(expression, 'MS');

/** `occurred_at` as the chain hashes it: a change to its microseconds must not go unnoticed. */
export const occurredAtSql = (alias: string): string => utcMicrosecondsSql(`${alias}.occurred_at`);

const auditEventExpressions = (alias: string, occurredAt: string): string[] =>
  [
    `${alias}.seq`,
    `${alias}.id`,
    occurredAt,
    `${alias}.actor_id`,
    `${alias}.actor_role`,
    `${alias}.action`,
    `${alias}.target_type`,
    `${alias}.target_id`,
    `${alias}.data`,
    `${alias}.request_id`,
    `${alias}.prev_hash`,
    `${alias}.hash`,
  ];

/**
 * Column order of AuditEventTuple (rowMode 'array' reads: no object per row on the verification path).
 * `occurredAt` replaces the expression for `occurred_at` (the bulk verifier formats it itself).
 */
export const auditEventColumns = (alias: string, occurredAt = occurredAtSql(alias)): string =>
  auditEventExpressions(alias, `${occurredAt} AS occurred_at`).join(', ');

/** One event as a JSON array in AuditEventTuple's order, for a statement that returns events inside another row. */
export const auditEventTupleJson = (alias: string): string =>
  `json_build_array(${auditEventExpressions(alias, occurredAtSql(alias)).join(', ')})`;

export type AuditEventTuple = [
  seq: string | null,
  id: string,
  occurredAt: string,
  actorId: string | null,
  actorRole: string,
  action: string,
  targetType: string,
  targetId: string,
  data: unknown,
  requestId: string | null,
  prevHash: string | null,
  hash: string | null,
];

export interface AuditEventRow {
  seq: string | null;
  id: string;
  occurred_at: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  data: unknown;
  request_id: string | null;
  prev_hash: string | null;
  hash: string | null;
}

export function tupleOfRow(row: AuditEventRow): AuditEventTuple {
  return [
    row.seq,
    row.id,
    row.occurred_at,
    row.actor_id,
    row.actor_role,
    row.action,
    row.target_type,
    row.target_id,
    row.data,
    row.request_id,
    row.prev_hash,
    row.hash,
  ];
}

/** The event as the chain sees it; `seq` is the given one for an event being sealed. */
export function chainEventOf(t: AuditEventTuple, seq = t[0] === null ? 0 : Number(t[0])): StoredChainEvent {
  return {
    seq,
    id: t[1],
    occurredAt: t[2],
    actor: { id: t[3], role: t[4] },
    action: t[5],
    target: { type: t[6], id: t[7] },
    data: t[8],
    requestId: t[9],
    prevHash: t[10],
    hash: t[11],
  };
}

export function auditEventViewOfRow(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    seq: row.seq === null ? null : Number(row.seq),
    occurredAt: row.occurred_at,
    actor: { id: row.actor_id, role: row.actor_role },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    data: row.data as Record<string, unknown>,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export const CHECKPOINT_COLUMNS = 'seq, hash, signed_at, key_id, algorithm, signature, public_key';

export interface CheckpointRow {
  seq: string;
  hash: string;
  signed_at: Date;
  key_id: string;
  algorithm: string;
  signature: string;
  public_key: string;
}

export function checkpointViewOfRow(row: CheckpointRow): CheckpointView {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    signedAt: row.signed_at.toISOString(),
    keyId: row.key_id,
    algorithm: CHECKPOINT_ALGORITHM,
    signature: row.signature,
    publicKey: row.public_key,
  };
}
