import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { ContactCipher } from '@vigil/database';
import { DataSource } from 'typeorm';

export interface RevealReporterInput {
  reportId: string;
  /** Why the reporter must be identified: 10–1000 characters, kept in the audit trail. */
  reason: string;
}

export interface RevealedReporter {
  reportId: string;
  pseudonym: string;
  contact: string | null;
}

/**
 * The one door from a pseudonym to a person (DESIGN §7): an admin, with a reason, and an audit event
 * `reporter.revealed` in the same transaction as the read. The event names the admin and the reason and whether a
 * contact existed — never the contact itself, which would copy it into an append-only, widely readable record.
 */
@Injectable()
export class RevealReporter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly contacts: ContactCipher,
  ) {}

  async execute(input: RevealReporterInput, ctx: ActionContext): Promise<RevealedReporter> {
    if (ctx.actor.role !== 'admin' || ctx.actor.id === null) {
      throw new DomainError('FORBIDDEN', 'only an admin may reveal a reporter');
    }
    const reason = input.reason.trim();
    if (reason.length < 10 || reason.length > 1000) {
      throw new DomainError('INVALID_INPUT', 'reason must be 10–1000 characters');
    }
    return this.db.transaction(async (manager) => {
      const [report]: { id: string; reporter_pseudonym: string; reporter_contact: string | null }[] =
        await manager.query(`SELECT id, reporter_pseudonym, reporter_contact FROM reports WHERE id = $1`, [
          input.reportId,
        ]);
      if (!report) throw new DomainError('NOT_FOUND', 'report not found');
      await this.audit.record(manager, ctx, {
        action: 'reporter.revealed',
        target: { type: 'report', id: report.id },
        data: { reason, pseudonym: report.reporter_pseudonym, contactOnFile: report.reporter_contact !== null },
      });
      const contact = report.reporter_contact ? this.contacts.decrypt(report.reporter_contact, report.id) : null;
      return { reportId: report.id, pseudonym: report.reporter_pseudonym, contact };
    });
  }
}
