import { BadRequestException } from '@nestjs/common';
import { IsString } from 'class-validator';
import { InputValidationPipe, MAX_INPUT_DEPTH } from './validation.pipe';

class NoteDto {
  @IsString()
  note: string;
}

const pipe = new InputValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
const asBody = (value: unknown) => pipe.transform(value, { type: 'body', metatype: NoteDto });
const asQuery = (value: unknown) => pipe.transform(value, { type: 'query', metatype: NoteDto });

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadRequestException);
  return JSON.stringify((error as BadRequestException).getResponse());
}

describe('InputValidationPipe', () => {
  it('passes ordinary input on to class-validator', async () => {
    await expect(asBody({ note: 'مرحبا 👋' })).resolves.toEqual({ note: 'مرحبا 👋' });
    expect(await messageOf(asBody({ note: 'x', extra: 1 }))).toContain('property extra should not exist');
  });

  it('refuses input nested deeper than the limit without overflowing the stack', async () => {
    expect(await messageOf(asBody({ note: 'x', deep: nested(MAX_INPUT_DEPTH + 1) }))).toContain('nested more than');
    expect(await messageOf(asBody({ note: 'x', deep: nested(100_000) }))).toContain('nested more than');
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00b'],
  ])('refuses a string holding %s, in values and in keys', async (_, text) => {
    expect(await messageOf(asBody({ note: text }))).toContain('NUL character or malformed Unicode');
    expect(await messageOf(asQuery({ note: 'x', [text]: 'y' }))).toContain('NUL character or malformed Unicode');
  });

  it('accepts a well-formed surrogate pair', async () => {
    await expect(asBody({ note: '\ud83d\ude00' })).resolves.toEqual({ note: '😀' });
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses an unknown field named %s as a 400, not silently',
    async (key) => {
      const body = JSON.parse(`{"note": "x", "${key}": {"polluted": true}}`);
      expect(await messageOf(asBody(body))).toContain(`property ${key} should not exist`);
    },
  );
});
