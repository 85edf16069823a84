/** The live tone controls, shared by the preview (renderer) and the export (main) so both agree. */
export interface ToneParams {
  /** Exposure compensation in stops, -5..5. */
  exposure: number;
  /** Contrast, -1..1; 0 leaves the image as it is. */
  contrast: number;
  /** 'radiance' compresses a scene-referred map; 'display' only adjusts an already displayable image. */
  mode: 'radiance' | 'display';
  /** Auto-exposure key (0.18 / log-average luminance); computed once per merge so preview and export match. */
  key?: number;
}

export const DEFAULT_TONE: Readonly<Omit<ToneParams, 'mode'>> = { exposure: 0, contrast: 0 };
