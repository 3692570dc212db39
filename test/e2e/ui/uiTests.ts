// The UI tests: what a person sees in the workbench with the installed .vsix. Each test waits for the
// element it is about, asserts its text, and photographs it into test-results/e2e/.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { answerInputBox, photograph, quickOpen, runCommand } from './steps';

export interface UiContext {
  page: Page;
  shots: string;
  apiKey: string;
}

export async function setApiKeyThroughThePalette({ page, apiKey }: UiContext): Promise<void> {
  await runCommand(page, 'Policy Lens: Set API Key');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Set API Key' }).waitFor();
  const input = page.locator('.quick-input-widget .quick-input-box input');
  assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
  await answerInputBox(page, apiKey);
  await page.locator('.notifications-toasts', { hasText: 'API key saved' }).waitFor({ timeout: 45_000 });
}

export async function problemsPanelShowsTheFinding({ page, shots }: UiContext): Promise<string> {
  await quickOpen(page, 'invalid-mode.policy.yaml');
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row[aria-label*="allow"]').first();
  await row.waitFor({ timeout: 60_000 });
  const label = (await row.getAttribute('aria-label')) ?? '';
  assert.match(label, /^Error: .*"allow" is not one of/);
  assert.match(label, /at line 3 /);
  const file = join(shots, 'problems-panel.png');
  await photograph(page.locator('#workbench\\.parts\\.panel'), file);
  return file;
}

export async function codeLensAboveTheBundle({ page, shots }: UiContext): Promise<string> {
  await quickOpen(page, 'pii-protection.yaml');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const lens = editor.locator('.codelens-decoration', { hasText: '~ update' }).first();
  await lens.waitFor({ timeout: 60_000 });
  assert.match((await lens.textContent()) ?? '', /~ update: enforcementMode log_only → block/);
  const file = join(shots, 'codelens.png');
  await photograph(page.locator('#workbench\\.parts\\.editor'), file);
  return file;
}

export async function syncViewListsThePlan({ page, shots }: UiContext): Promise<string> {
  await runCommand(page, 'Policy Lens: Focus on Sync View');
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sync' }) }).first();
  for (const group of ['Create (1)', 'Update (1)', 'No change (1)']) {
    await view.locator(`.monaco-list-row[aria-label*="${group}"]`).waitFor({ timeout: 60_000 });
  }
  await view.locator('.monaco-list-row', { hasText: 'PII Protection' }).first().waitFor();
  await view.locator('.monaco-list-row', { hasText: 'Block Prompt Injection' }).first().waitFor();
  const status = page.locator('#workbench\\.parts\\.statusbar', { hasText: 'Policy Lens: 2 changes' });
  await status.waitFor({ timeout: 30_000 });
  const file = join(shots, 'sync-view.png');
  await photograph(page.locator('#workbench\\.parts\\.sidebar'), file);
  // The whole window too: the views, the bundle with its CodeLens, the status bar.
  await page.screenshot({ path: join(shots, 'workbench.png') });
  return file;
}

export async function applyAfterConfirmation({ page, shots }: UiContext): Promise<string> {
  // The Apply button in the Sync view's title bar (it shows while the view is hovered or focused).
  const header = page.locator('.pane-header', { hasText: 'Sync' }).first();
  await header.hover();
  await header.locator('.action-label[aria-label^="Apply Sync Plan"]').click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /Apply 1 create, 1 update to e2e-org\?/);
  const file = join(shots, 'apply-confirmation.png');
  await photograph(dialog, file);
  await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
  await page.locator('.notifications-toasts', { hasText: 'applied 2 changes' }).waitFor({ timeout: 60_000 });
  // Every other bundle is in sync now; the workspace's broken bundle is left out of the plan, and
  // the status bar says so rather than "in sync" (as `policylens sync` refuses to plan then).
  await page
    .locator('#workbench\\.parts\\.statusbar', { hasText: 'Policy Lens: 1 invalid bundle' })
    .waitFor({ timeout: 60_000 });
  return file;
}

export async function testExplorerShowsTheFailingCase({ page, shots }: UiContext): Promise<string> {
  await quickOpen(page, 'baseline.policytest.yaml');
  await runCommand(page, 'Testing: Focus on Test Explorer View');
  const explorer = page.locator('.test-explorer');
  const fileRow = explorer.locator('.monaco-list-row', { hasText: 'baseline.policytest.yaml' }).first();
  await fileRow.waitFor({ timeout: 60_000 });
  await runCommand(page, 'Test: Run All Tests');
  if ((await fileRow.getAttribute('aria-expanded')) === 'false') await fileRow.click();
  const failing = explorer.locator('.monaco-list-row', {
    hasText: "an injection in the model's output is blocked",
  });
  await failing.locator('.codicon-testing-failed-icon').waitFor({ timeout: 60_000 });
  const passing = explorer.locator('.monaco-list-row', {
    hasText: 'a prompt injection in the input is blocked',
  });
  await passing.locator('.codicon-testing-passed-icon').waitFor({ timeout: 30_000 });
  // The failure is shown in the editor at the case's expect, with the expected and actual decisions.
  const peek = page.locator('.editor-instance .peekview-widget, .editor-instance .test-output-peek').first();
  await peek.waitFor({ timeout: 30_000 }).catch(() => undefined);
  const file = join(shots, 'test-explorer.png');
  await page.screenshot({ path: file });
  return file;
}

/**
 * With policyLens.replay.events set, the lens beside the plan says what the update does to the
 * recorded traffic, and a click opens the affected events in a read-only document; the Sync view
 * shows the same impact under the policy, and its impact item opens the same document.
 */
export async function impactLensOpensTheAffectedEvents({ page, shots }: UiContext): Promise<string[]> {
  await quickOpen(page, 'pii-protection.yaml');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const lens = editor.locator('.codelens-decoration a', { hasText: 'would block' }).first();
  // The replay runs on the server's worker thread after the plan is read: `impact…` until then.
  await lens.waitFor({ timeout: 90_000 });
  const title = (await lens.textContent()) ?? '';
  assert.match(title, /^would block \+[1-9]\d* · allow \+0$/);
  const lensShot = join(shots, 'impact-lens.png');
  await photograph(page.locator('#workbench\\.parts\\.editor'), lensShot);
  const blocked = /would block \+(\d+)/.exec(title)?.[1];

  const affected = async () => {
    await page
      .locator('.tabs-container .tab.active[aria-label*="PII_Protection.txt"]')
      .waitFor({ timeout: 30_000 });
    const text = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await text.filter({ hasText: 'affected events' }).waitFor({ timeout: 30_000 });
    // The editor renders spaces as no-break spaces.
    const shown = ((await text.textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(shown, new RegExp(`would block \\+${blocked} · allow \\+0`));
    assert.match(shown, /warn → block/);
    assert.match(
      shown,
      /traffic\/events\.jsonl:\d+ {2}[\w-]+ {2}warn \(PII Protection\) → block \(PII Protection\)/,
    );
  };
  await lens.click();
  await affected();
  await runCommand(page, 'View: Close Editor');

  // The Sync view: the update's impact is its first child, and a click opens the same events.
  await runCommand(page, 'Policy Lens: Focus on Sync View');
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sync' }) }).first();
  const entry = view.locator('.monaco-list-row', { hasText: 'PII Protection' }).first();
  await entry.waitFor({ timeout: 60_000 });
  assert.match((await entry.textContent()) ?? '', new RegExp(`would block \\+${blocked}`));
  if ((await entry.getAttribute('aria-expanded')) === 'false')
    await entry.locator('.monaco-tl-twistie').click();
  // The impact's own row, found by its description: the update's row above it shows the same
  // counts, and right after the expand click it may be the only row that does.
  const impact = view.locator('.monaco-list-row', { hasText: /of 300 recorded events change/ }).first();
  await impact.waitFor({ timeout: 30_000 });
  assert.match((await impact.textContent()) ?? '', new RegExp(`would block \\+${blocked} · allow \\+0`));
  await impact.click();
  await affected();
  const docShot = join(shots, 'affected-events.png');
  await page.screenshot({ path: docShot });
  await runCommand(page, 'View: Close Editor');
  return [lensShot, docShot];
}
