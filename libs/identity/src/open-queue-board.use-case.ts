import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { UserEntity } from '@vigil/database';
import { DataSource } from 'typeorm';

/**
 * The audience of a board session token. Access tokens carry none, and the Authenticator refuses a bearer token
 * that carries one, so a board token opens Bull Board (/admin/queues) and nothing else, and an access token is never
 * taken as a board session.
 */
export const QUEUE_BOARD_AUDIENCE = 'vigil:queue-board';
/** Where Bull Board is served, and the only path its session cookie is sent to. */
export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'vigil_queue_board';

export interface QueueBoardSession {
  /** The board-only token the cookie carries (never returned in a response body). */
  token: string;
  expiresIn: number;
}

/**
 * Opens an admin's board session: a short-lived token for Bull Board alone, which the API sets as an HttpOnly
 * cookie scoped to /admin/queues (a browser navigation cannot carry the console's bearer token). The caller has
 * passed the admin role check; each board request checks again that the user is active and still an admin.
 * Writes no state, so the audit event is the only row (`queues.board_opened`).
 */
@Injectable()
export class OpenQueueBoard {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { userId: string }, ctx: ActionContext): Promise<QueueBoardSession> {
    const expiresIn = this.config.queueBoardSessionSeconds;
    // It carries the user's session version, so a password reset or a disable ends it with the access tokens.
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: input.userId });
    if (!user) throw new DomainError('NOT_AUTHENTICATED', 'invalid or expired access token');
    // A session opened, not a read: recorded whatever AUDIT_READS says.
    await this.audit.record(this.db.manager, ctx, {
      action: 'queues.board_opened',
      target: { type: 'user', id: input.userId },
      data: { expiresInSeconds: expiresIn },
    });
    const token = await this.jwt.signAsync(
      { sub: input.userId, sv: user.sessionVersion },
      { audience: QUEUE_BOARD_AUDIENCE, expiresIn },
    );
    return { token, expiresIn };
  }
}
