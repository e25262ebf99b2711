import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DataSource } from 'typeorm';
import { CaseDetail, CaseQueries } from './case-queries';

/**
 * A person opens a case (`GET /v1/cases/:id`): its detail, and `case.viewed` in the trail, so that an auditor can see
 * who looked at it. A claim shows the case too, and is audited as the claim.
 */
@Injectable()
export class ViewCase {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CaseQueries,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { caseId: string }, ctx: ActionContext): Promise<CaseDetail> {
    const detail = await this.cases.detail(input.caseId);
    await this.audit.recordRead(this.db, ctx, { action: 'case.viewed', target: { type: 'case', id: input.caseId } });
    return detail;
  }
}
