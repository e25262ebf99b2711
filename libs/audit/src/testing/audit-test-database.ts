// A throwaway, migrated database with the audit use-cases wired by hand (no Nest), for the audit integration tests.
import { Logger } from '@nestjs/common';
import { loadConfig, VigilConfig } from '@vigil/config';
import { dropDatabase, migrate, throwawayDatabaseUrl } from '@vigil/database';
import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditQueries } from '../audit-queries';
import { AuditSigningKey } from '../audit-signing-key';
import { AuditTreeQueries } from '../audit-tree-queries';
import { AuditService } from '../audit.service';
import { ExportAuditRange } from '../export-audit-range.use-case';
import { SealAuditEvents } from '../seal-audit-events.use-case';
import { SignAuditCheckpoint } from '../sign-audit-checkpoint.use-case';
import { SignTreeCheckpoint } from '../sign-tree-checkpoint.use-case';
import { VerifyAuditChain } from '../verify-audit-chain.use-case';

export interface AuditUseCases {
  db: DataSource;
  key: AuditSigningKey;
  audit: AuditService;
  seal: SealAuditEvents;
  sign: SignAuditCheckpoint;
  verify: VerifyAuditChain;
  queries: AuditQueries;
  tree: AuditTreeQueries;
  signTree: SignTreeCheckpoint;
  exportRange: ExportAuditRange;
}

export class AuditTestDatabase {
  private readonly sources: DataSource[] = [];
  private superuser: Client | null = null;

  private constructor(readonly config: VigilConfig) {}

  static async create(env: Record<string, string> = {}): Promise<AuditTestDatabase> {
    // The use-cases log through Nest's static logger; outside an app that would print every debug line.
    Logger.overrideLogger(['error', 'fatal']);
    // The server from the environment as the apps read it (libs/config); the database is this run's own.
    const databaseUrl = throwawayDatabaseUrl(loadConfig().databaseUrl, 'audit');
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '25',
      AUDIT_SIGNING_KEY: signingKey,
      AUDIT_SEAL_SETTLE_MS: '0',
      ...env,
    });
    await migrate(config);
    return new AuditTestDatabase(config);
  }

  /** A separate pool with its own use-cases: two of these behave like two worker processes. */
  async useCases(poolSize = this.config.databasePoolSize): Promise<AuditUseCases> {
    const db = new DataSource({ type: 'postgres', url: this.config.databaseUrl, poolSize, extra: { max: poolSize } });
    await db.initialize();
    this.sources.push(db);
    const key = new AuditSigningKey(this.config);
    const audit = new AuditService();
    const sign = new SignAuditCheckpoint(db, key, audit);
    return {
      db,
      key,
      audit,
      seal: new SealAuditEvents(db, this.config),
      sign,
      verify: new VerifyAuditChain(db, key, this.config),
      queries: new AuditQueries(db),
      tree: new AuditTreeQueries(db, key, this.config),
      signTree: new SignTreeCheckpoint(db, key, this.config),
      exportRange: new ExportAuditRange(db, key, sign),
    };
  }

  /** A plain connection as the database superuser (the tests' user), for tampering with the trail. */
  async sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.superuser) {
      this.superuser = new Client({ connectionString: this.config.databaseUrl });
      await this.superuser.connect();
    }
    return (await this.superuser.query(text, params)).rows as T[];
  }

  /** Runs `statements` with the append-only triggers switched off, as an attacker with superuser rights could. */
  async tamper(...statements: string[]): Promise<void> {
    await this.sql('BEGIN');
    try {
      await this.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      await this.sql('ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_no_update_delete');
      await this.sql('ALTER TABLE audit_tree_nodes DISABLE TRIGGER audit_tree_nodes_no_update_delete');
      await this.sql('ALTER TABLE audit_tree_heads DISABLE TRIGGER audit_tree_heads_no_update_delete');
      for (const statement of statements) await this.sql(statement);
      await this.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
      await this.sql('ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_no_update_delete');
      await this.sql('ALTER TABLE audit_tree_nodes ENABLE TRIGGER audit_tree_nodes_no_update_delete');
      await this.sql('ALTER TABLE audit_tree_heads ENABLE TRIGGER audit_tree_heads_no_update_delete');
      await this.sql('COMMIT');
    } catch (error) {
      await this.sql('ROLLBACK');
      throw error;
    }
  }

  async drop(): Promise<void> {
    await this.superuser?.end();
    for (const source of this.sources) await source.destroy();
    await dropDatabase(this.config.databaseUrl);
  }
}
