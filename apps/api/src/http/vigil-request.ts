import type { FastifyRequest } from 'fastify';
import type { Principal } from '@vigil/identity';

export type VigilRequest = FastifyRequest & { principal?: Principal | null };
