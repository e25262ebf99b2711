import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * argon2id with OWASP's recommended parameters (m=19 MiB, t=2, p=1) rather than the library's 64 MiB: a burst of
 * staff logins then costs a third of the memory (docs/decisions.md). Hashes carry their parameters, so hashes made
 * with other ones still verify.
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
@Injectable()
export class PasswordHasher {
  // A fixed hash to verify against when the email is unknown, so both failures take the same time.
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      this.dummyHash ??= this.hash('no-such-user-password');
      await argon2.verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }
}
