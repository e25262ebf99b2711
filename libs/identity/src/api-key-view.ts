import type { ApiKeyEntity } from '@vigil/database';
import type { ApiKeyRole } from '@vigil/domain';

/** An API key as admins see it: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  organization: string;
  keyPrefix: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** The answer to creating a key: the only time `key` is shown. */
export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  organization: string;
  key: string;
  keyPrefix: string;
  createdAt: string;
}

export function apiKeyView(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    organization: row.organization,
    keyPrefix: row.keyPrefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
