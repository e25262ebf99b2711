import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ContactCipher } from './contact-cipher';
import { dataSourceOptions } from './data-source';
import { ScheduledRuns } from './scheduled-runs';

/** One TypeORM DataSource for the process, from VigilConfig; migrations are applied by `npm run db:migrate`. */
@Global()
@Module({})
export class DatabaseModule {
  /**
   * `extraConnections`: connections the process needs beyond DATABASE_POOL_SIZE — the worker's triage jobs hold one
   * each for their whole transaction (and, on a hot channel, while they wait for it), which must not starve the
   * sealer and the other processors.
   */
  static forRoot({ extraConnections = 0 }: { extraConnections?: number } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [VIGIL_CONFIG],
          useFactory: (config: VigilConfig) => ({
            ...dataSourceOptions({ ...config, databasePoolSize: config.databasePoolSize + extraConnections }),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [
        ScheduledRuns,
        { provide: ContactCipher, inject: [VIGIL_CONFIG], useFactory: ContactCipher.fromConfig },
      ],
      exports: [TypeOrmModule, ScheduledRuns, ContactCipher],
    };
  }
}
