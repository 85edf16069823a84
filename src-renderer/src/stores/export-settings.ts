/** The Export dialog's settings as the user left them, kept in localStorage between uses. */
import type { ExportFormat, ExrCompression, ExrPixelType } from '../../../src-preload/contract';
import { DEFAULT_TEMPLATE, EXPORT_FORMATS } from '../../../src-shared/export/naming';

export interface ExportSettings {
  formats: ExportFormat[];
  quality: number;
  /** Long side of the JPEG/TIFF; null: full size. */
  maxSide: number | null;
  exrPixelType: ExrPixelType;
  exrCompression: ExrCompression;
  template: string;
  /** null: the folder of the first frame. */
  folder: string | null;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  formats: ['jpeg', 'exr'],
  quality: 92,
  maxSide: null,
  exrPixelType: 'half',
  exrCompression: 'zip',
  template: DEFAULT_TEMPLATE,
  folder: null,
};

const KEY = 'luxfuse:export';

/** What was saved, field by field: anything missing or malformed falls back to the default. */
export function loadExportSettings(storage: Pick<Storage, 'getItem'> = localStorage): ExportSettings {
  let saved: Partial<Record<keyof ExportSettings, unknown>> = {};
  try {
    saved = JSON.parse(storage.getItem(KEY) ?? '{}') ?? {};
  } catch {
    saved = {};
  }
  const d = DEFAULT_EXPORT_SETTINGS;
  const formats = Array.isArray(saved.formats) ? EXPORT_FORMATS.filter((f) => (saved.formats as unknown[]).includes(f)) : [];
  const int = (v: unknown, min: number, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null);
  return {
    formats: formats.length > 0 ? formats : d.formats,
    quality: int(saved.quality, 1, 100) ?? d.quality,
    maxSide: int(saved.maxSide, 64, 65_535),
    exrPixelType: saved.exrPixelType === 'float' ? 'float' : 'half',
    exrCompression: (['zip', 'piz', 'zips', 'none'] as const).find((c) => c === saved.exrCompression) ?? d.exrCompression,
    template: typeof saved.template === 'string' && saved.template.trim() ? saved.template : d.template,
    folder: typeof saved.folder === 'string' && saved.folder ? saved.folder : null,
  };
}

export function saveExportSettings(settings: ExportSettings, storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Storage full or disabled: the settings last for this session only.
  }
}
