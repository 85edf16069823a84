/** What the learned-merge specs share: open the sample bracket, pick a method, and read the merge results the page received. */
import { expect, type Page } from '@playwright/test';
import type { MergeResult } from '../../src-preload/contract';
import { decodeWire } from './host/wire';
import type { TestHost } from './host/test-host';
import { SAMPLES } from './paths';

/** Every project:merge result (and the request's weights, if any) the page receives, in order. */
export function recordMerges(page: Page): { result: MergeResult; withWeights: boolean }[] {
  const seen: { result: MergeResult; withWeights: boolean }[] = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/__ipc/project%3Amerge')) return;
    const body = decodeWire(await response.text()) as { ok: boolean; result?: MergeResult };
    const sent = response.request().postData() ?? '';
    if (body.ok && body.result) seen.push({ result: body.result, withWeights: sent.includes('"fusionWeights"') });
  });
  return seen;
}

/** Opens a bracket (default the samples) through the Open dialog and waits for its first merge. */
export async function openSamples(page: Page, host: TestHost, files: string[] = SAMPLES): Promise<void> {
  host.dialogs.opens.push(files);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('busy')).toHaveCount(0);
}

/** Picks a method in the toolbar and waits for the merge it starts to finish. */
export async function chooseMethod(page: Page, method: string): Promise<void> {
  await page.getByTestId('method').selectOption(method);
  await expect(page.getByTestId('busy')).toHaveCount(0, { timeout: 170_000 });
}
