import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { ApiKeyEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';

/**
 * Revokes a key. The Authenticator reads the key's row on every request (no cache), so the key stops working with
 * this commit. Revoking a revoked key changes nothing and records nothing.
 */
@Injectable()
export class RevokeApiKey {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { apiKeyId: string }, ctx: ActionContext): Promise<void> {
    await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(ApiKeyEntity);
      const row = await repo.findOne({ where: { id: input.apiKeyId }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new DomainError('NOT_FOUND', 'API key not found');
      if (row.revokedAt) return;
      await manager.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [row.id]);
      await this.audit.record(manager, ctx, {
        action: 'apikey.revoked',
        target: { type: 'api_key', id: row.id },
        data: { name: row.name, role: row.role, organization: row.organization, keyPrefix: row.keyPrefix },
      });
    });
  }
}
