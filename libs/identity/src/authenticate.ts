import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import type { AccessTokenClaims } from './login.use-case';
import type { Principal } from './principal';

/** Turns request credentials into a Principal. Roles and the disabled flag are read fresh from the database. */
@Injectable()
export class Authenticator {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
  ) {}

  async fromBearer(token: string): Promise<Principal> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired access token');
    }
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: claims.sub });
    if (!user || user.disabled) throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired access token');
    return { kind: 'staff', userId: user.id, email: user.email, roles: user.roles, languages: user.languages };
  }

  // Until API keys exist (issue "Security"), every key is unknown; a wrong key is never a silent public report.
  async fromApiKey(_key: string): Promise<Principal> {
    throw new DomainError('NOT_AUTHENTICATED', 'unknown or revoked API key');
  }
}
