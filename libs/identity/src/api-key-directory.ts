import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiKeyEntity } from '@vigil/database';
import { DataSource } from 'typeorm';
import { ApiKeyView, apiKeyView } from './api-key-view';

/** Read-only views of API keys (never the key or its hash). */
@Injectable()
export class ApiKeyDirectory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(apiKeyView);
  }
}
