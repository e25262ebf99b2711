import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DecisionEntity } from '@vigil/database';
import { appealDeadline, DomainError, nextCaseStatus } from '@vigil/domain';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { lockCase } from '../shared';
import { ReporterIdentity } from '../reporters';

export interface FileAppealInput {
  decisionId: string;
  token: string;
  reason: string;
}

/**
 * A complaint against a decision (DSA Art. 20), by a reporter (their tracking token) or the channel owner (the
 * token from the owner notice). Any token that does not fit the decision is a 404, like an unknown decision.
 */
@Injectable()
export class FileAppeal {
  private readonly identity: ReporterIdentity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly audit: AuditService,
  ) {
    this.identity = new ReporterIdentity(config.reporterSecret);
  }

  async execute(input: FileAppealInput, ctx: ActionContext): Promise<{ id: string; status: 'open' }> {
    return this.db.transaction(async (manager) => {
      const decision = await manager.getRepository(DecisionEntity).findOneBy({ id: input.decisionId });
      if (!decision || decision.action === 'escalate') throw new DomainError('NOT_FOUND', 'decision not found');
      const party = await this.partyOf(decision, input.token);
      if (!party) throw new DomainError('NOT_FOUND', 'decision not found');
      if (new Date() > appealDeadline(decision.createdAt)) {
        throw new DomainError('INVALID_INPUT', 'the appeal period for this decision has ended');
      }
      const theCase = await lockCase(manager, decision.caseId);
      const status = nextCaseStatus(theCase.status, 'appeal');
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO appeals (decision_id, case_id, appellant, report_id, party, reason)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (decision_id, party) WHERE status = 'open' DO NOTHING RETURNING id`,
        [decision.id, decision.caseId, party.appellant, party.reportId, party.key, input.reason],
      );
      if (!row) throw new DomainError('APPEAL_ALREADY_OPEN', 'you already have an open appeal against this decision');
      await manager.query(`UPDATE cases SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
        theCase.id,
        status,
      ]);
      await this.audit.record(manager, ctx, {
        action: 'appeal.filed',
        target: { type: 'appeal', id: row.id },
        data: { decisionId: decision.id, caseId: decision.caseId, appellant: party.appellant, reportId: party.reportId },
      });
      return { id: row.id, status: 'open' as const };
    });
  }

  private async partyOf(
    decision: DecisionEntity,
    token: string,
  ): Promise<{ appellant: 'reporter' | 'owner'; reportId: string | null; key: string } | null> {
    const ownerToken = Buffer.from(this.identity.ownerAppealToken(decision.id));
    const given = Buffer.from(token);
    if (given.length === ownerToken.length && timingSafeEqual(given, ownerToken)) {
      return { appellant: 'owner', reportId: null, key: 'owner' };
    }
    const [report]: { id: string }[] = await this.db.query(
      `SELECT id FROM reports WHERE case_id = $1 AND tracking_token_hash = $2`,
      [decision.caseId, ReporterIdentity.tokenHash(token)],
    );
    return report ? { appellant: 'reporter', reportId: report.id, key: `report:${report.id}` } : null;
  }
}
