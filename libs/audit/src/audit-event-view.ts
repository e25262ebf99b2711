import type { AuditEventEntity } from '@vigil/database';

/** An audit event as API.md's Audit section shows it. */
export interface AuditEventView {
  id: string;
  seq: number | null;
  occurredAt: string;
  actor: { id: string | null; role: string };
  action: string;
  target: { type: string; id: string };
  data: Record<string, unknown>;
  requestId: string | null;
  prevHash: string | null;
  hash: string | null;
}

export function auditEventView(event: AuditEventEntity): AuditEventView {
  return {
    id: event.id,
    seq: event.seq === null ? null : Number(event.seq),
    occurredAt: event.occurredAt.toISOString(),
    actor: { id: event.actorId, role: event.actorRole },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    data: event.data,
    requestId: event.requestId,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
