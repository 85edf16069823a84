/**
 * Importing a folder into the library: brackets found from EXIF, shown with thumbnails and the
 * reason, an unreadable file named; the user splits, joins, moves and excludes frames, then opens a
 * bracket and merges it.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { ROOT } from '../paths';
import type { FlowEnvironment } from './environment';

/** A card with two brackets a few minutes apart (one in DCIM/) and one file that is not an image Luxfuse reads; returns its folder. */
export function writeShoot(parent: string): string {
  const shoot = join(parent, 'card');
  mkdirSync(join(shoot, 'DCIM'), { recursive: true });
  writeBracket(shoot, { prefix: 'a', minute: 0 });
  writeBracket(join(shoot, 'DCIM'), { prefix: 'b', minute: 5 });
  copyFileSync(join(ROOT, 'README.md'), join(shoot, 'notes.jpg'));
  return shoot;
}

export async function regroupFlow(page: Page, env: FlowEnvironment, shoot: string): Promise<void> {
  await env.answerOpenFolder([shoot]);
  await page.getByTestId('import-folder').click();

  const groups = page.getByTestId('group');
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(3);
  await expect(groups.nth(0).getByTestId('group-reason')).toContainText('3 frames');
  // The unreadable file is listed with its name, the rest of the import went on.
  await expect(page.getByTestId('library-errors')).toContainText('notes.jpg');
  // Thumbnails arrive from main.
  await expect(groups.nth(0).locator('canvas[data-loaded="true"]')).toHaveCount(3);
  await env.screenshot(page, 'library');

  // Split the first bracket after its first frame, then join it back.
  await groups.nth(0).getByTestId('split-here').first().click();
  await expect(groups).toHaveCount(3);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(1);
  await groups.nth(1).getByTestId('join-up').click();
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(3);

  // Drag the last frame of the second bracket into the first.
  await groups.nth(1).getByTestId('library-frame').last().dragTo(groups.nth(0));
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(4);
  await expect(groups.nth(1).getByTestId('library-frame')).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('group-reason')).toHaveText('Edited by hand');

  // Exclude the moved frame again, open the bracket: three frames are merged.
  await groups.nth(0).getByTestId('include-frame').last().uncheck();
  await groups.nth(0).getByTestId('open-group').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await env.screenshot(page, 'library-merged');
}
