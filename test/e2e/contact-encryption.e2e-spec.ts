import { ContactCipher, encryptClearContacts } from '@vigil/database';
import { DataSource } from 'typeorm';
import { TestSystem, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

describe('reporter contacts encrypted at rest (API and worker)', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create({ ...webhookEnv(receiver), DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') });
    await system.startApi();
    await system.startWorker();
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  /** Every value of every text, varchar, json and jsonb column of every table that contains `needle`. */
  async function tablesHolding(needle: string): Promise<string[]> {
    const columns: { table_name: string; column_name: string; data_type: string }[] = await system.sql(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const c of columns) {
      const [hit] = await system.sql(
        `SELECT 1 FROM "${c.table_name}" WHERE strpos("${c.column_name}"::text, $1) > 0 LIMIT 1`,
        [needle],
      );
      if (hit) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  it('keeps the address only as ciphertext, sends it in clear to the notice receiver alone, and reveals it to an admin', async () => {
    const contact = 'quiet.witness.5150@example.org';
    const report = await system.reportAndTriage({ channel: 'https://t.me/contact_crypto_probe', reporterContact: contact });
    const [stored] = await system.sql(`SELECT reporter_contact FROM reports WHERE id = $1`, [report.reportId]);
    expect(stored.reporter_contact).toMatch(/^v1\./);

    const moderator = (await system.staff(['moderator'])).token;
    expect((await system.request('POST', `/v1/cases/${report.caseId}/claim`, { token: moderator })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${report.caseId}/decisions`, {
      token: moderator,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Official propaganda outlet of a designated group.' },
    });
    expect(decision.status).toBe(201);
    const notice = await waitFor(
      async () => receiver.on('/notify').find((d) => d.body.kind === 'reporter_outcome' && d.body.reportId === report.reportId),
      { what: 'the reporter’s notice' },
    );
    expect(notice.body.contact).toBe(contact);
    await waitFor(async () => (await system.sql(`SELECT 1 FROM audit_events WHERE seq IS NULL LIMIT 1`)).length === 0, {
      what: 'every event sealed',
    });
    expect(await tablesHolding(contact)).toEqual([]);

    const admin = await system.login();
    const revealed = await system.request('POST', `/v1/admin/reports/${report.reportId}/reveal-reporter`, {
      token: admin,
      body: { reason: 'Court order 55/2026 requires the address.' },
    });
    expect(revealed.status).toBe(200);
    expect(revealed.body.contact).toBe(contact);
    expect(await tablesHolding(contact)).toEqual([]);
  });

  it('encrypts addresses stored in clear before, once, bound to their report', async () => {
    const db = new DataSource({ type: 'postgres', url: system.config.databaseUrl, poolSize: 2 });
    await db.initialize();
    try {
      const report = await system.reportAndTriage({ channel: 'https://t.me/contact_crypto_legacy' });
      await system.sql(`UPDATE reports SET reporter_contact = 'legacy.person@example.org' WHERE id = $1`, [report.reportId]);
      const cipher = ContactCipher.fromConfig(system.config);
      expect(await encryptClearContacts(db, cipher)).toBe(1);
      expect(await encryptClearContacts(db, cipher)).toBe(0);
      const [row] = await system.sql(`SELECT reporter_contact FROM reports WHERE id = $1`, [report.reportId]);
      expect(cipher.decrypt(row.reporter_contact, report.reportId)).toBe('legacy.person@example.org');
      // Bound to its report: the same ciphertext under another report id does not open.
      expect(() => cipher.decrypt(row.reporter_contact, '00000000-0000-4000-8000-000000000000')).toThrow();
    } finally {
      await db.destroy();
    }
  });
});
