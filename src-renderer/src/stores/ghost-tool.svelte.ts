/** The ghost panel's tools: brush and overlay. Not edits (nothing to undo or save), so apart from the project's state. */
export type BrushMode = 'off' | 'add' | 'remove';

/** Brush radius choices, per cent of the image's long side. */
export const BRUSH_SIZE = { min: 0.5, max: 12, step: 0.5, default: 3 } as const;

export class GhostTool {
  /** 'add' paints deghosting on, 'remove' paints it off; 'off' leaves the preview to the eye. */
  brush = $state<BrushMode>('off');
  /** Brush radius, per cent of the image's long side. */
  size = $state<number>(BRUSH_SIZE.default);
  /** The detector's uncertainty as a heat map over the preview, with the final mask's edge. */
  showUncertainty = $state(true);
  /** The threshold while its slider is dragged (the overlay previews it); null when not dragging. */
  pendingThreshold = $state<number | null>(null);
}
