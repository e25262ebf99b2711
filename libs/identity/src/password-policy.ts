import { DomainError } from '@vigil/domain';
import { length } from 'class-validator';

/**
 * A staff password, as API.md's `POST /v1/admin/users` takes it: 12 to 1024 characters (counted as class-validator's
 * `@Length`, which CreateUserDto applies, counts them). The operator CLI checks the same rule before it hashes.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export function passwordAllowed(password: string): boolean {
  return length(password, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH);
}

export function assertPasswordAllowed(password: string): void {
  if (!passwordAllowed(password)) {
    throw new DomainError(
      'INVALID_INPUT',
      `a password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    );
  }
}
