/**
 * Where the heavy stages run, for the status indicator (issue 8: GPU/CPU with the reason when
 * falling back): the preview's tone pass and the learned merge's network. Written by the preview
 * and the model runtime, read by ComputeStatus.svelte.
 */
export type ModelPlace = 'webgpu' | 'wasm' | 'main-wasm';

export interface StageStatus<P> {
  place: P;
  /** Why the CPU is used (null on the GPU, or when the user chose it). */
  reason: string | null;
}

export class ComputeStatus {
  /** The preview's tone pass, once a frame is drawn. */
  tone = $state<StageStatus<'gpu' | 'cpu'> | null>(null);
  /** The learned network of the last learned merge. */
  model = $state<StageStatus<ModelPlace> | null>(null);

  /** One line for the toolbar. */
  get modelLabel(): string | null {
    const m = this.model;
    if (!m) return null;
    if (m.place === 'webgpu') return 'Model: GPU (WebGPU)';
    return `Model: CPU (WASM${m.place === 'wasm' ? ', in the window' : ''})${m.reason ? ` — ${m.reason}` : ''}`;
  }

  get toneLabel(): string | null {
    const t = this.tone;
    if (!t) return null;
    return t.place === 'gpu' ? 'Preview: GPU' : `Preview: CPU${t.reason ? ` — ${t.reason}` : ''}`;
  }
}

/** The window's one status: the preview and the merge write it from different components. */
export const computeStatus = new ComputeStatus();
