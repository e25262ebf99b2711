import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { assertPasswordAllowed } from './password-policy';
import { UserView, userView } from './user-view';

/**
 * Sets a staff user's password (the operator CLI's `users:reset-password`; the API has no twin). Audited
 * `user.password_reset`, never with the password or its hash. The user's session version moves on, so the access
 * tokens and board sessions issued before stop working at once (the Authenticator compares the version each carries).
 */
@Injectable()
export class ResetPassword {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(input: { userId: string; password: string }, ctx: ActionContext): Promise<UserView> {
    assertPasswordAllowed(input.password);
    const passwordHash = await this.hasher.hash(input.password);
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOne({ where: { id: input.userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new DomainError('NOT_FOUND', 'user not found');
      // A new session version: every access token and board session issued before stops working now.
      await manager.query(
        `UPDATE users SET password_hash = $2, session_version = session_version + 1, updated_at = now() WHERE id = $1`,
        [user.id, passwordHash],
      );
      await this.audit.record(manager, ctx, {
        action: 'user.password_reset',
        target: { type: 'user', id: user.id },
        data: { email: user.email, sessionsEnded: true },
      });
      return userView(user);
    });
  }
}
