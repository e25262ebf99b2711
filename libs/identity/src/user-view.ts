import type { UserEntity } from '@vigil/database';
import type { StaffRole } from '@vigil/domain';

/** The `user` object of API.md. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  roles: StaffRole[];
  languages: string[];
  disabled: boolean;
  createdAt: string;
}

export function userView(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    languages: user.languages,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
  };
}
