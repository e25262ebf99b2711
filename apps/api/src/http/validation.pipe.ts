import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';

/** Far deeper than any body or query this API takes (two levels), far shallower than the call stack. */
export const MAX_INPUT_DEPTH = 32;

/** NUL, which Postgres text cannot hold, and lone UTF-16 surrogates, which are not text and break validators. */
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Names class-transformer silently drops (`toString`, `constructor`, every other member of Object.prototype) or that
 * class-validator's whitelist lets through (`prototype`): as field names they would be ignored, not refused.
 */
const isUnlistableKey = (key: string): boolean => key === 'prototype' || key in Object.prototype;

/**
 * Nest's ValidationPipe, after a check of what no DTO can express: bodies and query strings nested deeper than
 * MAX_INPUT_DEPTH (class-transformer recurses and overflows the stack, a 500); strings, keys included, holding NUL
 * or unpaired surrogates (a database or validator error, a 500); and unknown fields named like Object.prototype's
 * members, which the whitelist would not see (accepted and ignored, where API.md says unknown fields are a 400).
 */
export class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertPlainInput(value, metadata.type);
    return super.transform(value, metadata);
  }
}

/**
 * The API's global pipe (ApiModule): unknown fields refused, no implicit conversion, every failure reported at once.
 * Also what the benchmark's workload is checked against (test/bench/lib/workload.spec.mjs).
 */
export function apiValidationPipe(): InputValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    stopAtFirstError: false,
  });
}

/** Walks the value without recursion, so the check itself cannot overflow. */
function assertPlainInput(value: unknown, where: 'body' | 'query'): void {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current === 'string') {
      if (NOT_TEXT.test(current)) {
        throw new BadRequestException(`the ${where} contains a NUL character or malformed Unicode`);
      }
    } else if (typeof current === 'object' && current !== null) {
      if (depth >= MAX_INPUT_DEPTH) {
        throw new BadRequestException(`the ${where} is nested more than ${MAX_INPUT_DEPTH} levels deep`);
      }
      for (const [key, item] of Object.entries(current)) {
        if (isUnlistableKey(key)) throw new BadRequestException([`property ${key} should not exist`]);
        pending.push([key, depth], [item, depth + 1]);
      }
    }
  }
}
