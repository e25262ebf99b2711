import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiKeyEntity, UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { apiKeyMatches, apiKeyPrefix } from './api-key-format';
import type { AccessTokenClaims } from './login.use-case';
import { QUEUE_BOARD_AUDIENCE } from './open-queue-board.use-case';
import type { Principal } from './principal';

/** What the Authenticator reads of a staff token: whose, and at which session version. */
interface SessionClaims {
  sub: string;
  sv?: number;
}

/**
 * Turns request credentials into a Principal. Roles, the disabled flag and the session version are read fresh from the
 * database on every request.
 */
@Injectable()
export class Authenticator {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
  ) {}

  async fromBearer(token: string): Promise<Principal> {
    let claims: AccessTokenClaims & { aud?: unknown };
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & { aud?: unknown }>(token);
    } catch {
      throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired access token');
    }
    // Access tokens carry no audience; a token that names one (a board session's) is not an access token.
    if (claims.aud !== undefined) throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired access token');
    return this.activeStaff(claims, 'invalid or expired access token');
  }

  /** A board session token (OpenQueueBoard's): valid for Bull Board alone, its user re-read like a bearer's. */
  async fromQueueBoardSession(token: string): Promise<Principal> {
    let claims: SessionClaims;
    try {
      claims = await this.jwt.verifyAsync<SessionClaims>(token, { audience: QUEUE_BOARD_AUDIENCE });
    } catch {
      throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired queue board session');
    }
    return this.activeStaff(claims, 'invalid or expired queue board session');
  }

  /** The token's user, active, and the token issued at the user's current session version (a reset or disable ends it). */
  private async activeStaff(claims: SessionClaims, refusal: string): Promise<Principal> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: claims.sub });
    if (!user || user.disabled || (claims.sv ?? 0) !== user.sessionVersion) {
      throw new DomainError('NOT_AUTHENTICATED', refusal);
    }
    return { kind: 'staff', userId: user.id, email: user.email, roles: user.roles, languages: user.languages };
  }

  /**
   * A key is found by its prefix and checked against the stored SHA-256 in constant time. Unknown, wrong and revoked
   * keys get one answer, and a wrong key is never a silent public report. The row is read on every request, so a
   * revocation takes effect with its commit.
   */
  async fromApiKey(key: string): Promise<Principal> {
    const prefix = apiKeyPrefix(key);
    const row = prefix ? await this.db.getRepository(ApiKeyEntity).findOneBy({ keyPrefix: prefix }) : null;
    if (!row || !apiKeyMatches(key, row.keyHash) || row.revokedAt !== null) {
      throw new DomainError('NOT_AUTHENTICATED', 'unknown or revoked API key');
    }
    return { kind: 'api_key', apiKeyId: row.id, role: row.role, organization: row.organization };
  }
}
