import { Readable } from 'node:stream';

/**
 * Newline-delimited JSON (one `JSON.stringify` line per item, each ending in `\n`) as a stream that pulls items only
 * as fast as the client reads. The first item is awaited before anything is sent, so a failure to start (a bad
 * cursor, the database away) is still answered with a status and the error shape; a failure later can only cut the
 * stream short. A client that goes away stops the source (its `return` runs).
 */
export async function ndjsonStream(items: AsyncIterable<unknown>): Promise<Readable> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* lines(): AsyncGenerator<string> {
    try {
      for (let next = first; !next.done; next = await iterator.next()) yield `${JSON.stringify(next.value)}\n`;
    } finally {
      await iterator.return?.();
    }
  }
  return Readable.from(lines());
}
