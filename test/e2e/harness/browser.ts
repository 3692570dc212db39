// Debian's chromium driven by playwright-core (a browser download is impossible on these machines).
import { type Browser, type Page, chromium } from 'playwright-core';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  // Without these chromium keeps trying to reach the internet.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

export interface Workbench {
  browser: Browser;
  page: Page;
  /** Console lines of the page (the extension-host test output arrives here). */
  console: string[];
  close(): Promise<void>;
}

export async function openWorkbench(
  executablePath: string,
  url: string,
  options: { onExit?: (code: number) => void; onConsole?: (line: string) => void } = {},
): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // Generous: the machine is shared with the rest of the test suite.
  page.setDefaultTimeout(60_000);
  const lines: string[] = [];
  page.on('console', (msg) => {
    const text = msg.text();
    lines.push(text);
    options.onConsole?.(text);
  });
  // The workbench reports the end of an extension test run by calling window.codeAutomationExit.
  if (options.onExit) {
    const onExit = options.onExit;
    await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
  }
  await page.goto(url);
  return { browser, page, console: lines, close: () => browser.close() };
}
