import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { RetentionModule } from '@vigil/moderation';

/** What the operator commands need: the database, the audit use-cases and retention. No HTTP, no queues. */
@Module({})
export class CliModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), AuditModule, RetentionModule],
    };
  }
}
