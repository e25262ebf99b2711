// The console's browser tests: Debian's Chromium driven by playwright-core against a real TestSystem (API serving
// the built console, worker, Postgres, Redis). Each test gets a fresh browser context; a failing test leaves a
// screenshot in test-results/console/ (git-ignored); every page visited is checked with axe-core and for CSP
// violations.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../test-results/console');

export class ConsoleBrowser {
  private constructor(private readonly browser: Browser) {}

  /** Playwright starts Chromium with a fresh user-data-dir of its own (and refuses one passed as an argument). */
  static async launch(): Promise<ConsoleBrowser> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return new ConsoleBrowser(browser);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** A fresh context (no storage shared with other tests) whose pages record CSP violations. */
  async context(baseURL: string): Promise<BrowserContext> {
    const context = await this.browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    // Page code, as text: this program has no DOM types.
    await context.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sample));
    `);
    return context;
  }
}

/** CSP violations seen by the page since it loaded (the init script's list) and in the console's messages. */
export function watchCsp(page: Page): () => Promise<string[]> {
  const fromConsole: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) fromConsole.push(message.text());
  });
  return async () => [...fromConsole, ...((await page.evaluate('window.__cspViolations ?? []')) as string[])];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
}

/** Runs `body` and, when it fails, saves a full-page screenshot named after the test before rethrowing. */
export async function withScreenshotOnFailure(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw error;
  }
}
