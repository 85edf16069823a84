/** Paths the e2e specs share. */
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = resolve(ROOT, 'out/renderer');
export const SAMPLE_DIR = resolve(ROOT, 'resources/samples');
export const ARTIFACTS = resolve(ROOT, 'artifacts/e2e');
