import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';

/** What the operator commands need: the database and the audit use-cases. No HTTP, no queues. */
@Module({})
export class CliModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), AuditModule] };
  }
}
