import { DynamicModule, Global, Module } from '@nestjs/common';
import { VigilConfig } from './config';

export const VIGIL_CONFIG = Symbol('VIGIL_CONFIG');

/** Makes one validated VigilConfig injectable everywhere as `@Inject(VIGIL_CONFIG)`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: VIGIL_CONFIG, useValue: config }], exports: [VIGIL_CONFIG] };
  }
}
