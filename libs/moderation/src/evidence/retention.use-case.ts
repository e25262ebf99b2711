import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DataSource } from 'typeorm';
import { EVIDENCE_STORE, EvidenceStore } from './evidence-store';
import { ACTIONED_AT_SQL, PRESERVED_UNTIL_SQL } from './preservation';

/** Items erased per transaction. */
const SLICE = 200;

/**
 * Evidence no duty keeps any longer: past its preservation (six months after a takedown or restriction, longer under
 * an active hold: PRESERVED_UNTIL_SQL, the case detail's `preservedUntil`), and RETENTION_EVIDENCE_DAYS after the
 * takedown or restriction, or after a decision without action. SLICE at a time; the erasing UPDATE takes each file,
 * so two runs never erase or audit one twice.
 */
const EVIDENCE_DUE = `
  WITH facts AS (
    SELECT e.id, e.report_id, e.sha256, c.status, c.decided_at,
           ${ACTIONED_AT_SQL('c.id')} AS actioned_at, ${PRESERVED_UNTIL_SQL('c.id')} AS preserved_until
    FROM evidence e JOIN reports r ON r.id = e.report_id JOIN cases c ON c.id = r.case_id
    WHERE e.erased_at IS NULL
  )
  SELECT f.id, f.report_id, f.sha256 FROM facts f
  WHERE coalesce(f.preserved_until, '-infinity') <= now()
    AND (
      (f.actioned_at IS NOT NULL AND f.actioned_at + $1 * interval '1 day' <= now())
      OR (f.actioned_at IS NULL AND f.status IN ('decided', 'closed')
        AND f.decided_at + $1 * interval '1 day' <= now())
    )
  LIMIT ${SLICE}`;

/** The notices sent for report `r`: about its case's decisions, and about an appeal it made. */
const NOTICES_OF_REPORT = `
  FROM notifications n
  WHERE (n.report_id = r.id OR n.appeal_id IN (SELECT a.id FROM appeals a WHERE a.report_id = r.id))`;

/**
 * Reporter contacts whose last notice was settled (sent, or given up: failed or undeliverable) RETENTION_CONTACT_DAYS
 * ago, with none still to send and no appeal of theirs open (its outcome is sent to the same address): nothing more
 * will be sent to them, so the address goes.
 */
const CONTACTS_DUE = `
  SELECT r.id FROM reports r
  WHERE r.reporter_contact IS NOT NULL
    AND NOT EXISTS (SELECT 1 ${NOTICES_OF_REPORT} AND n.status = 'pending')
    AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.report_id = r.id AND a.status = 'open')
    AND (SELECT max(coalesce(n.sent_at, n.created_at)) ${NOTICES_OF_REPORT}) + $1 * interval '1 day' <= now()
  LIMIT ${SLICE}
  FOR NO KEY UPDATE OF r SKIP LOCKED`;

/**
 * The retention run (API.md "Evidence and retention"), by the worker every RETENTION_INTERVAL_SECONDS and by
 * `npm run cli -- retention:run`: erases the evidence and the reporter contacts no duty keeps any longer, a slice
 * per transaction, each item audited with what identifies it (`evidence.erased` with the file's SHA-256,
 * `report.contact_erased`). Audit events are never touched, so the chain verifies as before.
 */
@Injectable()
export class RunRetention {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  async execute(ctx: ActionContext): Promise<{ evidenceErased: number; contactsErased: number }> {
    let evidenceErased = 0;
    for (let more = true; more; ) {
      const slice = await this.eraseEvidence(ctx);
      evidenceErased += slice.erased;
      more = slice.more;
    }
    let contactsErased = 0;
    for (;;) {
      const n = await this.eraseContacts(ctx);
      contactsErased += n;
      if (n < SLICE) break;
    }
    return { evidenceErased, contactsErased };
  }

  private eraseEvidence(ctx: ActionContext): Promise<{ erased: number; more: boolean }> {
    return this.db.transaction(async (manager) => {
      const due: { id: string; report_id: string; sha256: string }[] = await manager.query(EVIDENCE_DUE, [
        this.config.retention.evidenceDays,
      ]);
      let erased = 0;
      for (const file of due) {
        // Taken under lock here: a second run erasing the same file waits, then finds it erased.
        const [[taken]]: [{ id: string }[], number] = await manager.query(
          `UPDATE evidence SET erased_at = now() WHERE id = $1 AND erased_at IS NULL RETURNING id`,
          [file.id],
        );
        if (!taken) continue;
        await this.store.erase(manager, file.id);
        await this.audit.record(manager, ctx, {
          action: 'evidence.erased',
          target: { type: 'evidence', id: file.id },
          data: { reportId: file.report_id, sha256: file.sha256, reason: 'retention' },
        });
        erased += 1;
      }
      // A full slice means more may be due, even when another run erased some of it first.
      return { erased, more: due.length === SLICE };
    });
  }

  private eraseContacts(ctx: ActionContext): Promise<number> {
    return this.db.transaction(async (manager) => {
      const due: { id: string }[] = await manager.query(CONTACTS_DUE, [this.config.retention.contactDays]);
      for (const report of due) {
        await manager.query(`UPDATE reports SET reporter_contact = NULL WHERE id = $1`, [report.id]);
        await this.audit.record(manager, ctx, {
          action: 'report.contact_erased',
          target: { type: 'report', id: report.id },
          data: { reason: 'retention' },
        });
      }
      return due.length;
    });
  }
}
