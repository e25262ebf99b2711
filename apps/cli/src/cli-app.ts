// The Nest application a command runs in, and who its audit events name as the actor.
import { ConsoleLogger, INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ActionContext } from '@vigil/audit';
import { enabledLogLevels } from '@vigil/config';
import { UserDirectory } from '@vigil/identity';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { CliIo } from './cli-io';
import { CliModule, CliNeeds } from './cli.module';

/** The actor an audited CLI action is recorded under: an operator on the machine, with no staff account. */
export function cliContext(): ActionContext {
  return { actor: { id: null, role: 'system' }, requestId: `cli-${randomUUID()}` };
}

/**
 * The context of an audited command: `--as <email>` records that admin's staff account as the actor (it must exist,
 * be active and hold the admin role, as the HTTP twin's caller must); without it, the system actor of cliContext.
 * The request id is `cli-<uuid>` either way, so the trail tells a CLI action from an HTTP one.
 */
export async function operatorContext(app: INestApplicationContext, asEmail: string | undefined): Promise<ActionContext> {
  const ctx = cliContext();
  if (asEmail === undefined) return ctx;
  const operator = await app.get(UserDirectory).activeAdminByEmail(asEmail);
  return { ...ctx, actor: { id: operator.id, role: 'admin' } };
}

export async function withApp<T>(
  io: CliIo,
  work: (app: INestApplicationContext) => Promise<T>,
  needs: CliNeeds = 'database',
): Promise<T> {
  const config = io.config();
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, needs), {
    // Nest's start-up chatter is `log`; an operator command shows warnings and errors only.
    logger: new StderrLogger(io.stderr, enabledLogLevels(config.logLevel).filter((level) => level !== 'log')),
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Logs go to stderr: stdout carries the command's output (an export is piped to a file). */
class StderrLogger extends ConsoleLogger {
  constructor(
    private readonly stream: Writable,
    levels: LogLevel[],
  ) {
    super({ logLevels: levels });
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log'): void {
    for (const message of messages) {
      this.stream.write(`[${logLevel}]${context ? ` [${context}]` : ''} ${String(message)}\n`);
    }
  }
}
