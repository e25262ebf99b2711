import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import {
  CreateApiKey,
  CreateUser,
  PasswordHasher,
  ResetPassword,
  RevokeApiKey,
  UpdateUser,
  UserDirectory,
} from '@vigil/identity';
import { ReinstateReporter, ReporterStandings, RequeueReports, RetentionModule } from '@vigil/moderation';
import { QueuesModule } from '@vigil/queues';

/** What a command needs beyond the database: `queues` only for `reports:requeue`. */
export type CliNeeds = 'database' | 'queues';

/**
 * What the operator commands need: the database, the audit use-cases, retention, and the admin use-cases the HTTP
 * twins call (users, API keys, reporters), provided here one by one rather than through IdentityModule or
 * ModerationModule, which need Redis (rate limits, queues) that these commands do without: they work with the API,
 * and Redis, down. Only `reports:requeue` connects to Redis, through the producer's QueuesModule.
 */
@Module({})
export class CliModule {
  static forRoot(config: VigilConfig, needs: CliNeeds = 'database'): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        AuditModule,
        RetentionModule,
        ...(needs === 'queues' ? [QueuesModule.forRoot('producer')] : []),
      ],
      providers: [
        CreateUser,
        UpdateUser,
        ResetPassword,
        UserDirectory,
        PasswordHasher,
        CreateApiKey,
        RevokeApiKey,
        ReinstateReporter,
        ReporterStandings,
        ...(needs === 'queues' ? [RequeueReports] : []),
      ],
    };
  }
}
