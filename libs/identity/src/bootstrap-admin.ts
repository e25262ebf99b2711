import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { systemContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { CreateUser } from './create-user.use-case';

/** Creates the first admin from BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD when no admin exists. */
@Injectable()
export class BootstrapAdmin {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly createUser: CreateUser,
  ) {}

  async run(): Promise<'created' | 'exists' | 'not-configured'> {
    const { bootstrapAdminEmail: email, bootstrapAdminPassword: password } = this.config;
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM users WHERE 'admin' = ANY (roles)`);
    if (count > 0) return 'exists';
    if (!email || !password) {
      this.logger.warn('No admin exists; set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD to create one');
      return 'not-configured';
    }
    try {
      await this.createUser.execute(
        { email, password, displayName: 'Administrator', roles: ['admin'] },
        systemContext(),
      );
    } catch (error) {
      // Another API replica won the race, or the address exists without the admin role.
      if (error instanceof DomainError && error.code === 'EMAIL_TAKEN') return 'exists';
      throw error;
    }
    // Not the address: no log line carries personal data (docs/decisions.md).
    this.logger.log('Created the first admin from BOOTSTRAP_ADMIN_EMAIL');
    return 'created';
  }
}
