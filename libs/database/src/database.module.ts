import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { dataSourceOptions } from './data-source';

/** One TypeORM DataSource for the process, from VigilConfig; migrations are applied by `npm run db:migrate`. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [VIGIL_CONFIG],
          useFactory: (config: VigilConfig) => ({ ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 1000 }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
