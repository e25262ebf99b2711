export * from './data-source';
export * from './database.module';
export * from './migrate';
export * from './entities/audit-event.entity';
export * from './entities/case.entity';
export * from './entities/channel.entity';
export * from './entities/report.entity';
export * from './entities/user.entity';
