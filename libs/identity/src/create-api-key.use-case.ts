import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { ApiKeyEntity } from '@vigil/database';
import { ApiKeyRole, STAFF_ROLES } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { generateApiKey } from './api-key-format';
import { CreatedApiKey } from './api-key-view';

export interface CreateApiKeyInput {
  name: string;
  role: ApiKeyRole;
  organization: string;
}

/** Issues a trusted flagger's or referral unit's key; the key is returned once and only its hash is stored. */
@Injectable()
export class CreateApiKey {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: CreateApiKeyInput, ctx: ActionContext): Promise<CreatedApiKey> {
    const createdBy = (STAFF_ROLES as readonly string[]).includes(ctx.actor.role) ? ctx.actor.id : null;
    return this.db.transaction(async (manager) => {
      // 64 random bits of prefix practically never collide; a collision just draws a new key.
      for (let attempt = 0; attempt < 3; attempt++) {
        const generated = generateApiKey();
        const inserted: { id: string }[] = await manager.query(
          `INSERT INTO api_keys (name, role, organization, key_prefix, key_hash, created_by)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_prefix) DO NOTHING RETURNING id`,
          [input.name, input.role, input.organization, generated.prefix, generated.hash, createdBy],
        );
        if (inserted.length === 0) continue;
        const row = await manager.getRepository(ApiKeyEntity).findOneByOrFail({ id: inserted[0].id });
        await this.audit.record(manager, ctx, {
          action: 'apikey.created',
          target: { type: 'api_key', id: row.id },
          // The prefix names the key without giving it away; the key and its hash never enter the audit trail.
          data: { name: row.name, role: row.role, organization: row.organization, keyPrefix: row.keyPrefix },
        });
        return {
          id: row.id,
          name: row.name,
          role: row.role,
          organization: row.organization,
          key: generated.key,
          keyPrefix: row.keyPrefix,
          createdAt: row.createdAt.toISOString(),
        };
      }
      throw new Error('could not draw an unused API key prefix in 3 attempts');
    });
  }
}
