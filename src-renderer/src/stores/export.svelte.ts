/**
 * The Export dialog: its settings, the file names they give (shown live), the overwrite question,
 * the single export through the open project, and the batch export of library groups with its
 * progress (polled from main) and summary. Components only render and call these.
 */
import type { BatchRequest, BatchStatus, ExportFormat, ExportOptions } from '../../../src-preload/contract';
import { expandTemplate, methodForGroup, outputNames, uniqueStems } from '../../../src-shared/export/naming';
import { getBridge } from '../lib/bridge';
import type { LibraryStore } from './library.svelte';
import type { PresetStore } from './presets.svelte';
import type { ProjectStore } from './project.svelte';
import { loadExportSettings, saveExportSettings, type ExportSettings } from './export-settings';

/** How often a running batch's status is read. */
const POLL_MS = 200;

export type ExportPhase = 'settings' | 'confirm' | 'running' | 'done';

/** One set of files the dialog will write: the open project's, or a batch group's. */
export interface PlannedExport {
  label: string;
  stem: string;
  /** Full paths, in EXPORT_FORMATS order. */
  paths: string[];
  frames: string[];
}

const separator = (folder: string) => (folder.includes('\\') && !folder.includes('/') ? '\\' : '/');
export const joinPath = (folder: string, name: string) => (folder.endsWith(separator(folder)) ? folder + name : folder + separator(folder) + name);
export const folderOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))) || '/';
export const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

export class ExportStore {
  open = $state(false);
  mode = $state<'single' | 'batch'>('single');
  /** Library groups of a batch, in library order. */
  groupIds = $state<string[]>([]);
  settings = $state<ExportSettings>(loadExportSettings());
  phase = $state<ExportPhase>('settings');
  /** Files that exist already (the overwrite question). */
  existing = $state<string[]>([]);
  error = $state<string | null>(null);
  working = $state(false);
  batch = $state.raw<BatchStatus | null>(null);
  /** The batch's look: a preset's name, or null for the open image's method and tone. */
  batchPreset = $state<string | null>(null);
  private poll: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly project: ProjectStore,
    private readonly library: LibraryStore,
    private readonly presets: PresetStore,
  ) {}

  /** Method and tone every group of a batch is rendered with: the chosen preset's, or the open image's. */
  look = $derived.by(() => {
    const preset = this.mode === 'batch' && this.batchPreset !== null ? this.presets.find(this.batchPreset) : undefined;
    return {
      method: preset?.method ?? this.project.method,
      tone: preset ? preset.tone : this.project.tone.settings,
    };
  });

  /** The groups' frames (the open project's for a single export). */
  sources = $derived.by((): { label: string; frames: string[]; captured?: string; method: string }[] => {
    if (this.mode === 'single') {
      const f = this.project.frames;
      return f.length > 0 ? [{ label: 'This image', frames: f.map((x) => x.path), captured: f[0].captured, method: this.project.method }] : [];
    }
    return this.groupIds.flatMap((id) => {
      const group = this.library.group(id);
      const frames = this.library.included(id);
      if (!group || frames.length === 0) return [];
      const first = group.frames.find((f) => f.path === frames[0]);
      return [{ label: `Bracket ${this.library.groups.indexOf(group) + 1}`, frames, captured: first?.captured, method: methodForGroup(this.look.method, frames.length) }];
    });
  });

  folder = $derived(this.settings.folder ?? (this.sources[0] ? folderOf(this.sources[0].frames[0]) : ''));

  /** The files each source gets, or why there are none (a template error). */
  plan = $derived.by((): { files: PlannedExport[]; problem: string | null } => {
    if (this.settings.formats.length === 0) return { files: [], problem: 'Choose at least one format' };
    if (this.sources.length === 0) return { files: [], problem: this.mode === 'single' ? 'Open a bracket first' : 'No bracket with included frames to export' };
    try {
      const total = this.sources.length;
      const stems = uniqueStems(this.sources.map((s, i) => expandTemplate(this.settings.template, { firstFrame: s.frames[0], captured: s.captured, method: s.method, n: i + 1, total })));
      const files = this.sources.map((s, i) => ({
        label: s.label,
        stem: stems[i],
        frames: s.frames,
        paths: outputNames(stems[i], this.settings.formats).map((n) => joinPath(this.folder, n)),
      }));
      return { files, problem: null };
    } catch (error) {
      return { files: [], problem: error instanceof Error ? error.message.replace(/^./, (c) => c.toUpperCase()) : String(error) };
    }
  });

  openSingle(): void {
    this.reset('single', []);
  }

  /** The batch dialog for these library groups. */
  openBatch(ids: string[]): void {
    this.reset('batch', ids);
  }

  private reset(mode: 'single' | 'batch', ids: string[]): void {
    if (this.phase === 'running') return;
    this.mode = mode;
    this.groupIds = ids;
    this.phase = 'settings';
    this.existing = [];
    this.error = null;
    this.batch = null;
    // A preset renamed or deleted since the last batch is no longer offered.
    if (this.batchPreset !== null && !this.presets.find(this.batchPreset)) this.batchPreset = null;
    this.open = true;
  }

  close(): void {
    if (this.phase === 'running' || this.working) return;
    this.open = false;
  }

  /** The batch's look: a preset by name, or null for the open image's settings. */
  choosePreset(name: string | null): void {
    this.batchPreset = name !== null && this.presets.find(name) ? name : null;
    this.error = null;
  }

  update(change: Partial<ExportSettings>): void {
    this.settings = { ...this.settings, ...change };
    // What failed was for the settings as they were.
    this.error = null;
    saveExportSettings($state.snapshot(this.settings) as ExportSettings);
  }

  toggleFormat(format: ExportFormat, on: boolean): void {
    const others = this.settings.formats.filter((f) => f !== format);
    const formats = on ? [...others, format] : others;
    this.update({ formats });
  }

  async chooseFolder(): Promise<void> {
    try {
      const chosen = await getBridge()['dialog:choose-folder'](this.folder || null);
      if (chosen) this.update({ folder: chosen });
    } catch (error) {
      this.error = message(error);
    }
  }

  /** Export: first ask about files already there. */
  async submit(): Promise<void> {
    const { files, problem } = this.plan;
    if (problem) {
      this.error = problem;
      return;
    }
    this.error = null;
    this.working = true;
    try {
      this.existing = await getBridge()['files:existing'](files.flatMap((f) => f.paths));
    } catch (error) {
      this.error = message(error);
      return;
    } finally {
      this.working = false;
    }
    if (this.existing.length > 0) this.phase = 'confirm';
    else await this.run(false);
  }

  /** The answer to the overwrite question: replace them, or (batch) skip the groups already exported. */
  async confirm(replace: boolean): Promise<void> {
    this.phase = 'settings';
    await this.run(replace);
  }

  private options(): ExportOptions {
    const s = this.settings;
    return {
      formats: [...s.formats],
      quality: s.quality,
      ...(s.maxSide !== null ? { maxSide: s.maxSide } : {}),
      output: this.project.tone.output,
      exrPixelType: s.exrPixelType,
      exrCompression: s.exrCompression,
      template: s.template,
      folder: this.folder,
    };
  }

  private async run(overwrite: boolean): Promise<void> {
    if (this.mode === 'single') return this.runSingle();
    const files = this.plan.files;
    this.working = true;
    try {
      await getBridge()['batch:start']({
        groups: files.map((f) => ({ paths: [...f.frames] })),
        method: this.look.method,
        align: this.project.align,
        tone: $state.snapshot(this.look.tone) as BatchRequest['tone'],
        options: this.options(),
        overwrite,
      });
    } catch (error) {
      this.error = message(error);
      return;
    } finally {
      this.working = false;
    }
    this.phase = 'running';
    await this.refresh();
    this.poll = setInterval(() => void this.refresh(), POLL_MS);
  }

  private async runSingle(): Promise<void> {
    const [planned] = this.plan.files;
    const at = (ext: string) => planned.paths.find((p) => p.endsWith(`.${ext}`));
    const o = this.options();
    this.working = true;
    try {
      await this.project.exportFiles({
        exrPath: at('exr'),
        jpegPath: at('jpg'),
        tiffPath: at('tif'),
        quality: o.quality,
        ...(o.maxSide !== undefined ? { maxSide: o.maxSide } : {}),
        exrPixelType: o.exrPixelType,
        exrCompression: o.exrCompression,
      });
      this.open = false;
    } catch (error) {
      this.error = message(error);
    } finally {
      this.working = false;
    }
  }

  private async refresh(): Promise<void> {
    const status = await getBridge()['batch:status']().catch((error: unknown) => {
      this.error = message(error);
      return null;
    });
    if (status) this.batch = status;
    if (!status || !status.running) {
      if (this.poll) clearInterval(this.poll);
      this.poll = null;
      if (this.phase === 'running') this.phase = 'done';
    }
  }

  async cancelBatch(): Promise<void> {
    await getBridge()['batch:cancel']().catch((error: unknown) => (this.error = message(error)));
    await this.refresh();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
