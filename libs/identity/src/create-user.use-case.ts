import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { UserEntity } from '@vigil/database';
import { DomainError, StaffRole } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { assertPasswordAllowed } from './password-policy';
import { UserView, userView } from './user-view';

export interface CreateUserInput {
  email: string;
  password: string;
  displayName: string;
  roles: StaffRole[];
  languages?: string[];
}

@Injectable()
export class CreateUser {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(input: CreateUserInput, ctx: ActionContext): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    // The rule the API's DTO and the CLI check first, here for every caller (the bootstrap admin included).
    assertPasswordAllowed(input.password);
    const passwordHash = await this.hasher.hash(input.password);
    const roles = [...new Set(input.roles)];
    const languages = [...new Set((input.languages ?? []).map((l) => l.toLowerCase()))];
    return this.db.transaction(async (manager) => {
      const inserted: UserEntity[] = await manager.query(
        `INSERT INTO users (email, password_hash, display_name, roles, languages)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, passwordHash, input.displayName, roles, languages],
      );
      if (inserted.length === 0) throw new DomainError('EMAIL_TAKEN', 'a user with this email already exists');
      const user = await manager.getRepository(UserEntity).findOneByOrFail({ id: inserted[0].id });
      await this.audit.record(manager, ctx, {
        action: 'user.created',
        target: { type: 'user', id: user.id },
        data: { email: user.email, roles: user.roles, languages: user.languages },
      });
      return userView(user);
    });
  }
}
