import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { Category, DomainError, matchOrganisations, Platform } from '@vigil/domain';
import { incidentClocksJob, QueueName, QueueProducer } from '@vigil/queues';
import { DataSource } from 'typeorm';
import { INCIDENT_COLUMNS, IncidentRow, IncidentView, incidentView } from './incident-view';

/** The longest an incident may be declared for at once; it can be declared again. */
export const MAX_INCIDENT_DAYS = 30;

export interface DeclareIncidentInput {
  title: string;
  organization?: string;
  platforms?: Platform[];
  categories?: Category[];
  boost: number;
  slaHours?: number;
  endsAt?: Date;
}

/**
 * An operator declares a crisis (audited `incident.declared`). The cases it concerns are re-scored by IncidentClocks,
 * enqueued at once after the commit and run on a schedule besides, so they carry it within seconds.
 */
@Injectable()
export class DeclareIncident {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly queues: QueueProducer,
  ) {}

  async execute(input: DeclareIncidentInput, ctx: ActionContext): Promise<IncidentView> {
    const now = Date.now();
    if (input.endsAt && input.endsAt.getTime() <= now) {
      throw new DomainError('INVALID_INPUT', 'endsAt must be in the future');
    }
    if (input.endsAt && input.endsAt.getTime() > now + MAX_INCIDENT_DAYS * 86_400_000) {
      throw new DomainError('INVALID_INPUT', `endsAt must be at most ${MAX_INCIDENT_DAYS} days from now`);
    }
    // Cases know the designated organisations their reports name; an incident is matched to them by the same ids.
    const organisationIds = input.organization ? matchOrganisations(input.organization).map((m) => m.id) : null;
    if (organisationIds && organisationIds.length === 0) {
      throw new DomainError(
        'INVALID_INPUT',
        'organization names no designated organisation Vigil knows (leave it out to match every organisation)',
      );
    }
    const incident = await this.db.transaction(async (manager) => {
      const [row]: IncidentRow[] = await manager.query(
        `INSERT INTO incidents (title, organization, organisation_ids, platforms, categories, boost, sla_hours, ends_at,
           declared_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING ${INCIDENT_COLUMNS}`,
        [
          input.title,
          input.organization ?? null,
          organisationIds,
          input.platforms ?? null,
          input.categories ?? null,
          input.boost,
          input.slaHours ?? null,
          input.endsAt ?? null,
          ctx.actor.id,
        ],
      );
      const view = incidentView(row);
      await this.audit.record(manager, ctx, {
        action: 'incident.declared',
        target: { type: 'incident', id: row.id },
        data: { ...view, organisationIds },
      });
      return view;
    });
    await this.queues.addAfterCommit(QueueName.Maintenance, [incidentClocksJob(incident.id)]);
    return incident;
  }
}

/** An operator ends an incident (audited `incident.closed`); its boost leaves the cases within seconds. */
@Injectable()
export class CloseIncident {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly queues: QueueProducer,
  ) {}

  async execute(input: { incidentId: string }, ctx: ActionContext): Promise<IncidentView> {
    const incident = await this.db.transaction(async (manager) => {
      const [current]: { status: string }[] = await manager.query(
        `SELECT status FROM incidents WHERE id = $1 FOR UPDATE`,
        [input.incidentId],
      );
      if (!current) throw new DomainError('NOT_FOUND', 'incident not found');
      if (current.status !== 'active') throw new DomainError('ILLEGAL_TRANSITION', 'the incident is already closed');
      // An UPDATE's answer through TypeORM is [rows, count].
      const [[row]]: [IncidentRow[], number] = await manager.query(
        `UPDATE incidents SET status = 'closed', closed_by = $2, closed_at = now() WHERE id = $1
         RETURNING ${INCIDENT_COLUMNS}`,
        [input.incidentId, ctx.actor.id],
      );
      await this.audit.record(manager, ctx, {
        action: 'incident.closed',
        target: { type: 'incident', id: row.id },
        data: { reason: 'closed by hand' },
      });
      return incidentView(row);
    });
    await this.queues.addAfterCommit(QueueName.Maintenance, [incidentClocksJob(incident.id)]);
    return incident;
  }
}
