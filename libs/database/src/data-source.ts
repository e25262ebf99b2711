// The one list of entities and migrations, shared by the apps, the migration CLI and the tests. No globs, so a
// bundled build and the CLI always agree.
import { DataSource, DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';
import { CaseEntity } from './entities/case.entity';
import { ChannelEntity } from './entities/channel.entity';
import { ReportEntity } from './entities/report.entity';
import { UserEntity } from './entities/user.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';

export const ENTITIES = [ChannelEntity, ReportEntity, CaseEntity, UserEntity, AuditEventEntity];
export const MIGRATIONS = [InitialSchema1764000000000];

export interface DatabaseSettings {
  databaseUrl: string;
  databasePoolSize: number;
}

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    poolSize: settings.databasePoolSize,
    extra: { max: settings.databasePoolSize, connectionTimeoutMillis: 5000, application_name: 'vigil' },
  };
}

export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
