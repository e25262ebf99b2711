// The operator's twins of the admin routes (users, API keys, reporters) and a triage requeue, for when the API is
// down or for scripted set-up. Each checks its arguments as the route's DTO does, then calls the route's use-case,
// so the change and its audit event are the same ones the HTTP call makes.
import { API_KEY_ROLES, ApiKeyRole, STAFF_ROLES, StaffRole } from '@vigil/domain';
import {
  CreateApiKey,
  CreateUser,
  ResetPassword,
  RevokeApiKey,
  UpdateUser,
  UserDirectory,
} from '@vigil/identity';
import { ReinstateReporter, ReporterIdentity, ReporterStandings, RequeueReports } from '@vigil/moderation';
import type { INestApplicationContext } from '@nestjs/common';
import { isUUID, length } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { operatorContext, withApp } from './cli-app';
import { CliIo, emailOption, parseArgs, printJson, readPasswordFromStdin, UsageError } from './cli-io';

export const ADMIN_USAGE = `  users:create --email <email> --role <role> [--role <role>…] [--display-name <name>] [--password-stdin]
                                             create a staff user (roles: ${STAFF_ROLES.join(', ')});
                                             the password is read from stdin, or generated and printed this once
  users:disable (--email <email> | --id <uuid>)
                                             disable a staff user (their access tokens stop working at once)
  users:reset-password (--email <email> | --id <uuid>) [--password-stdin]
                                             set a new password (stdin, or generated and printed this once);
                                             the user's access tokens and board sessions stop working at once
  apikeys:create --name <name> --role <${API_KEY_ROLES.join('|')}> --organization <org>
                                             issue an API key; the key is printed this once
  apikeys:revoke --id <uuid>                 revoke an API key
  reporters:reinstate --pseudonym <reporter#1a2b3c4d> --reason <text>
                                             lift a reporter's suspension (reason: 10 to 1000 characters)
  reports:requeue (--id <uuid> | --all-received)
                                             make sure reports still waiting for triage have a triage job (needs
                                             Redis; a report whose job is waiting is left alone)

  Passwords are never taken from the command line. Audited commands accept --as <admin email>: the trail then names
  that admin's account as the actor instead of the system (request id cli-<uuid> either way).
`;

export const ADMIN_COMMANDS = [
  'users:create',
  'users:disable',
  'users:reset-password',
  'apikeys:create',
  'apikeys:revoke',
  'reporters:reinstate',
  'reports:requeue',
] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

export const isAdminCommand = (command: string | undefined): command is AdminCommand =>
  (ADMIN_COMMANDS as readonly string[]).includes(command ?? '');

/** Runs one of ADMIN_COMMANDS; resolves to the exit code. Usage errors are thrown before anything is opened. */
export async function runAdminCommand(command: AdminCommand, rest: string[], io: CliIo): Promise<number> {
  switch (command) {
    case 'users:create': {
      const { options, flags, lists } = parseArgs(rest, ['email', 'display-name', 'as'], ['password-stdin'], 0, [
        'role',
      ]);
      const email = emailOption(options, 'email', true)!;
      const roles = rolesOption(lists.get('role') ?? []);
      const displayName = textOption(options, 'display-name', 1, 200) ?? email;
      const as = emailOption(options, 'as', false);
      const { password, generated } = await newPassword(io, flags);
      const user = await withApp(io, async (app) =>
        app.get(CreateUser).execute({ email, password, displayName, roles }, await operatorContext(app, as)),
      );
      await printJson(io, { user, ...(generated ? { generatedPassword: password } : {}) });
      return 0;
    }
    case 'users:disable': {
      const { options } = parseArgs(rest, ['email', 'id', 'as'], []);
      const who = userOption(options);
      const as = emailOption(options, 'as', false);
      const user = await withApp(io, async (app) =>
        app
          .get(UpdateUser)
          .execute({ userId: await userIdOf(app, who), disabled: true }, await operatorContext(app, as)),
      );
      await printJson(io, { user });
      return 0;
    }
    case 'users:reset-password': {
      const { options, flags } = parseArgs(rest, ['email', 'id', 'as'], ['password-stdin']);
      const who = userOption(options);
      const as = emailOption(options, 'as', false);
      const { password, generated } = await newPassword(io, flags);
      const user = await withApp(io, async (app) =>
        app.get(ResetPassword).execute({ userId: await userIdOf(app, who), password }, await operatorContext(app, as)),
      );
      await printJson(io, { user, ...(generated ? { generatedPassword: password } : {}) });
      return 0;
    }
    case 'apikeys:create': {
      const { options } = parseArgs(rest, ['name', 'role', 'organization', 'as'], []);
      const name = textOption(options, 'name', 1, 200, true)!;
      const role = options.get('role');
      if (role === undefined) throw new UsageError(`--role <${API_KEY_ROLES.join('|')}> is required`);
      if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')} (got "${role}")`);
      }
      const organization = textOption(options, 'organization', 1, 200, true)!;
      const as = emailOption(options, 'as', false);
      const created = await withApp(io, async (app) =>
        app
          .get(CreateApiKey)
          .execute({ name, role: role as ApiKeyRole, organization }, await operatorContext(app, as)),
      );
      await printJson(io, created);
      return 0;
    }
    case 'apikeys:revoke': {
      const { options } = parseArgs(rest, ['id', 'as'], []);
      const id = uuidOption(options, 'id', true)!;
      const as = emailOption(options, 'as', false);
      await withApp(io, async (app) => app.get(RevokeApiKey).execute({ apiKeyId: id }, await operatorContext(app, as)));
      await printJson(io, { id, revoked: true });
      return 0;
    }
    case 'reporters:reinstate': {
      const { options } = parseArgs(rest, ['pseudonym', 'reason', 'as'], []);
      const raw = options.get('pseudonym');
      if (raw === undefined) throw new UsageError('--pseudonym <reporter#1a2b3c4d> is required');
      const pseudonym = ReporterIdentity.canonicalPseudonym(raw);
      if (!pseudonym) throw new UsageError(`--pseudonym must be reporter#<8 hex digits> (got "${raw}")`);
      const reason = textOption(options, 'reason', 10, 1000, true)!;
      const as = emailOption(options, 'as', false);
      const standing = await withApp(io, async (app) => {
        await app.get(ReinstateReporter).execute({ pseudonym, reason }, await operatorContext(app, as));
        return app.get(ReporterStandings).view(pseudonym);
      });
      await printJson(io, standing);
      return 0;
    }
    case 'reports:requeue': {
      const { options, flags } = parseArgs(rest, ['id', 'as'], ['all-received']);
      const id = uuidOption(options, 'id', false);
      if ((id === undefined) === !flags.has('all-received')) {
        throw new UsageError('reports:requeue needs either --id <uuid> or --all-received');
      }
      const as = emailOption(options, 'as', false);
      const reports = await withApp(
        io,
        async (app) =>
          app
            .get(RequeueReports)
            .execute(id !== undefined ? { reportId: id } : { allReceived: true }, await operatorContext(app, as)),
        'queues',
      );
      const alreadyQueued = reports.filter((r) => r.alreadyQueued).length;
      await printJson(io, { requeued: reports.length - alreadyQueued, alreadyQueued, reports });
      return 0;
    }
  }
}

type UserRef = { email: string } | { id: string };

function userOption(options: Map<string, string>): UserRef {
  const email = emailOption(options, 'email', false);
  const id = uuidOption(options, 'id', false);
  if ((email === undefined) === (id === undefined)) throw new UsageError('name the user by --email or by --id');
  return email !== undefined ? { email } : { id: id! };
}

async function userIdOf(app: INestApplicationContext, who: UserRef): Promise<string> {
  return 'id' in who ? who.id : (await app.get(UserDirectory).getByEmail(who.email)).id;
}

/** A password from stdin (`--password-stdin`), or a generated one (192 random bits) to print once. */
async function newPassword(io: CliIo, flags: Set<string>): Promise<{ password: string; generated: boolean }> {
  if (flags.has('password-stdin')) return { password: await readPasswordFromStdin(io), generated: false };
  return { password: randomBytes(24).toString('base64url'), generated: true };
}

function uuidOption(options: Map<string, string>, name: string, required: boolean): string | undefined {
  const raw = options.get(name);
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} <uuid> is required`);
    return undefined;
  }
  if (!isUUID(raw)) throw new UsageError(`--${name} must be a UUID (got "${raw}")`);
  return raw.toLowerCase();
}

/** Trimmed text of `min` to `max` characters, as the DTOs' `@Trim() @Length(min, max)`. */
function textOption(options: Map<string, string>, name: string, min: number, max: number, required = false) {
  const raw = options.get(name);
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  const text = raw.trim();
  if (!length(text, min, max)) throw new UsageError(`--${name} must be ${min} to ${max} characters long`);
  return text;
}

function rolesOption(values: string[]): StaffRole[] {
  if (values.length === 0) throw new UsageError(`--role <${STAFF_ROLES.join('|')}> is required (repeat it for more)`);
  for (const role of values) {
    if (!(STAFF_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')} (got "${role}")`);
    }
  }
  return values as StaffRole[];
}
