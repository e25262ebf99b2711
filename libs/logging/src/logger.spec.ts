import { Logger } from '@nestjs/common';
import type { LogFormat, LogLevel } from '@vigil/config';
import { withLogFields } from './log-context';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

function capture(logLevel: LogLevel, logFormat: LogFormat = 'json') {
  const out = { text: '' };
  const pino = createLogger({ logLevel, logFormat }, { name: 'test', destination: { write: (s: string) => void (out.text += s) } });
  return { out, pino, nest: new PinoNestLogger(pino), lines: () => out.text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('createLogger and PinoNestLogger', () => {
  it("follows LOG_LEVEL with Nest's names: log is info, verbose is trace", () => {
    const atLog = capture('log');
    atLog.nest.log('kept');
    atLog.nest.debug('dropped');
    atLog.nest.verbose('dropped too');
    expect(atLog.lines()).toEqual([expect.objectContaining({ level: 'info', msg: 'kept', name: 'test' })]);

    const atVerbose = capture('verbose');
    atVerbose.nest.verbose('fine detail');
    expect(atVerbose.lines()).toEqual([expect.objectContaining({ level: 'trace', msg: 'fine detail' })]);

    const atError = capture('error');
    atError.nest.warn('dropped');
    atError.nest.error('kept');
    expect(atError.lines().map((l) => l.level)).toEqual(['error']);
  });

  it("turns Nest's context and an error's stack into fields, and merges an object message", () => {
    const { nest, lines } = capture('debug');
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';
    nest.error('It failed', stack, 'Triage');
    nest.error('No stack', undefined, 'Triage');
    nest.error('Static, with a stack only', stack);
    nest.debug({ msg: 'Job done', durationMs: 12.5 }, 'Worker');
    nest.log('plain');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'error', msg: 'It failed', stack, context: 'Triage' }),
      expect.objectContaining({ level: 'error', msg: 'No stack', context: 'Triage' }),
      expect.objectContaining({ level: 'error', msg: 'Static, with a stack only', stack }),
      expect.objectContaining({ level: 'debug', msg: 'Job done', durationMs: 12.5, context: 'Worker' }),
      expect.objectContaining({ level: 'info', msg: 'plain' }),
    ]);
    expect(lines()[2].context).toBeUndefined();
  });

  it("adds the fields of withLogFields to every line inside the run, nested ones on top, and none after it", async () => {
    const { nest, lines } = capture('log');
    await withLogFields({ jobId: 'notify-1', queue: 'notifications' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      nest.log('inside', 'Notify');
      withLogFields({ jobName: 'notify' }, () => nest.log('nested'));
      nest.log('inside again');
    });
    nest.log('after');
    const [inside, nested, again, after] = lines();
    expect(inside).toMatchObject({ jobId: 'notify-1', queue: 'notifications', context: 'Notify' });
    expect(nested).toMatchObject({ jobId: 'notify-1', queue: 'notifications', jobName: 'notify' });
    // One line's own fields do not stick to the run's next lines.
    expect(again).toMatchObject({ jobId: 'notify-1', queue: 'notifications' });
    expect(again.context).toBeUndefined();
    expect(again.jobName).toBeUndefined();
    expect(after.jobId).toBeUndefined();
  });

  it("writes through Nest's Logger once the app's logger is installed", () => {
    const { nest, lines } = capture('log');
    Logger.overrideLogger(nest);
    try {
      new Logger('BootstrapAdmin').warn('No admin exists');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines()).toEqual([expect.objectContaining({ level: 'warn', context: 'BootstrapAdmin', msg: 'No admin exists' })]);
  });

  it("removes headers and a database error's values from anything logged", () => {
    const { pino, out } = capture('log');
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      parameters: ['someone@example.org'],
      detail: 'Key (email)=(someone@example.org) already exists.',
    });
    pino.error({ err: error, headers: { authorization: 'Bearer abc.def.ghi' } }, 'insert failed');
    const [line] = out.text.split('\n').map((l) => l && JSON.parse(l));
    expect(line.err.message).toBe('duplicate key value violates unique constraint');
    expect(line.err.parameters).toBe('[redacted]');
    expect(out.text).not.toContain('someone@example.org');
    expect(out.text).not.toContain('abc.def.ghi');
  });

  it('writes pretty lines, not JSON, in the pretty format', () => {
    const { nest, out } = capture('log', 'pretty');
    nest.log('Vigil worker running', 'Main');
    expect(out.text).toContain('INFO (test): [Main] Vigil worker running');
    expect(() => JSON.parse(out.text.trim())).toThrow();
  });
});
