// `npm run cli -- <command>`: operator commands that work against the database without the API running, and an
// offline verifier that needs no database at all. Parsing and printing only; the work is in the libraries' use-cases.
import {
  AuditInclusionBundle,
  ExportAuditRange,
  ProveAuditEvent,
  SignAuditCheckpoint,
  verifyAuditExport,
  VerifyAuditChain,
  verifyCheckpointNote,
  verifyInclusionBundle,
} from '@vigil/audit';
import { RunRetention } from '@vigil/moderation';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ADMIN_USAGE, isAdminCommand, runAdminCommand } from './admin-commands';
import { operatorContext, withApp } from './cli-app';
import { CliIo, emailOption, parseArgs, printJson, UsageError, write } from './cli-io';

export type { CliIo } from './cli-io';

export const USAGE = `Usage: npm run cli -- <command>

  audit:verify [--from-checkpoint]          recompute the audit hash chain; exit 1 when it is broken
  audit:checkpoint                           sign a checkpoint of the sealed head now
  audit:export --from <iso> --to <iso>       NDJSON of the sealed events that occurred in [from, to), with hashes
                                             and the checkpoint that covers them, to stdout
  audit:verify-export <file> --public-key <pem file>
                                             check an export offline against the Ed25519 public key (SPKI PEM)
  audit:prove --seq N                        the event with that seq, its Merkle inclusion proof and the signed
                                             tree checkpoint it is proved against (JSON, for audit:verify-checkpoint)
  audit:verify-checkpoint <file> --key <verifier key>
                                             check a signed tree checkpoint (the note, or the JSON of audit:prove,
                                             then the event's inclusion too) offline against the verifier key
                                             (GET /v1/audit/tree/verifier-key)
  retention:run                              erase now the evidence and reporter contacts no duty keeps any longer
${ADMIN_USAGE}`;

/** Runs one command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'audit:verify': {
        const { flags } = parseArgs(rest, [], ['from-checkpoint']);
        const result = await withApp(io, (app) =>
          app.get(VerifyAuditChain).execute({ fromCheckpoint: flags.has('from-checkpoint') }),
        );
        await printJson(io, result);
        return result.ok ? 0 : 1;
      }
      case 'audit:checkpoint': {
        const { options } = parseArgs(rest, ['as'], []);
        const as = emailOption(options, 'as', false);
        const checkpoint = await withApp(io, async (app) =>
          app.get(SignAuditCheckpoint).execute({ trigger: 'request' }, await operatorContext(app, as)),
        );
        await printJson(io, checkpoint);
        return 0;
      }
      case 'audit:export': {
        const { options } = parseArgs(rest, ['from', 'to', 'as'], []);
        const from = isoOption(options, 'from');
        const to = isoOption(options, 'to');
        const as = emailOption(options, 'as', false);
        await withApp(io, async (app) => {
          const ctx = await operatorContext(app, as);
          for await (const line of app.get(ExportAuditRange).execute({ from, to }, ctx)) {
            await write(io.stdout, `${line}\n`);
          }
        });
        return 0;
      }
      case 'audit:verify-export': {
        const { positional, options } = parseArgs(rest, ['public-key'], [], 1);
        const file = positional[0];
        if (!file) throw new UsageError('audit:verify-export needs the export file');
        if (!options.has('public-key')) throw new UsageError('audit:verify-export needs --public-key <pem file>');
        const publicKeyPem = readFileSync(options.get('public-key')!, 'utf8');
        const result = await verifyAuditExport(
          () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }),
          publicKeyPem,
        );
        await printJson(io, result);
        return result.ok ? 0 : 1;
      }
      case 'retention:run': {
        const { options } = parseArgs(rest, ['as'], []);
        const as = emailOption(options, 'as', false);
        const result = await withApp(io, async (app) =>
          app.get(RunRetention).execute(await operatorContext(app, as)),
        );
        await printJson(io, result);
        return 0;
      }
      case 'audit:prove': {
        const { options } = parseArgs(rest, ['seq'], []);
        const seq = options.get('seq');
        if (seq === undefined || !/^[1-9][0-9]{0,15}$/.test(seq)) {
          throw new UsageError('audit:prove needs --seq <a positive integer>');
        }
        const bundle = await withApp(io, (app) => app.get(ProveAuditEvent).execute({ seq: Number(seq) }));
        await printJson(io, bundle);
        return 0;
      }
      case 'audit:verify-checkpoint': {
        const { positional, options } = parseArgs(rest, ['key'], [], 1);
        const file = positional[0];
        if (!file) throw new UsageError('audit:verify-checkpoint needs the checkpoint file');
        const key = options.get('key');
        if (!key) throw new UsageError('audit:verify-checkpoint needs --key <verifier key>');
        const text = readFileSync(file, 'utf8');
        const result = text.trimStart().startsWith('{')
          ? verifyInclusionBundle(parseBundle(text), key)
          : verifyCheckpointNote(text, key);
        await printJson(io, result);
        return result.ok ? 0 : 1;
      }
      case undefined:
      case 'help':
      case '--help':
        await write(io.stdout, USAGE);
        return command === undefined ? 2 : 0;
      default:
        if (isAdminCommand(command)) return await runAdminCommand(command, rest, io);
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      await write(io.stderr, `${error.message}\n\n${USAGE}`);
      return 2;
    }
    await write(io.stderr, `${command} failed: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

function parseBundle(text: string): AuditInclusionBundle {
  try {
    return JSON.parse(text) as AuditInclusionBundle;
  } catch {
    throw new UsageError('the file is neither a signed note nor the JSON of audit:prove');
  }
}

function isoOption(options: Map<string, string>, name: string): Date {
  const raw = options.get(name);
  if (raw === undefined) throw new UsageError(`--${name} <iso time> is required`);
  const time = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(time.getTime())) {
    throw new UsageError(`--${name} must be an ISO 8601 time (got "${raw}")`);
  }
  return time;
}
