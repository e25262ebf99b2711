import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { UserEntity } from '@vigil/database';
import { DomainError, StaffRole } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { UserView, userView } from './user-view';

export interface UpdateUserInput {
  userId: string;
  roles?: StaffRole[];
  languages?: string[];
  disabled?: boolean;
}

@Injectable()
export class UpdateUser {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: UpdateUserInput, ctx: ActionContext): Promise<UserView> {
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOne({ where: { id: input.userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new DomainError('NOT_FOUND', 'user not found');
      const before = { roles: user.roles, languages: user.languages, disabled: user.disabled };
      if (input.roles !== undefined) user.roles = [...new Set(input.roles)];
      if (input.languages !== undefined) user.languages = [...new Set(input.languages.map((l) => l.toLowerCase()))];
      if (input.disabled !== undefined) {
        // Disabling ends every session for good: enabling the user again does not bring old tokens back.
        if (input.disabled && !user.disabled) user.sessionVersion += 1;
        user.disabled = input.disabled;
      }
      if (user.id === ctx.actor.id && (user.disabled || !user.roles.includes('admin'))) {
        // An admin locking themselves out would leave nobody able to undo it.
        throw new DomainError('FORBIDDEN', 'an admin cannot disable themselves or drop their own admin role');
      }
      const saved = await repo.save(user);
      await this.audit.record(manager, ctx, {
        action: 'user.updated',
        target: { type: 'user', id: user.id },
        data: { before, after: { roles: saved.roles, languages: saved.languages, disabled: saved.disabled } },
      });
      return userView(saved);
    });
  }
}
