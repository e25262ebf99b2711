import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from '@vigil/audit';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { IdentityModule } from '@vigil/identity';
import { ModerationModule } from '@vigil/moderation';
import { QueuesModule } from '@vigil/queues';
import { AdminApiKeysController } from './controllers/admin-api-keys.controller';
import { AdminEnforcementsController } from './controllers/admin-enforcements.controller';
import { AdminQueuesController } from './controllers/admin-queues.controller';
import { AdminReportsController } from './controllers/admin-reports.controller';
import { AdminReportersController } from './controllers/admin-reporters.controller';
import { AdminUsersController } from './controllers/admin-users.controller';
import { AuditTreeController } from './controllers/audit-tree.controller';
import { AuditController } from './controllers/audit.controller';
import { AppealsController } from './controllers/appeals.controller';
import { ChannelsController } from './controllers/channels.controller';
import { MigrationsController } from './controllers/migrations.controller';
import { IncidentsController } from './controllers/incidents.controller';
import { EvidenceController } from './controllers/evidence.controller';
import { LegalHoldsController } from './controllers/legal-holds.controller';
import { FeedsController } from './controllers/feeds.controller';
import { ReviewController } from './controllers/review.controller';
import { AuthController } from './controllers/auth.controller';
import { CasesController } from './controllers/cases.controller';
import { HealthController } from './controllers/health.controller';
import { ReportsController } from './controllers/reports.controller';
import { TransparencyController } from './controllers/transparency.controller';
import { AccessGuard } from './http/access.guard';
import { ErrorFilter } from './http/error.filter';
import { MetricsRegistry } from './http/metrics';
import { apiValidationPipe } from './http/validation.pipe';

@Module({})
export class ApiModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        QueuesModule.forRoot('producer'),
        AuditModule,
        IdentityModule,
        ModerationModule,
        TerminusModule,
      ],
      controllers: [
        ReportsController,
        CasesController,
        ReviewController,
        ChannelsController,
        MigrationsController,
        IncidentsController,
        EvidenceController,
        LegalHoldsController,
        AppealsController,
        AdminEnforcementsController,
        AuthController,
        AdminUsersController,
        AdminApiKeysController,
        AdminReportsController,
        AdminReportersController,
        AdminQueuesController,
        AuditController,
        AuditTreeController,
        TransparencyController,
        FeedsController,
        HealthController,
      ],
      providers: [
        MetricsRegistry,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useValue: apiValidationPipe() },
      ],
    };
  }
}
