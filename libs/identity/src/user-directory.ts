import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { UserView, userView } from './user-view';

/** Read-only views of staff users. */
@Injectable()
export class UserDirectory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(userId: string): Promise<UserView> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new DomainError('NOT_FOUND', 'user not found');
    return userView(user);
  }

  /** By email, as stored (trimmed, lower-cased). */
  async getByEmail(email: string): Promise<UserView> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw new DomainError('NOT_FOUND', 'user not found');
    return userView(user);
  }

  /**
   * An admin who may act now (active, holding `admin`) by email, or FORBIDDEN: whom an operator's CLI command may name
   * as its actor (`--as`), as the HTTP twin's caller must be.
   */
  async activeAdminByEmail(email: string): Promise<UserView> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ email: email.trim().toLowerCase() });
    if (!user || user.disabled || !user.roles.includes('admin')) {
      throw new DomainError('FORBIDDEN', `no active admin has the email ${email}`);
    }
    return userView(user);
  }

  async list(): Promise<UserView[]> {
    const users = await this.db.getRepository(UserEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return users.map(userView);
  }
}
