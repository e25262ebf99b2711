import { createHash } from 'node:crypto';
import { EVIDENCE_FILES as FILES, uploadEvidence } from '../support/evidence-files';
import { TestSystem } from '../support/test-system';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('evidence files: recognised from their bytes, hashed, stored, viewed with an audit trail (API)', () => {
  let system: TestSystem;
  let moderator: string;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(() => system.stop());

  const upload = (reportId: string, bytes: Buffer, headers: Record<string, string>, name?: string) =>
    uploadEvidence(system.baseUrl, reportId, bytes, headers, name);

  const stored = async () => {
    const [row] = await system.sql(
      `SELECT (SELECT count(*)::int FROM evidence) AS evidence, (SELECT count(*)::int FROM evidence_blobs) AS blobs,
              (SELECT count(*)::int FROM audit_events WHERE action = 'evidence.added') AS events`,
    );
    return row;
  };

  it('takes each accepted type from the reporter, hashes it, lists it on the case and serves it as an attachment', async () => {
    const report = await system.reportAndTriage({ channel: 'https://t.me/evidence_outlet_one' });
    const token = { 'x-tracking-token': report.trackingToken };
    const added: Record<string, { id: string; sha256: string; contentType: string; size: number }> = {};
    for (const [kind, bytes] of Object.entries(FILES)) {
      const response = await upload(report.reportId, bytes, token, `not-really.${kind === 'png' ? 'exe' : 'png'}`);
      expect({ kind, status: response.status }).toEqual({ kind, status: 201 });
      expect(response.body).toEqual({ id: expect.any(String), sha256: sha256(bytes), contentType: expect.any(String), size: bytes.length });
      added[kind] = response.body;
    }
    expect(Object.fromEntries(Object.entries(added).map(([k, v]) => [k, v.contentType]))).toEqual({
      png: 'image/png',
      jpeg: 'image/jpeg',
      gif: 'image/gif',
      pdf: 'application/pdf',
      mp4: 'video/mp4',
      webp: 'image/webp',
    });
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'evidence.added' AND target_id = $1`, [
      added.png.id,
    ]);
    expect(event.data).toEqual({ reportId: report.reportId, sha256: sha256(FILES.png), contentType: 'image/png', size: FILES.png.length });

    const detail = await system.request('GET', `/v1/cases/${report.caseId}`, { token: moderator });
    expect(detail.body.evidence).toHaveLength(6);
    expect(detail.body.evidence[0]).toEqual({
      id: added.png.id,
      reportId: report.reportId,
      sha256: sha256(FILES.png),
      contentType: 'image/png',
      size: FILES.png.length,
      addedAt: expect.any(String),
      erasedAt: null,
    });

    const download = await fetch(`${system.baseUrl}/v1/evidence/${added.pdf.id}`, {
      headers: { authorization: `Bearer ${moderator}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(FILES.pdf)).toBe(true);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toBe('sandbox');
    const [viewed] = await system.sql(`SELECT data, actor_role FROM audit_events WHERE action = 'evidence.viewed'`);
    expect(viewed).toEqual({ data: { reportId: report.reportId, sha256: sha256(FILES.pdf) }, actor_role: 'moderator' });
    // The public cannot download; an unknown id is a 404.
    expect((await system.request('GET', `/v1/evidence/${added.pdf.id}`)).status).toBe(401);
    expect((await system.request('GET', `/v1/evidence/00000000-0000-4000-8000-000000000000`, { token: moderator })).status).toBe(404);
  });

  it('takes files from the API key that submitted the report, and from no other', async () => {
    const admin = await system.login();
    const key = async (name: string) =>
      (
        await system.request('POST', '/v1/admin/api-keys', {
          token: admin,
          body: { name, role: 'trusted_flagger', organization: 'Evidence Test Org' },
        })
      ).body.key as string;
    const own = await key('own');
    const other = await key('other');
    const report = await system.request('POST', '/v1/reports', {
      headers: { 'x-api-key': own },
      body: { channel: 'https://t.me/evidence_outlet_two', category: 'propaganda', description: 'Statements.' },
    });
    expect((await upload(report.body.id, FILES.gif, { 'x-api-key': own })).status).toBe(201);
    const before = await stored();
    expect((await upload(report.body.id, FILES.gif, { 'x-api-key': other })).status).toBe(404);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['a renamed executable', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]), 415],
    ['a PNG with an archive appended', Buffer.concat([FILES.png, Buffer.from('PK\x03\x04zip body PK\x05\x06', 'latin1'), Buffer.alloc(18)]), 415],
    ['a GIF that is also a web page', Buffer.concat([Buffer.from('GIF89a<html><script>alert(1)</script>', 'latin1'), Buffer.from([0x3b])]), 415],
    ['a PNG cut short', FILES.png.subarray(0, FILES.png.length - 12), 415],
    ['a zero-byte file', Buffer.alloc(0), 415],
    ['a text file', Buffer.from('just some words, no image at all'), 415],
    ['a file over 10 MiB', Buffer.concat([FILES.png, Buffer.alloc(10 * 1024 * 1024)]), 413],
  ])('refuses %s and stores nothing', async (_, bytes, status) => {
    const report = await system.reportAndTriage({ channel: 'https://t.me/evidence_outlet_three' });
    const before = await stored();
    const response = await upload(report.reportId, bytes, { 'x-tracking-token': report.trackingToken });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, message: expect.any(String) });
    expect(await stored()).toEqual(before);
  });

  it('refuses a wrong token, a missing token, an upload cut off mid-way and a body that is not multipart', async () => {
    const report = await system.reportAndTriage({ channel: 'https://t.me/evidence_outlet_four' });
    const before = await stored();
    expect((await upload(report.reportId, FILES.png, { 'x-tracking-token': 'not-the-token' })).status).toBe(404);
    expect((await upload(report.reportId, FILES.png, {})).status).toBe(404);
    const boundary = 'vigil-test-boundary';
    const cut = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n`, 'latin1'),
      Buffer.from('Content-Type: image/png\r\n\r\n', 'latin1'),
      FILES.png.subarray(0, 40),
    ]);
    const truncated = await fetch(`${system.baseUrl}/v1/reports/${report.reportId}/evidence`, {
      method: 'POST',
      headers: { 'x-tracking-token': report.trackingToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: cut,
    });
    expect(truncated.status).toBeGreaterThanOrEqual(400);
    expect(truncated.status).toBeLessThan(500);
    const json = await system.request('POST', `/v1/reports/${report.reportId}/evidence`, {
      headers: { 'x-tracking-token': report.trackingToken },
      body: { file: 'aGVsbG8=' },
    });
    expect(json.status).toBe(415);
    expect(await stored()).toEqual(before);
  });

  it('holds at most ten files per report', async () => {
    const report = await system.reportAndTriage({ channel: 'https://t.me/evidence_outlet_five' });
    const token = { 'x-tracking-token': report.trackingToken };
    for (let i = 0; i < 10; i++) expect((await upload(report.reportId, FILES.jpeg, token)).status).toBe(201);
    const before = await stored();
    const eleventh = await upload(report.reportId, FILES.jpeg, token);
    expect(eleventh.status).toBe(409);
    expect(await stored()).toEqual(before);
  });
});
