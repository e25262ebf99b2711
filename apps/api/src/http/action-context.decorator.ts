import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ActionContext } from '@vigil/audit';
import { actorOf, Principal } from '@vigil/identity';
import type { VigilRequest } from './vigil-request';

/** The acting principal and request id, as use-cases take them. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): ActionContext => {
  const request = context.switchToHttp().getRequest<VigilRequest>();
  return { actor: actorOf(request.principal ?? null), requestId: String(request.id) };
});

/** The authenticated principal (null on a public route called without credentials). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | null => {
  return context.switchToHttp().getRequest<VigilRequest>().principal ?? null;
});
