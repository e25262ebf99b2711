import type { ActorRole } from '@vigil/domain';

/** Who acts: a staff user, an API key, the anonymous public, or the system (jobs). */
export interface Actor {
  id: string | null;
  role: ActorRole;
}

/** What every use-case receives besides its input: the actor and the request that caused the action. */
export interface ActionContext {
  actor: Actor;
  requestId: string | null;
}

export const systemContext = (requestId: string | null = null): ActionContext => ({
  actor: { id: null, role: 'system' },
  requestId,
});
