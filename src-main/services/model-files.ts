/**
 * Model files for the renderer's own runtime (src-renderer/src/models): read from resources/models
 * (LUXFUSE_MODELS in packaged builds and tests) by name, never by a path the renderer chose.
 */
import { readFile } from 'node:fs/promises';
import type { ModelName } from '../../src-preload/contract';
import { defaultModelPath, FusionModelMissingError } from './fusion-model';

const PATHS: Record<ModelName, () => string> = {
  fusion: defaultModelPath,
};

export async function readModelBytes(model: ModelName): Promise<Uint8Array> {
  const path = PATHS[model]();
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new FusionModelMissingError(`the ${model} model is missing (${path}): ${(error as Error).message}`, path);
  }
}
