import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * A development secret kept in a file (git-ignored `.vigil/`), made on first use so that what it protects stays
 * readable across restarts of a developer's machine. The API, the worker and the CLI may start at once: the secret
 * is written to a private temporary file and linked into place, which fails if another process got there first —
 * then everyone reads the winner's. `created` is true for the process that made it (to say so in its log).
 */
export function developmentSecret(path: string, make: () => string): { text: string; created: boolean } {
  const file = resolve(path);
  try {
    return { text: readFileSync(file, 'utf8'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, make(), { mode: 0o600 });
  let created = false;
  try {
    linkSync(temporary, file);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return { text: readFileSync(file, 'utf8'), created };
}
