import { SignTreeCheckpoint } from '@vigil/audit';
import type { Page } from 'playwright-core';
import { ConsoleBrowser, seriousA11yViolations, watchCsp, withScreenshotOnFailure } from '../support/console-browser';
import { EVIDENCE_FILES, uploadEvidence } from '../support/evidence-files';
import { ALL_QUEUES } from '@vigil/queues';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestSystem, waitFor } from '../support/test-system';

const STAFF_PASSWORD = 'a long enough password';

describe('the console in a browser', () => {
  let system: TestSystem;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    browser = await ConsoleBrowser.launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** A test in its own browser context: a screenshot if it fails, and no CSP violation on any page it saw. */
  function browserTest(name: string, body: (page: Page) => Promise<void>): void {
    it(name, async () => {
      const context = await browser.context(system.baseUrl);
      const page = await context.newPage();
      const cspViolations = watchCsp(page);
      try {
        await withScreenshotOnFailure(page, name, async () => {
          await body(page);
          expect(await cspViolations()).toEqual([]);
        });
      } finally {
        await context.close();
      }
    });
  }

  async function expectAccessible(page: Page): Promise<void> {
    expect(await seriousA11yViolations(page)).toEqual([]);
  }

  async function signIn(page: Page, email: string, password = STAFF_PASSWORD): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function decidedCase(channel: string, moderatorToken: string) {
    const filed = await system.reportAndTriage({ channel });
    expect((await system.request('POST', `/v1/cases/${filed.caseId}/claim`, { token: moderatorToken })).status).toBe(
      200,
    );
    const decision = await system.request('POST', `/v1/cases/${filed.caseId}/decisions`, {
      token: moderatorToken,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes official propaganda of a designated group.' },
    });
    expect(decision.status).toBe(201);
    await system.decisionsApplied();
    return { ...filed, decisionId: decision.body.id as string };
  }

  it('serves the console’s routes with index.html under a strict CSP, assets for a year, the API alone', async () => {
    const page = await system.request('GET', '/cases/6c0e4d2a-5a43-4d1c-9b0e-2b1f3c4d5e6f');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    const asset = await system.request('GET', script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/v1/nothing-here', '/health/nothing', '/metrics/x', '/nothing-here']) {
      const answer = await system.request('GET', path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/json');
    }
    expect((await system.request('GET', '/docs-json')).status).toBe(200);
  });

  browserTest('a wrong password is an alert, and a moderator with nothing to claim is told so', async (page) => {
    const moderator = await system.staff(['moderator']);
    await page.goto('/login');
    await expectAccessible(page);
    await page.getByLabel('Email').fill(moderator.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();

    await signIn(page, moderator.email);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link', { name: 'Queue' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await expectAccessible(page);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    // `n` claims the next case, as the button does.
    await page.keyboard.press('n');
    await page.getByRole('status').filter({ hasText: 'Nothing is claimable' }).waitFor();
  });

  browserTest('Claim next case puts the moderator’s languages first but still hands out a case in another', async (page) => {
    const filed = await system.reportAndTriage({
      channel: 'https://t.me/claimed_across_languages',
      description: 'Posts recruitment videos of the group every day, in English.',
    });
    const [theCase] = await system.sql(`SELECT languages FROM cases WHERE id = $1`, [filed.caseId]);
    expect(theCase.languages).not.toContain('ar');
    const moderator = await system.staff(['moderator'], ['ar']);
    await signIn(page, moderator.email);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.getByRole('button', { name: 'Claim next case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Priority' }).waitFor();
  });

  browserTest('a reporter files a report, sees server validation next to the field, and tracks it', async (page) => {
    await page.goto('/report');
    await page.getByRole('heading', { name: 'Report a channel' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Channel link').fill('https://t.me/s/Browser_Reported/12');
    await page.getByText('telegram:browser_reported').waitFor();
    await page.getByLabel('Channel link').fill('ftp://t.me/x');
    await page.getByText('unsupported scheme').waitFor();
    await page.getByLabel('Channel link').fill('https://t.me/s/Browser_Reported/12');

    await page.getByRole('button', { name: 'Send report' }).click();
    const descriptionError = page.locator('#report-description-error');
    await descriptionError.waitFor();
    expect(await descriptionError.textContent()).toMatch(/description/);
    expect(await page.getByLabel('Description').getAttribute('aria-describedby')).toContain('report-description-error');

    await page.getByLabel('Category').selectOption({ label: 'Recruitment' });
    await page.getByText('Asks people to join').waitFor();
    await page.getByLabel('Description').fill('Calls on readers to travel and join the group; posts daily.');
    await page.getByLabel('Evidence links').fill('https://t.me/browser_reported/12');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByRole('heading', { name: 'Report received' }).waitFor();
    await expectAccessible(page);
    const codes = await page.locator('dd code').allTextContents();
    expect(codes[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(codes[1]?.length).toBeGreaterThan(10);

    await page.getByRole('link', { name: 'Track this report' }).click();
    expect(await page.getByLabel('Report id').inputValue()).toBe(codes[0]);
    await page.getByRole('button', { name: 'Check' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Status: (received|in review)/ })
      .waitFor();
    await expectAccessible(page);
  });

  browserTest('a moderator finds the case in the queue, claims it and records a takedown', async (page) => {
    const moderator = await system.staff(['moderator']);
    await system.reportAndTriage({
      channel: 'https://t.me/decide_in_browser',
      description: 'تنشر القناة بيانات رسمية لجماعة محظورة',
      evidenceUrls: ['https://t.me/decide_in_browser/7'],
    });
    await signIn(page, moderator.email);
    const row = page.getByRole('row').filter({ hasText: 'telegram:decide_in_browser' });
    await row.waitFor();
    expect(await row.getByText(/left$/).count()).toBe(1);
    await row.getByRole('link', { name: 'telegram:decide_in_browser' }).click();

    await page.getByRole('heading', { name: 'telegram:decide_in_browser', level: 1 }).waitFor();
    for (const section of ['Priority', 'Reports', 'Linked channels', 'History']) {
      await page.getByRole('heading', { name: section, exact: true }).waitFor();
    }
    expect(await page.getByText('تنشر القناة').getAttribute('dir')).toBe('auto');
    await page.getByText('Show evidence links').click();
    const evidence = page.getByRole('link', { name: 'https://t.me/decide_in_browser/7' });
    expect(await evidence.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await evidence.getAttribute('target')).toBe('_blank');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Claim', exact: true }).click();
    const form = page.getByRole('form', { name: 'Decision' });
    await form.waitFor();
    await page.keyboard.press('d');
    expect(await page.evaluate('document.activeElement.id')).toBe('decision-action');
    await expectAccessible(page);
    await form.getByLabel('Action').selectOption('takedown');
    await form.getByLabel('Policy').fill('TVEC-1');
    await form.getByLabel('Statement of reasons').fill('short');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await page.locator('#decision-reason-error').waitFor();
    await form
      .getByLabel('Statement of reasons')
      .fill('The channel republishes official statements of a designated group.');
    await form.getByLabel('Legal ground').fill('Regulation (EU) 2021/784');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision recorded' }).waitFor();
    await page.locator('dd.status', { hasText: 'decided' }).waitFor();
    expect(await page.getByRole('form', { name: 'Decision' }).count()).toBe(0);
  });

  browserTest('a moderator confirms a suggested migration; a link reviewed meanwhile is explained', async (page) => {
    const moderator = await system.staff(['moderator']);
    const telegram = await decidedCase('https://t.me/xyz_outlet', moderator.token);
    const vk = await decidedCase('https://vk.com/xyz_outlet', moderator.token);
    // The successor reappears on another platform under the same handle plus `_new`: triage suggests both links.
    const successor = await system.reportAndTriage({ channel: 'https://tamtam.chat/xyz_outlet_new' });
    const detail = await system.request('GET', `/v1/cases/${successor.caseId}`, { token: moderator.token });
    const links = detail.body.linkedChannels as { id: string; kind: string; channel: { key: string } }[];
    expect(links.map((link) => [link.channel.key, link.kind]).sort()).toEqual([
      [telegram.channelKey, 'suspected_migration'],
      [vk.channelKey, 'suspected_migration'],
    ]);

    await signIn(page, moderator.email);
    await page.goto(`/cases/${successor.caseId}`);
    await page.getByRole('heading', { name: successor.channelKey, level: 1 }).waitFor();
    const item = (key: string) =>
      page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: key, exact: true }) });
    const telegramItem = item(telegram.channelKey);
    await telegramItem.getByText('suspected_migration').waitFor();
    await telegramItem.getByText('taken down', { exact: true }).waitFor();
    await telegramItem.getByText('handle', { exact: true }).waitFor();
    expect(await telegramItem.getByRole('button', { name: 'Reject link' }).count()).toBe(1);
    await expectAccessible(page);

    // Someone else rejects the vk link while the page still offers it: the 409 is explained, the new kind shown.
    const vkLink = links.find((link) => link.channel.key === vk.channelKey)!;
    const other = await system.staff(['moderator']);
    const rejected = await system.request('POST', `/v1/channels/${detail.body.channel.id}/links/${vkLink.id}/reject`, {
      token: other.token,
      body: { note: 'Same handle, different outlet.' },
    });
    expect(rejected.status).toBe(200);
    await item(vk.channelKey).getByRole('button', { name: 'Confirm link' }).click();
    const vkItem = item(vk.channelKey);
    await vkItem.getByRole('alert').filter({ hasText: 'someone else confirmed or rejected it' }).waitFor();
    await vkItem.getByText('rejected', { exact: true }).waitFor();
    expect(await vkItem.getByRole('button', { name: 'Confirm link' }).count()).toBe(0);

    await telegramItem.getByLabel('Note (optional)').fill('Announced the move in its last post.');
    await telegramItem.getByRole('button', { name: 'Confirm link' }).click();
    await telegramItem.getByRole('status').filter({ hasText: 'Link confirmed' }).waitFor();
    await telegramItem.getByText('confirmed_migration').waitFor();
    expect(await telegramItem.getByRole('button', { name: 'Confirm link' }).count()).toBe(0);
    const stored = await system.sql(`SELECT kind, evidence->>'note' AS note FROM channel_links WHERE id = $1`, [
      links.find((link) => link.channel.key === telegram.channelKey)!.id,
    ]);
    expect(stored).toEqual([{ kind: 'confirmed_migration', note: 'Announced the move in its last post.' }]);
    await expectAccessible(page);
  });

  browserTest('evidence images stay blurred and grey until revealed; other files are downloaded', async (page) => {
    const moderator = await system.staff(['moderator']);
    const filed = await system.reportAndTriage({ channel: 'https://t.me/evidence_in_browser' });
    const reporter = { 'x-tracking-token': filed.trackingToken };
    const image = await uploadEvidence(system.baseUrl, filed.reportId, EVIDENCE_FILES.png, reporter);
    const pdf = await uploadEvidence(system.baseUrl, filed.reportId, EVIDENCE_FILES.pdf, reporter, 'notes.pdf');
    expect([image.status, pdf.status]).toEqual([201, 201]);
    // A takedown preserves the case's reports and evidence for six months.
    const claimed = await system.request('POST', `/v1/cases/${filed.caseId}/claim`, { token: moderator.token });
    expect(claimed.status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${filed.caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes official propaganda of a designated group.' },
    });
    expect(decision.status).toBe(201);

    await signIn(page, moderator.email);
    await page.goto(`/cases/${filed.caseId}`);
    await page.getByRole('heading', { name: 'Evidence', exact: true }).waitFor();
    await page.getByText(/^Reports and evidence preserved until /).waitFor();
    const imageRow = page.getByRole('row').filter({ hasText: image.body.sha256 });
    await imageRow.getByRole('cell', { name: 'image/png' }).waitFor();
    const img = imageRow.getByRole('img');
    // Fetched with the bearer token and shown from an object URL (the CSP allows blob: images), blurred and grey.
    // Page code with `any`: this program has no DOM types.
    await waitFor(async () => (await img.evaluate((el: any) => el.complete && el.naturalWidth)) === 1, {
      what: 'the evidence image to load',
    });
    const looks = () =>
      img.evaluate((el: any) => [el.currentSrc.slice(0, 5), (globalThis as any).getComputedStyle(el).filter]);
    expect(await looks()).toEqual(['blob:', 'blur(24px) grayscale(1)']);
    expect(await img.getAttribute('alt')).toBe('Evidence image 1, blurred');
    await expectAccessible(page);
    const reveal = imageRow.getByRole('button', { name: 'Reveal' });
    await reveal.click();
    expect(await reveal.getAttribute('aria-pressed')).toBe('true');
    expect(await looks()).toEqual(['blob:', 'none']);

    const pdfRow = page.getByRole('row').filter({ hasText: pdf.body.sha256 });
    expect(await pdfRow.getByRole('img').count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      pdfRow.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`evidence-${pdf.body.id}.pdf`);
    // Each file was fetched once, and each fetch is in the audit trail.
    const viewed = await system.sql(
      `SELECT data->>'sha256' AS sha256 FROM audit_events WHERE action = 'evidence.viewed' ORDER BY seq`,
    );
    expect(viewed.map((row) => row.sha256)).toEqual([image.body.sha256, pdf.body.sha256]);
  });

  browserTest('a senior decides several selected queue rows at once', async (page) => {
    const senior = await system.staff(['senior_moderator']);
    for (const name of ['bulk_one', 'bulk_two']) await system.reportAndTriage({ channel: `https://t.me/${name}` });
    await signIn(page, senior.email);
    await page.getByRole('checkbox', { name: 'Select telegram:bulk_one' }).check();
    await page.getByRole('checkbox', { name: 'Select telegram:bulk_two' }).check();
    const form = page.getByRole('form', { name: 'Bulk decision' });
    await form.getByLabel('Action').selectOption('restrict');
    await form.getByLabel('Policy').fill('TVEC-4');
    await form.getByLabel('Statement of reasons').fill('Both channels mirror the same designated outlet.');
    await expectAccessible(page);
    await form.getByRole('button', { name: 'Decide 2 selected cases' }).click();
    await page.getByRole('status').filter({ hasText: '2 decided, 0 skipped' }).waitFor();
    const decided = await system.sql(
      `SELECT count(*)::int AS n FROM cases c JOIN channels ch ON ch.id = c.channel_id
       WHERE ch.canonical_key IN ('telegram:bulk_one', 'telegram:bulk_two') AND c.status IN ('decided', 'closed')`,
    );
    expect(decided[0].n).toBe(2);
  });

  browserTest('a senior resolves an appeal, and the decision’s author is told a second person must', async (page) => {
    const author = await system.staff(['senior_moderator']);
    const second = await system.staff(['senior_moderator']);
    const decided = await decidedCase('https://t.me/appealed_in_browser', author.token);
    // The reporter appeals through /appeal with the tracking token.
    await page.goto('/appeal');
    await page.getByLabel('Decision id').fill(decided.decisionId);
    await page.getByLabel('Token').fill('not the token');
    await page.getByLabel('Reason').fill('The channel is a news outlet reporting on the group.');
    await page.getByRole('button', { name: 'Send appeal' }).click();
    await page.getByRole('alert').filter({ hasText: 'No decision matches' }).waitFor();
    await page.getByLabel('Token').fill(decided.trackingToken);
    await page.getByRole('button', { name: 'Send appeal' }).click();
    const received = page.getByRole('status').filter({ hasText: 'Appeal received' });
    await received.waitFor();
    await expectAccessible(page);
    const appealId = /\(([0-9a-f-]{36})\)/.exec((await received.textContent()) ?? '')?.[1];
    expect(appealId).toBeDefined();

    await signIn(page, author.email);
    await page.getByRole('link', { name: 'Appeals' }).click();
    await page.getByRole('heading', { name: 'Appeals' }).waitFor();
    await expectAccessible(page);
    await page.locator(`a[href="/appeals/${appealId}"]`).click();
    await page.getByRole('status').filter({ hasText: 'second person must resolve' }).waitFor();
    expect(await page.getByRole('button', { name: 'Uphold' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reverse' }).isDisabled()).toBe(true);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, second.email);
    await page.goto(`/appeals/${appealId}`);
    await page.getByLabel('Reason').fill('The decision stands: the posts are official statements.');
    await page.getByRole('button', { name: 'Uphold' }).click();
    await page.getByRole('status').filter({ hasText: 'Appeal resolved: upheld' }).waitFor();
  });

  browserTest('an auditor verifies the chain and the latest checkpoint’s signature in the browser', async (page) => {
    const auditor = await system.staff(['auditor']);
    const admin = await system.login();
    await waitFor(
      async () => (await system.request('POST', '/v1/audit/checkpoints', { token: admin })).status === 201,
      {
        what: 'a checkpoint over sealed events',
      },
    );
    await signIn(page, auditor.email);
    // An auditor starts on the audit log, not on a queue they may not read.
    await page.waitForURL(/\/audit$/);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    for (const column of ['Seq', 'Time', 'Actor', 'Action', 'Target']) {
      await page.getByRole('columnheader', { name: column }).waitFor();
    }
    await page.getByText('signature verified in this browser').waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /The chain is intact: \d+ events checked/ })
      .waitFor();
    // The first event's inclusion in the signed Merkle tree, proved and checked in the browser (libs/audit's verifier).
    const signTree = system.api!.get(SignTreeCheckpoint, { strict: false });
    const treeCheckpoint = async () =>
      (await system.request('GET', '/v1/audit/tree/checkpoint', { token: admin })).status === 200;
    await waitFor(async () => (await signTree.execute()) !== null || (await treeCheckpoint()), {
      what: 'a signed tree checkpoint',
    });
    await page.getByRole('button', { name: 'Prove 1', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Event 1 is included in the signed tree of size \d+: proof and signature verified/ })
      .waitFor();
    await expectAccessible(page);
  });

  browserTest('Arabic lays the page out right to left, and English comes back', async (page) => {
    await page.goto('/report');
    await page.getByLabel('Language').selectOption({ label: 'العربية' });
    await page.getByRole('heading', { name: 'الإبلاغ عن قناة' }).waitFor();
    expect(await page.evaluate('[document.documentElement.dir, document.documentElement.lang]')).toEqual(['rtl', 'ar']);
    await expectAccessible(page);
    await page.reload();
    await page.getByRole('heading', { name: 'الإبلاغ عن قناة' }).waitFor();
    await page.getByLabel('Language').selectOption({ label: 'English' });
    await page.getByRole('heading', { name: 'Report a channel' }).waitFor();
    expect(await page.evaluate('document.documentElement.dir')).toBe('ltr');
  });

  browserTest('an expired session returns to /login and then to the page the person was on', async (page) => {
    const moderator = await system.staff(['moderator']);
    await signIn(page, moderator.email);
    // What a token past its lifetime looks like to the API: one it refuses.
    await page.evaluate(`{
      const session = JSON.parse(sessionStorage.getItem('vigil.session'));
      sessionStorage.setItem('vigil.session', JSON.stringify({ ...session, accessToken: session.accessToken + 'x' }));
    }`);
    await page.goto('/?status=open');
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/?status=open');
    await page.getByRole('status').filter({ hasText: 'session ended' }).waitFor();
    await page.getByLabel('Email').fill(moderator.email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/' && url.search === '?status=open');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
  });

  browserTest('an admin opens the queue board from the console and sees every queue; a moderator has none', async (page) => {
    const moderator = await system.staff(['moderator']);
    await signIn(page, moderator.email);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link', { name: 'Background jobs' }).count()).toBe(0);
    await nav.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    // Exactly one link answers to "Queue" for an admin too: the board's link is named otherwise.
    expect(await nav.getByRole('link', { name: 'Queue' }).count()).toBe(1);
    await nav.getByRole('link', { name: 'Background jobs' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/queues/');
    for (const name of ALL_QUEUES) await page.getByText(name, { exact: true }).first().waitFor();
    // The board's session is the cookie alone (the console's token is not in it): it opens the board's API …
    const api = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
    expect(api).toBe(200);
    // … and no other route.
    const other = await page.evaluate(async () => (await fetch('/v1/admin/queues')).status);
    expect(other).toBe(401);
  });

  browserTest(
    'an admin adds a user, and creates an API key that is shown once, works, and is revoked',
    async (page) => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await page.getByLabel('Email').fill('new-auditor@vigil.test');
      await page.getByLabel('Display name').fill('New Auditor');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('checkbox', { name: 'auditor' }).check();
      await page.getByRole('checkbox', { name: 'moderator', exact: true }).uncheck();
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.locator('#user-password-error').waitFor();
      await page.getByLabel('Password').fill('a long enough password');
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.getByRole('status').filter({ hasText: 'User new-auditor@vigil.test added' }).waitFor();
      await page.getByRole('row').filter({ hasText: 'new-auditor@vigil.test' }).waitFor();
      await expectAccessible(page);

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByLabel('Name').fill('Browser test flagger');
      await page.getByLabel('Organisation').fill('Test IRU');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('status').filter({ hasText: 'shown only this once' }).waitFor();
      const key = await page.getByLabel('New key').inputValue();
      await expectAccessible(page);
      const feed = () => system.request('GET', '/v1/feeds/actioned-channels', { headers: { 'x-api-key': key } });
      expect((await feed()).status).toBe(200);
      const row = page.getByRole('row').filter({ hasText: 'Browser test flagger' });
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('revoked').waitFor();
      expect((await feed()).status).toBe(401);
      await page.reload();
      expect(await page.getByLabel('New key').count()).toBe(0);
    },
  );

  browserTest(
    'an auditor reads the transparency figures as text and charts and downloads the statements',
    async (page) => {
      const auditor = await system.staff(['auditor']);
      await decidedCase('https://t.me/counted_in_transparency', (await system.staff(['moderator'])).token);
      await signIn(page, auditor.email);
      await page.getByRole('link', { name: 'Transparency' }).click();
      await page.getByRole('heading', { name: 'Transparency', level: 1 }).waitFor();
      await page.getByLabel('From').waitFor();
      await page.getByLabel('To').waitFor();
      await page.getByRole('heading', { name: 'Decisions by action' }).waitFor();
      const takedowns = page.getByRole('row').filter({ hasText: 'Take down' });
      expect(Number(await takedowns.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(4);
      // API v1.1's migration figures, as text.
      for (const label of ['Suspected migrations', 'Confirmed migrations', 'Median hours from takedown to reappearance']) {
        await page.getByText(label).waitFor();
      }
      await expectAccessible(page);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download statements of reasons' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^statements-of-reasons_.*\.ndjson$/);
    },
  );

  browserTest('a senior declares an incident, follows its figures and closes it; an auditor reads', async (page) => {
    const senior = await system.staff(['senior_moderator']);
    await signIn(page, senior.email);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Declare an incident' });
    await form.getByLabel('Title').fill('Fundraising wave on TamTam');
    await form.getByRole('checkbox', { name: 'TamTam' }).check();
    await form.getByRole('checkbox', { name: 'Financing' }).check();
    await form.getByLabel('Boost').fill('80');
    await form.getByLabel('SLA hours').fill('0.1');
    await form.getByRole('button', { name: 'Declare incident' }).click();
    // The server's messages, each under its own field; nothing was declared.
    await page.locator('#incident-boost-error').filter({ hasText: 'boost must not be greater than 50' }).waitFor();
    await page.locator('#incident-slaHours-error').filter({ hasText: 'slaHours must not be less than 0.25' }).waitFor();
    expect(await form.getByLabel('Boost').getAttribute('aria-describedby')).toContain('incident-boost-error');
    await expectAccessible(page);
    await form.getByLabel('Boost').fill('20');
    await form.getByLabel('SLA hours').fill('2');
    await form.getByLabel('Organisation').fill('Nobody We Know Front');
    await form.getByRole('button', { name: 'Declare incident' }).click();
    await page.locator('#incident-organization-error').filter({ hasText: 'no designated organisation' }).waitFor();
    expect(await page.locator('#incident-boost-error').count()).toBe(0);
    expect(await system.sql(`SELECT id FROM incidents`)).toEqual([]);

    await form.getByLabel('Organisation').fill('');
    await form.getByRole('button', { name: 'Declare incident' }).click();
    await page.getByRole('status').filter({ hasText: 'Incident declared: Fundraising wave on TamTam' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Fundraising wave on TamTam' });
    await row.getByText('active', { exact: true }).waitFor();
    // A matching report: triage boosts its case, and the list's figures follow without a reload.
    await system.reportAndTriage({ channel: 'https://tamtam.chat/incident_fundraiser', category: 'financing' });
    const cells = row.getByRole('cell');
    await waitFor(async () => (await cells.nth(7).textContent()) === '1', { what: 'the incident to count the case' });
    expect(await cells.nth(6).textContent()).toBe('1');
    await expectAccessible(page);

    await row.getByRole('button', { name: 'Close' }).click();
    await row.getByText('closed', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: 'Close' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption({ label: 'active' });
    await page.getByText('No incidents.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    const auditor = await system.staff(['auditor']);
    await signIn(page, auditor.email);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Incidents' }).click();
    await row.waitFor();
    expect(await page.getByRole('form', { name: 'Declare an incident' }).count()).toBe(0);
    expect(await row.getByRole('button').count()).toBe(0);
    await expectAccessible(page);
  });

  it('notices a CSP violation: an inline script on a console page is blocked and reported', async () => {
    const context = await browser.context(system.baseUrl);
    const page = await context.newPage();
    const cspViolations = watchCsp(page);
    try {
      await page.goto('/report');
      await page.getByRole('heading', { name: 'Report a channel' }).waitFor();
      expect(await cspViolations()).toEqual([]);
      await page.evaluate(`{
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.append(script);
      }`);
      await waitFor(async () => (await cspViolations()).length > 0, { what: 'the violation to be reported' });
      expect((await cspViolations()).join('\n')).toMatch(/script-src/);
      expect(await page.evaluate('window.inlineRan')).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
