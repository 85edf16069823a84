/**
 * Originals are never written: every e2e flow hashes the files (and folders, recursively) it opens
 * before its tests and compares them byte for byte after. Call after the spec's own beforeAll, so
 * files that hook generates are covered too.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

function hashes(paths: readonly string[], into = new Map<string, string>()): Map<string, string> {
  for (const path of paths) {
    if (statSync(path).isDirectory()) hashes(readdirSync(path).map((name) => join(path, name)), into);
    else into.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return into;
}

export function guardOriginals(paths: () => readonly string[]): void {
  let before: Map<string, string>;
  test.beforeAll(() => {
    before = hashes(paths());
    expect(before.size).toBeGreaterThan(0);
  });
  test.afterAll(() => {
    const after = hashes([...before.keys()]);
    const changed = [...before].filter(([path, hash]) => after.get(path) !== hash).map(([path]) => path);
    expect(changed, 'originals changed by the flow').toEqual([]);
  });
}
