import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { runCli } from '../../apps/cli/src/cli';
import { TestSystem, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

/** The smallest file the evidence check takes: a GIF with its trailer (bytes differ per call, so hashes do). */
const gif = (n: number) => Buffer.concat([Buffer.from('GIF89a', 'latin1'), deflateSync(Buffer.from(`#${n}`)), Buffer.from([0x3b])]);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('preservation, legal holds and retention (API, worker and the operator CLI)', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let moderator: string;
  let admin: string;
  let dir: string;
  const key = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create({
      ...webhookEnv(receiver),
      AUDIT_SIGNING_KEY: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUDIT_SEAL_SETTLE_MS: '0',
      RETENTION_EVIDENCE_DAYS: '0',
      RETENTION_CONTACT_DAYS: '0',
      RETENTION_INTERVAL_SECONDS: '86400',
    });
    await system.startApi();
    await system.startWorker();
    moderator = (await system.staff(['moderator'])).token;
    admin = await system.login();
    dir = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[]) {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { stdout, stderr, config: () => system.config });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  /** A report with a contact and one file, decided with `action`; its case, report and evidence ids. */
  async function decidedWithEvidence(name: string, action: 'takedown' | 'no_violation', n: number) {
    const report = await system.reportAndTriage({
      channel: `https://t.me/${name}`,
      reporterContact: `${name}@example.org`,
    });
    const form = new FormData();
    form.append('file', new Blob([gif(n)]), 'evidence.gif');
    const added = await fetch(`${system.baseUrl}/v1/reports/${report.reportId}/evidence`, {
      method: 'POST',
      headers: { 'x-tracking-token': report.trackingToken },
      body: form,
    });
    expect(added.status).toBe(201);
    const evidence = (await added.json()) as { id: string; sha256: string };
    expect((await system.request('POST', `/v1/cases/${report.caseId}/claim`, { token: moderator })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${report.caseId}/decisions`, {
      token: moderator,
      body: { action, policy: 'TVEC-1', reason: 'Reviewed against the policy on terrorist content.' },
    });
    expect(decision.status).toBe(201);
    return { ...report, evidence, decidedAt: decision.body.createdAt as string, decisionId: decision.body.id as string };
  }

  const erasedAt = async (evidenceId: string) =>
    (await system.sql(`SELECT erased_at FROM evidence WHERE id = $1`, [evidenceId]))[0].erased_at as Date | null;

  it('keeps what preservation and holds keep, erases the rest with an audit event each, and the chain still verifies', async () => {
    const dismissed = await decidedWithEvidence('retention_dismissed', 'no_violation', 1);
    const taken = await decidedWithEvidence('retention_taken', 'takedown', 2);
    const held = await decidedWithEvidence('retention_held', 'no_violation', 3);
    const appealing = await decidedWithEvidence('retention_appealing', 'no_violation', 4);
    await system.decisionsApplied();
    await waitFor(
      async () =>
        (
          await system.sql(
            `SELECT 1 FROM notifications WHERE report_id = ANY($1) AND kind = 'reporter_outcome' AND status = 'sent'`,
            [[dismissed.reportId, appealing.reportId]],
          )
        ).length === 2,
      { what: 'the reporters’ outcome notices' },
    );
    // A reporter appeals: the outcome will go to the same address, so it stays while the appeal is open.
    const appeal = await system.request('POST', '/v1/appeals', {
      body: {
        decisionId: appealing.decisionId,
        token: appealing.trackingToken,
        reason: 'The channel posts the group’s claims daily.',
      },
    });
    expect(appeal.status).toBe(201);

    // Preservation: six months after the takedown; a later hold extends it, and lifting it gives the six months back.
    const sixMonths = (iso: string) => {
      const d = new Date(iso);
      d.setUTCMonth(d.getUTCMonth() + 6);
      return d.getTime();
    };
    const takenDetail = (await system.request('GET', `/v1/cases/${taken.caseId}`, { token: moderator })).body;
    expect(Math.abs(Date.parse(takenDetail.preservedUntil) - sixMonths(taken.decidedAt))).toBeLessThan(1000);
    const farHold = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const placed = await system.request('POST', `/v1/cases/${taken.caseId}/legal-holds`, {
      token: admin,
      body: { reason: 'Prosecutor request 77/2026', until: farHold },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ caseId: taken.caseId, reason: 'Prosecutor request 77/2026', until: farHold });
    const extended = (await system.request('GET', `/v1/cases/${taken.caseId}`, { token: moderator })).body;
    expect(extended.preservedUntil).toBe(farHold);
    expect(extended.legalHolds).toEqual([expect.objectContaining({ id: placed.body.id })]);
    const lifted = await system.request('DELETE', `/v1/cases/${taken.caseId}/legal-holds/${placed.body.id}`, { token: admin });
    expect(lifted.status).toBe(204);
    expect((await system.request('GET', `/v1/cases/${taken.caseId}`, { token: moderator })).body.preservedUntil).toBe(
      takenDetail.preservedUntil,
    );
    const again = await system.request('DELETE', `/v1/cases/${taken.caseId}/legal-holds/${placed.body.id}`, { token: admin });
    expect(again.status).toBe(409);

    const hold = await system.request('POST', `/v1/cases/${held.caseId}/legal-holds`, {
      token: admin,
      body: { reason: 'Court order 12/2026', until: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    });
    expect(hold.status).toBe(201);

    const run = await cli(['retention:run']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(await erasedAt(dismissed.evidence.id)).not.toBeNull();
    expect(await erasedAt(taken.evidence.id)).toBeNull();
    expect(await erasedAt(held.evidence.id)).toBeNull();
    expect(await system.sql(`SELECT 1 FROM evidence_blobs WHERE evidence_id = $1`, [dismissed.evidence.id])).toEqual([]);
    const gone = await system.request('GET', `/v1/evidence/${dismissed.evidence.id}`, { token: moderator });
    expect(gone.status).toBe(410);
    const [erasedEvent] = await system.sql(
      `SELECT data FROM audit_events WHERE action = 'evidence.erased' AND target_id = $1`,
      [dismissed.evidence.id],
    );
    expect(erasedEvent.data).toEqual({ reportId: dismissed.reportId, sha256: dismissed.evidence.sha256, reason: 'retention' });
    // The case still lists what it held, hash included.
    const dismissedDetail = (await system.request('GET', `/v1/cases/${dismissed.caseId}`, { token: moderator })).body;
    expect(dismissedDetail.evidence).toEqual([
      expect.objectContaining({ id: dismissed.evidence.id, sha256: dismissed.evidence.sha256, erasedAt: expect.any(String) }),
    ]);

    // The contact, after its last notice; not the one whose appeal is open.
    const [contact] = await system.sql(`SELECT reporter_contact FROM reports WHERE id = $1`, [dismissed.reportId]);
    expect(contact.reporter_contact).toBeNull();
    const [kept] = await system.sql(`SELECT reporter_contact FROM reports WHERE id = $1`, [appealing.reportId]);
    expect(kept.reporter_contact).not.toBeNull();
    expect(
      await system.sql(`SELECT 1 FROM audit_events WHERE action = 'report.contact_erased' AND target_id = $1`, [
        dismissed.reportId,
      ]),
    ).toHaveLength(1);

    // Lifting the hold lets the next run erase the held case's file.
    await system.request('DELETE', `/v1/cases/${held.caseId}/legal-holds/${hold.body.id}`, { token: admin });
    expect((await cli(['retention:run'])).code).toBe(0);
    expect(await erasedAt(held.evidence.id)).not.toBeNull();

    // Nothing erased breaks the chain: verify it, and an export of it offline.
    await waitFor(async () => (await system.sql(`SELECT 1 FROM audit_events WHERE seq IS NULL LIMIT 1`)).length === 0, {
      what: 'every event to be sealed',
    });
    const verify = await system.request('GET', '/v1/audit/verify', { token: admin });
    expect(verify.body).toMatchObject({ ok: true, firstInvalidSeq: null });
    expect((await cli(['audit:checkpoint'])).code).toBe(0);
    const exported = await cli(['audit:export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('evidence.erased');
    const file = join(dir, 'export.ndjson');
    const publicKey = join(dir, 'key.pem');
    writeFileSync(file, exported.stdout);
    writeFileSync(publicKey, key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const checked = await cli(['audit:verify-export', file, '--public-key', publicKey]);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true });
  });

  it('refuses holds with a bad date, on unknown cases, and from anyone but an admin', async () => {
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/retention_bad_input' });
    for (const body of [
      { reason: 'x', until: '2001-01-01T00:00:00Z' },
      { reason: 'x', until: 'next year' },
      { reason: '', until: '2099-01-01T00:00:00Z' },
      { until: '2099-01-01T00:00:00Z' },
    ]) {
      const response = await system.request('POST', `/v1/cases/${caseId}/legal-holds`, { token: admin, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    const ok = { reason: 'Court order', until: '2099-01-01T00:00:00Z' };
    expect((await system.request('POST', `/v1/cases/${caseId}/legal-holds`, { token: moderator, body: ok })).status).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await system.request('POST', `/v1/cases/${unknown}/legal-holds`, { token: admin, body: ok })).status).toBe(404);
    expect((await system.request('DELETE', `/v1/cases/${caseId}/legal-holds/${unknown}`, { token: admin })).status).toBe(404);
    expect(await system.sql(`SELECT 1 FROM legal_holds WHERE case_id = $1`, [caseId])).toEqual([]);
  });
});
