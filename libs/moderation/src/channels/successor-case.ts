import {
  confirmedSuccessorClock,
  earliestClock,
  LinkedActionedChannel,
  linkedActionedChannelFactor,
  PriorityFactor,
  slaNextCheckAt,
  SlaPolicy,
  SlaState,
  strongestLinkedChannel,
  withFactor,
} from '@vigil/domain';
import type { EntityManager } from 'typeorm';
import { UNRESOLVED_STATUS } from '../shared';

/**
 * The successor's unresolved case, if any, with its link factor from the links left and, confirmed, a removal order's
 * SLA (ReviewLink's verdict, or LinkChannels' confirmed migration). Callers audit what it returns.
 */
export async function rescoreSuccessorCase(
  manager: EntityManager,
  channelId: string,
  confirmed: boolean,
  sla: SlaPolicy,
): Promise<{ caseId?: string; priority?: number; slaDueAt?: string }> {
  const [theCase]: {
    id: string;
    priority_breakdown: PriorityFactor[];
    sla_due_at: Date;
    sla_started_at: Date;
    sla_state: SlaState;
  }[] = await manager.query(
    `SELECT id, priority_breakdown, sla_due_at, sla_started_at, sla_state FROM cases
     WHERE channel_id = $1 AND ${UNRESOLVED_STATUS}
     FOR NO KEY UPDATE`,
    [channelId],
  );
  if (!theCase) return {};
  const links: LinkedActionedChannel[] = await manager.query(
    `SELECT ch.canonical_key AS key, l.score, l.kind = 'confirmed_migration' AS confirmed
     FROM channel_links l JOIN channels ch ON ch.id = l.to_channel_id
     WHERE l.from_channel_id = $1 AND l.kind IN ('suspected_migration', 'confirmed_migration')
       AND ch.status = 'actioned'`,
    [channelId],
  );
  const strongest = strongestLinkedChannel(links);
  const { priority, breakdown } = withFactor(
    theCase.priority_breakdown,
    'linked_actioned_channel',
    strongest ? linkedActionedChannelFactor(strongest) : null,
  );
  // A deadline only comes forward; the SLA clocks' next look moves with it (SlaClocks finds cases by it).
  const clock = earliestClock(
    { startedAt: theCase.sla_started_at, dueAt: theCase.sla_due_at },
    confirmed ? confirmedSuccessorClock(new Date(), sla) : null,
  );
  const next = slaNextCheckAt(theCase.sla_state, clock.startedAt, clock.dueAt);
  // The version moves, so a triage that read the case before this commits writes nothing and reads it again.
  await manager.query(
    `UPDATE cases SET priority = $2, priority_breakdown = $3::jsonb, sla_due_at = $4, sla_started_at = $5,
       sla_next_check_at = $6, version = version + 1, updated_at = now()
     WHERE id = $1`,
    [theCase.id, priority, JSON.stringify(breakdown), clock.dueAt, clock.startedAt, next],
  );
  return { caseId: theCase.id, priority, slaDueAt: clock.dueAt.toISOString() };
}
