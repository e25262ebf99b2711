import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReporterIdentity } from '../reporters';
import { evidenceFileType, EvidenceType } from './evidence-file-type';
import { EVIDENCE_STORE, EvidenceStore } from './evidence-store';

/** API.md: one file of at most 10 MiB, at most 10 per report. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_MAX_PER_REPORT = 10;

export interface EvidenceView {
  id: string;
  reportId: string;
  sha256: string;
  contentType: string;
  size: number;
  addedAt: string;
  /** When its bytes were erased (retention); null while held. */
  erasedAt: string | null;
}

/** Who may add evidence to a report: the reporter holding its tracking token, or the API key that submitted it. */
export type EvidenceSubmitter = { trackingToken: string } | { apiKeyId: string };

/**
 * A reporter adds a file to their report (audited `evidence.added` with its SHA-256). The bytes are read and hashed
 * as they stream in, up to the limit, and their type is recognised from them alone; nothing is stored unless the
 * whole file is one of the accepted types and the report has room for it.
 */
@Injectable()
export class AddEvidence {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  async execute(
    input: { reportId: string; submitter: EvidenceSubmitter; file: AsyncIterable<Buffer> },
    ctx: ActionContext,
  ): Promise<Pick<EvidenceView, 'id' | 'sha256' | 'contentType' | 'size'>> {
    await this.assertSubmitter(input.reportId, input.submitter);
    const { bytes, sha256 } = await readWhole(input.file);
    const contentType = await evidenceFileType(bytes);
    if (!contentType) {
      throw new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'evidence must be a whole PNG, JPEG, WebP, GIF, PDF or MP4 file (recognised from its bytes)',
      );
    }
    return this.db.transaction(async (manager) => {
      // The report's row lock keeps two uploads from both taking the tenth place.
      await manager.query(`SELECT 1 FROM reports WHERE id = $1 FOR NO KEY UPDATE`, [input.reportId]);
      const [{ n }]: { n: number }[] = await manager.query(
        `SELECT count(*)::int AS n FROM evidence WHERE report_id = $1`,
        [input.reportId],
      );
      if (n >= EVIDENCE_MAX_PER_REPORT) {
        throw new DomainError('EVIDENCE_LIMIT_REACHED', `a report holds at most ${EVIDENCE_MAX_PER_REPORT} files`);
      }
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO evidence (report_id, sha256, content_type, size, store) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [input.reportId, sha256, contentType, bytes.length, this.store.name],
      );
      await this.store.put(manager, row.id, bytes);
      await this.audit.record(manager, ctx, {
        action: 'evidence.added',
        target: { type: 'evidence', id: row.id },
        data: { reportId: input.reportId, sha256, contentType, size: bytes.length },
      });
      return { id: row.id, sha256, contentType, size: bytes.length };
    });
  }

  /** A wrong token, another key and an unknown report look the same: 404. */
  private async assertSubmitter(reportId: string, submitter: EvidenceSubmitter): Promise<void> {
    const [report]: { tracking_token_hash: string; api_key_id: string | null }[] = await this.db.query(
      `SELECT tracking_token_hash, api_key_id FROM reports WHERE id = $1`,
      [reportId],
    );
    const allowed =
      report &&
      ('apiKeyId' in submitter
        ? report.api_key_id === submitter.apiKeyId
        : ReporterIdentity.tokenMatches(submitter.trackingToken, report.tracking_token_hash));
    if (!allowed) throw new DomainError('NOT_FOUND', 'report not found');
  }
}

/** The whole file, hashed as it arrives; over EVIDENCE_MAX_BYTES is a 413 as soon as it is. */
async function readWhole(file: AsyncIterable<Buffer>): Promise<{ bytes: Buffer; sha256: string }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += chunk.length;
    if (size > EVIDENCE_MAX_BYTES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `evidence files are at most ${EVIDENCE_MAX_BYTES} bytes`);
    }
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') };
}

/** A staff member or an auditor downloads a file (audited `evidence.viewed`, with its hash, before any byte goes). */
@Injectable()
export class ViewEvidence {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  async execute(
    input: { evidenceId: string },
    ctx: ActionContext,
  ): Promise<{ bytes: Buffer; contentType: EvidenceType; sha256: string }> {
    const [row]: { content_type: EvidenceType; sha256: string; erased_at: Date | null; report_id: string }[] =
      await this.db.query(`SELECT content_type, sha256, erased_at, report_id FROM evidence WHERE id = $1`, [
        input.evidenceId,
      ]);
    if (!row) throw new DomainError('NOT_FOUND', 'evidence not found');
    if (row.erased_at) throw new DomainError('GONE', 'this evidence was erased under the retention policy');
    const bytes = await this.store.get(input.evidenceId);
    if (!bytes) throw new DomainError('GONE', 'this evidence was erased under the retention policy');
    await this.audit.recordRead(this.db, ctx, {
      action: 'evidence.viewed',
      target: { type: 'evidence', id: input.evidenceId },
      data: { reportId: row.report_id, sha256: row.sha256 },
    });
    return { bytes, contentType: row.content_type, sha256: row.sha256 };
  }
}

/** An `evidence` row, as the case detail reads it. */
export interface EvidenceRow {
  id: string;
  report_id: string;
  sha256: string;
  content_type: string;
  size: number;
  added_at: Date;
  erased_at: Date | null;
}
