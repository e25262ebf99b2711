// The command line's side of a command: its arguments, its streams, a secret read from standard input.
import { passwordAllowed, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@vigil/identity';
import type { VigilConfig } from '@vigil/config';
import { isEmail } from 'class-validator';
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Where `--password-stdin` reads from (process.stdin in main.ts). */
  stdin?: Readable & { isTTY?: boolean };
  /** Reads the configuration (loadConfig() in main.ts); not called by commands that need none. */
  config: () => VigilConfig;
}

/** A bad command line: exit 2 with the reason and the usage, before anything is read or changed. */
export class UsageError extends Error {}

export interface ParsedArgs {
  options: Map<string, string>;
  flags: Set<string>;
  positional: string[];
  /** The values of each repeatable option, in order. */
  lists: Map<string, string[]>;
}

export function parseArgs(
  args: string[],
  valued: string[],
  booleans: string[],
  maxPositional = 0,
  repeated: string[] = [],
): ParsedArgs {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const lists = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (name === 'password') {
      // Never echo it, and never take it: argv shows in `ps` and lands in shell history.
      throw new UsageError(
        'a password is never taken from the command line (ps and shell history show it): use --password-stdin, ' +
          'or leave it out to have one generated',
      );
    }
    if (booleans.includes(name) && inline === undefined) flags.add(name);
    else if (valued.includes(name) || repeated.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (repeated.includes(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
      else if (options.has(name)) throw new UsageError(`--${name} is given twice`);
      else options.set(name, value);
    } else throw new UsageError(`unknown option --${name}`);
  }
  if (positional.length > maxPositional) throw new UsageError(`unexpected argument "${positional[maxPositional]}"`);
  return { options, flags, positional, lists };
}

/** As CreateUserDto takes an email: trimmed, at most 254 characters, an address. */
export function emailOption(options: Map<string, string>, name: string, required: boolean): string | undefined {
  const raw = options.get(name);
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} <email> is required`);
    return undefined;
  }
  const email = raw.trim();
  if (email.length > 254 || !isEmail(email)) throw new UsageError(`--${name} must be an email address (got "${raw}")`);
  return email;
}

/**
 * A password piped in (`--password-stdin`): all of standard input, less one trailing newline, held to the API's
 * rule. A terminal is refused, since it would echo what is typed.
 */
export async function readPasswordFromStdin(io: CliIo): Promise<string> {
  const stdin = io.stdin;
  if (!stdin) throw new UsageError('--password-stdin: there is no standard input to read');
  if (stdin.isTTY) {
    throw new UsageError('--password-stdin reads a pipe or a file, not a terminal (which would show the password)');
  }
  // A character is at most 4 bytes of UTF-8; reading stops past what the longest allowed password could take.
  const limit = PASSWORD_MAX_LENGTH * 4 + 2;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    chunks.push(bytes);
    size += bytes.length;
    if (size > limit) break;
  }
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!passwordAllowed(password)) {
    throw new UsageError(
      `the password on standard input must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    );
  }
  return password;
}

/** Writes with back-pressure, so a large export piped to a slow consumer does not pile up in memory. */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

export const printJson = (io: CliIo, value: unknown): Promise<void> =>
  write(io.stdout, `${JSON.stringify(value, null, 2)}\n`);
