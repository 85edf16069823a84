/** Paths the e2e specs share. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = resolve(ROOT, 'out/renderer');
export const SAMPLE_DIR = resolve(ROOT, 'resources/samples');
export const ARTIFACTS = resolve(ROOT, 'artifacts/e2e');

/** The bundled sample bracket's frames, darkest first. */
export const SAMPLES = readdirSync(SAMPLE_DIR)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLE_DIR, f));
