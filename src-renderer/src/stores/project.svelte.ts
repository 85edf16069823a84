/** The open bracket, its merge and the tone controls: state and actions; components only render. */
import type { DeghostRequest, ExportRequest, FrameInfo, GhostStroke, MergeRequest, MergeResult, Preset, ProjectMethod, SavedEdits, SynthesizeSide } from '../../../src-preload/contract';
import { completeTone, PRESET_METHODS, type PresetMethod } from '../../../src-shared/presets/presets';
import { GHOST_THRESHOLD_RANGE, MAX_GHOST_STROKES } from '../../../src-shared/ghost/strokes';
import { defaultOptions } from '../../../src-shared/tonemap/tone-settings';
import type { AlignMode } from '../../../src-shared/pipeline/align-bracket';
import { getBridge, isSuperseded } from '../lib/bridge';
import { rendererFusionWeights, warmMainFusion } from '../models/fusion/renderer-weights';
import { computeStatus } from './compute-status.svelte';
import { History } from '../lib/history';
import type { GroupFrame, LibraryStore } from './library.svelte';
import { CONTROL_NAMES, ToneStore, type ControlName, type ToneState } from './tone.svelte';
import { PREVIEW_MAX_SIDE } from './viewer.svelte';

/** Edits are saved this long after the last change. */
const SAVE_DELAY_MS = 300;
/** A preview is refined to full resolution once the user has made no edit for this long. */
const REFINE_IDLE_MS = 500;

/** What undo/redo restores: the tone panel and the merge choices. */
interface EditState {
  tone: ToneState;
  method: ProjectMethod;
  align: AlignMode;
  synthesize: SynthesizeChoice;
  deghost: DeghostSettings;
  /** Paths of the open library bracket left out of the merge (sorted): leaving a frame out is a step too. */
  excluded: string[];
}

/** Deghosting as the user set it; kept (strokes too) while it is off, so turning it on again restores it. */
export interface DeghostSettings {
  on: boolean;
  /** Frame index; null: the engine's suggestion. */
  reference: number | null;
  threshold: number;
  strokes: GhostStroke[];
}

const DEGHOST_OFF: DeghostSettings = { on: false, reference: null, threshold: GHOST_THRESHOLD_RANGE.default, strokes: [] };

/** A bracket's missing extreme frame: none, or synthesised beyond the darkest or brightest one. */
export type SynthesizeChoice = 'off' | SynthesizeSide;

export type Status = 'empty' | 'loading' | 'loaded' | 'merging' | 'merged' | 'exporting';

/** The full-resolution merge after a preview: waiting for the user to pause, running, done (wall time, ms), or failed. */
export type Refine = { state: 'waiting' | 'running' } | { state: 'done'; millis: number } | { state: 'failed'; message: string };

export class ProjectStore {
  status = $state<Status>('empty');
  frames = $state.raw<FrameInfo[]>([]);
  projectId = $state<string | null>(null);
  method = $state<ProjectMethod>('learned');
  align = $state<AlignMode>('similarity');
  synthesize = $state<SynthesizeChoice>('off');
  /** Replaced whole on every change (plain data, no proxies): what the history and the engine get. */
  deghost = $state.raw<DeghostSettings>(DEGHOST_OFF);
  /** The reference the engine suggested (learnt from a merge that left the choice to it). */
  suggestedReference = $state<number | null>(null);
  /** The merged preview; raw because it holds a large Float32Array. */
  result = $state.raw<MergeResult | null>(null);
  /** Where the refinement of a preview-stage result stands; null when the result was full resolution at once. */
  refine = $state.raw<Refine | null>(null);
  /** Operator, options and controls of the display image: the preview and the export both read it. */
  readonly tone = new ToneStore();
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  busy = $derived(this.status === 'loading' || this.status === 'merging' || this.status === 'exporting');
  canMerge = $derived(this.projectId !== null && !this.busy);
  canExport = $derived(this.result !== null && !this.busy);
  /** A one-frame project: recovered, not merged. */
  single = $derived(this.frames.length === 1);
  /** Per frame of the merge, a key that names it across re-opens (a loaded frame's path; then the synthetic frame): the weights overlay follows it. */
  frameKeys = $derived([...this.frames.map((f) => f.path), ...(this.result?.synthetic ? [`synthetic:${this.result.synthetic.name}`] : [])]);

  private readonly history = new History<EditState>();
  /** Bumped on every history change so the undo/redo buttons re-read it. */
  private historyVersion = $state(0);
  canUndo = $derived(this.historyVersion >= 0 && this.history.canUndo && this.result !== null && !this.busy);
  canRedo = $derived(this.historyVersion >= 0 && this.history.canRedo && this.result !== null && !this.busy);
  undoLabel = $derived(this.historyVersion >= 0 ? this.history.undoLabel : null);
  redoLabel = $derived(this.historyVersion >= 0 ? this.history.redoLabel : null);

  constructor(private readonly library: LibraryStore) {
    this.tone.onchange = (key, label) => this.remember(key, label);
  }

  private editState(): EditState {
    return { tone: this.tone.snapshot(), method: this.method, align: this.align, synthesize: this.synthesize, deghost: this.deghost, excluded: this.excludedNow() };
  }

  /** The open library bracket's frames left out, sorted; none for files opened directly. */
  private excludedNow(): string[] {
    const id = this.library.activeId;
    return id === null ? [] : (this.library.group(id)?.frames.filter((f) => f.excluded).map((f) => f.path).sort() ?? []);
  }

  /** Records the current state as one undoable step, and saves it. */
  private remember(key: string, label: string): void {
    this.history.record(this.editState(), label, key);
    this.historyVersion++;
    this.scheduleSave();
    // The user is still at work: the full-resolution merge waits until they pause.
    if (this.pendingRefine) this.scheduleRefine(this.pendingRefine.seq, this.pendingRefine.request);
  }

  /** Numbers the merges asked for: a result (or refinement) of an older one is dropped. */
  private mergeSeq = 0;
  private refineTimer: ReturnType<typeof setTimeout> | null = null;
  /** The preview waiting for the user to pause, with the request of its full-resolution merge. */
  private pendingRefine: { seq: number; request: MergeRequest } | null = null;

  /** Source files of the open project: the key its edits are saved under. */
  private paths: string[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  /** Saves the edits shortly after the last change (a drag saves once), so a crash loses at most that moment. */
  private scheduleSave(): void {
    if (this.paths.length === 0) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    const paths = this.paths;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      const state = this.editState();
      const save = getBridge()['edits:save'];
      const edits: SavedEdits = {
        tone: state.tone,
        method: state.method,
        align: state.align,
        ...(state.synthesize !== 'off' ? { synthesize: state.synthesize } : {}),
        ...(state.deghost.on ? { deghost: savedDeghost(state.deghost, paths) } : {}),
      };
      save(paths, edits).catch((error: unknown) => (this.notice = `Edits not saved: ${error instanceof Error ? error.message : String(error)}`));
    }, SAVE_DELAY_MS);
  }

  private restoreSaved(saved: SavedEdits): void {
    const current = this.tone.snapshot();
    this.tone.restore({
      operator: saved.tone.operator,
      controls: { ...current.controls, ...saved.tone.controls },
      options: { ...(defaultOptions(saved.tone.operator) as unknown as Record<string, number | string>), ...saved.tone.options },
      output: saved.tone.output,
    });
    this.method = saved.method;
    this.align = saved.align;
    this.synthesize = saved.synthesize ?? 'off';
    const d = saved.deghost;
    const reference = d?.referencePath ? this.paths.indexOf(d.referencePath) : -1;
    this.deghost = d
      ? { on: true, reference: reference >= 0 ? reference : null, threshold: d.threshold ?? GHOST_THRESHOLD_RANGE.default, strokes: d.strokes }
      : DEGHOST_OFF;
  }

  /** The user picked a merge (or recovery) method, an alignment or a synthetic frame: one undoable step, then merge. */
  async choose(change: { method?: ProjectMethod; align?: AlignMode; synthesize?: SynthesizeChoice }): Promise<void> {
    if (change.method) this.method = change.method;
    if (change.align) this.align = change.align;
    if (change.synthesize) this.synthesize = change.synthesize;
    const [key, label] = change.method ? ['method', 'method'] : change.align ? ['align', 'alignment'] : ['synthesize', 'synthetic frame'];
    this.remember(key, label);
    await this.merge();
  }

  /** A deghosting change (on/off, reference, threshold, a whole brush stroke): one undoable step, then merge. */
  async setDeghost(change: Partial<DeghostSettings>, key: string, label: string): Promise<void> {
    this.deghost = { ...this.deghost, ...change };
    this.remember(`deghost:${key}`, label);
    await this.merge();
  }

  /** A finished brush stroke is added to the mask edits. */
  async addStroke(stroke: GhostStroke): Promise<void> {
    if (this.deghost.strokes.length >= MAX_GHOST_STROKES) {
      this.error = `At most ${MAX_GHOST_STROKES} brush strokes: clear some first`;
      return;
    }
    // Each stroke is its own step: two quick strokes are two undos.
    await this.setDeghost({ strokes: [...this.deghost.strokes, stroke] }, `stroke:${this.deghost.strokes.length}`, stroke.mode === 'add' ? 'deghost brush' : 'keep brush');
  }

  async undo(): Promise<void> {
    if (this.canUndo) await this.apply(this.history.undo());
  }

  async redo(): Promise<void> {
    if (this.canRedo) await this.apply(this.history.redo());
  }

  private async apply(state: EditState | null): Promise<void> {
    this.historyVersion++;
    if (!state) return;
    // A frame left out or taken back: the bracket opens again with that state's frames, keeping the history.
    const id = this.library.activeId;
    const reframe = id !== null && JSON.stringify(state.excluded) !== JSON.stringify(this.excludedNow());
    if (reframe && id !== null) {
      this.library.setExcluded(id, state.excluded);
      if (!(await this.load(this.library.included(id), { keepHistory: true, merge: false }))) return;
    }
    this.tone.restore(state.tone);
    const remerge =
      reframe ||
      state.method !== this.method ||
      state.align !== this.align ||
      state.synthesize !== this.synthesize ||
      JSON.stringify(state.deghost) !== JSON.stringify(this.deghost);
    this.method = state.method;
    this.align = state.align;
    this.synthesize = state.synthesize;
    this.deghost = state.deghost;
    this.scheduleSave();
    if (remerge) await this.merge();
  }

  /**
   * Applies a preset: its tone (operator, options, every control) and its merge method (a one-frame
   * project keeps its recovery), as one undoable step; merges again when the method changed.
   */
  async applyPreset(preset: Preset): Promise<void> {
    const tone = completeTone(preset.tone) as Record<string, unknown> & Preset['tone'];
    this.tone.restore({
      operator: tone.operator,
      controls: Object.fromEntries(CONTROL_NAMES.map((c) => [c, tone[c] as number])) as Record<ControlName, number>,
      options: { ...(tone.options as Record<string, number | string>) },
      output: this.tone.output,
    });
    const method = preset.method && !this.single ? preset.method : this.method;
    const remerge = method !== this.method;
    this.method = method;
    this.remember(`preset:${preset.name}`, `preset ${preset.name}`);
    if (remerge) await this.merge();
  }

  /** The current look as a preset: the method when it is a merge (a recovery is not a preset's), the whole tone. */
  asPreset(name: string): Preset {
    const method = PRESET_METHODS.includes(this.method as PresetMethod) ? (this.method as PresetMethod) : undefined;
    return { name, ...(method ? { method } : {}), tone: completeTone(this.tone.settings) };
  }

  /** Whether the project looks as this preset would make it (the panel marks that preset). */
  matches(preset: Preset): boolean {
    if (preset.method && !this.single && preset.method !== this.method) return false;
    return JSON.stringify(completeTone(this.tone.settings)) === JSON.stringify(completeTone(preset.tone));
  }

  async openDialog(): Promise<void> {
    const paths = await this.guard(() => getBridge()['dialog:open-images']());
    if (paths && paths.length > 0) await this.importPaths(paths);
  }

  async openFolderDialog(): Promise<void> {
    const paths = await this.guard(() => getBridge()['dialog:open-folder']());
    if (paths && paths.length > 0) await this.importPaths(paths);
  }

  /** Files or folders dropped on the window: keep those with a path on disk. */
  async drop(files: File[]): Promise<void> {
    const bridge = getBridge();
    const paths = files.map((f) => bridge.pathForFile(f)).filter((p) => p.length > 0);
    if (paths.length === 0) {
      this.error = 'Nothing to open: drop image files or folders from your disk';
      return;
    }
    await this.importPaths(paths);
  }

  /** Into the library; when the import is one bracket, open it straight away. */
  async importPaths(paths: string[]): Promise<void> {
    this.status = 'loading';
    const opened = await this.guard(() => this.library.import(paths));
    this.status = this.projectId ? (this.result ? 'merged' : 'loaded') : 'empty';
    if (opened && 'single' in opened) {
      await this.openSingle(opened.single);
      return;
    }
    if (opened) {
      await this.openGroup(opened.id);
      return;
    }
    // Nothing opened: say why here too (the library panel lists every unreadable file).
    const errors = this.library.errors;
    if (errors.length > 0) {
      this.error = errors.length === 1 ? errors[0].message : `${errors.length} files could not be read; first: ${errors[0].message}`;
    }
  }

  /** Loads the frames of a library group the user kept, and merges them. */
  async openGroup(id: string): Promise<void> {
    const paths = this.library.included(id);
    if (paths.length === 0) {
      this.error = 'Every frame of this bracket is excluded: include at least one';
      return;
    }
    this.library.activeId = id;
    await this.load(paths);
  }

  /** The open library bracket's frames the user left out of the merge. */
  get leftOut(): GroupFrame[] {
    const id = this.library.activeId;
    return id === null ? [] : (this.library.group(id)?.frames.filter((f) => f.excluded) ?? []);
  }

  /** Whether a frame of the open library bracket can be left out or taken back from here. */
  canExclude(path: string): boolean {
    const id = this.library.activeId;
    return id !== null && this.library.group(id)?.frames.some((f) => f.path === path) === true;
  }

  /**
   * Leaves a frame of the open bracket out of the merge, or takes it back: the library records it and
   * the bracket opens again with the frames kept, so the merge (and its weights) follow at once. One
   * undoable step: the settings and the history carry over (deghosting keeps its reference frame
   * when that frame is still in).
   */
  async setIncluded(path: string, included: boolean): Promise<void> {
    const id = this.library.activeId;
    const frame = id === null ? undefined : this.library.group(id)?.frames.find((f) => f.path === path);
    if (id === null || !frame || frame.excluded !== included || this.busy) return;
    if (!included && this.library.included(id).length <= 1) {
      this.error = 'A merge needs at least two frames: this is the last but one';
      return;
    }
    this.library.toggleExclude(id, path);
    if (await this.load(this.library.included(id), { keepHistory: true })) {
      this.remember(`frames:${path}`, included ? 'frame taken back' : 'frame left out');
    } else {
      this.library.toggleExclude(id, path);
    }
  }

  /** Opens one photo as a one-frame project: it is recovered (exposure, highlights, shadows), not merged. */
  async openSingle(path: string): Promise<void> {
    this.library.activeId = null;
    await this.load([path]);
  }

  /**
   * Opens these files as the project and merges them. `keepHistory`: the same bracket with frames left
   * out or taken back, so the settings and the undo history carry on (saved edits are not reloaded);
   * `merge: false` leaves the merge to the caller. False when the files could not be opened.
   */
  async load(paths: string[], options: { keepHistory?: boolean; merge?: boolean } = {}): Promise<boolean> {
    this.status = 'loading';
    if (paths.length > 1) this.warmModel();
    // A refinement of the project being closed has nothing left to refine.
    this.mergeSeq++;
    this.cancelRefine();
    this.result = null;
    this.notice = null;
    const loaded = await this.guard(() => getBridge()['project:load'](paths));
    if (!loaded) {
      this.status = this.projectId ? 'loaded' : 'empty';
      return false;
    }
    const before = this.frames.map((f) => f.path);
    this.projectId = loaded.projectId;
    this.frames = loaded.frames;
    this.paths = paths;
    this.suggestedReference = null;
    if (options.keepHistory) {
      // The deghosting reference is a frame index: follow its file, or let the engine choose when it was left out.
      const ref = this.deghost.reference;
      const moved = ref === null ? -1 : loaded.frames.findIndex((f) => f.path === before[ref]);
      this.deghost = { ...this.deghost, reference: moved >= 0 ? moved : null };
      this.status = 'loaded';
      if (options.merge !== false) await this.merge();
      return true;
    }
    this.deghost = DEGHOST_OFF;
    // The edits saved last time these files were open (or before a crash) come back.
    const saved = await getBridge()['edits:load'](paths).catch(() => null);
    if (saved) this.restoreSaved(saved);
    // A single frame is recovered, a bracket merged: keep the user's choice where it still applies.
    const recovering = this.method.startsWith('recover');
    if (loaded.frames.length === 1 && !recovering) this.method = 'recover';
    if (loaded.frames.length > 1 && recovering) this.method = 'learned';
    // A new project starts a new history (its first state: the settings it opens with).
    this.history.reset(this.editState());
    this.historyVersion++;
    this.status = 'loaded';
    if (options.merge !== false) await this.merge();
    return true;
  }

  /**
   * Asks main to ready the learned network when main will run it (warmMainFusion): at app start and on
   * opening a bracket (again after an engine restart). Main does it in its engine's quiet time only.
   */
  warmModel(): void {
    void warmMainFusion({ bridge: getBridge() });
  }

  /**
   * Merges with the current choices: a preview first (the frames at the preview's size, quick), shown
   * at once; the full-resolution merge follows once the user pauses (scheduleRefine).
   */
  async merge(): Promise<void> {
    if (!this.projectId) return;
    const seq = ++this.mergeSeq;
    this.cancelRefine();
    this.status = 'merging';
    const request: MergeRequest = {
      projectId: this.projectId,
      method: this.method,
      align: this.align,
      previewMaxSide: PREVIEW_MAX_SIDE,
      stage: 'preview',
      ...(this.synthesize !== 'off' && !this.single ? { synthesize: this.synthesize } : {}),
      ...(this.deghost.on && !this.single ? { deghost: deghostRequest(this.deghost) } : {}),
    };
    const result = await this.guard(() => this.mergeStage(request));
    if (seq !== this.mergeSeq) return;
    if (result) this.show(result);
    this.status = this.result ? 'merged' : 'loaded';
    // The refinement names the preview's generation: once another image is asked for, main drops it unmerged.
    if (result?.stage === 'preview') this.scheduleRefine(seq, { ...request, stage: 'full', generation: result.generation });
  }

  /** One merge through the bridge; a learned one runs its network here on WebGPU where it can (null weights: main runs it, the status says why). */
  private async mergeStage(request: MergeRequest): Promise<MergeResult> {
    const bridge = getBridge();
    const fusionWeights = request.method === 'learned' && !this.single ? await rendererFusionWeights(request, { bridge, status: computeStatus }) : null;
    return bridge['project:merge'](fusionWeights ? { ...request, fusionWeights } : request);
  }

  private show(result: MergeResult): void {
    if (result.ghost && this.deghost.reference === null) this.suggestedReference = result.ghost.reference;
    this.result = result;
    this.notice = result.warnings.join(' ') || null;
  }

  /** (Re)starts the wait before the full-resolution merge of the preview `seq` (`request`, its 'full' stage). */
  private scheduleRefine(seq: number, request: MergeRequest): void {
    if (this.refineTimer) clearTimeout(this.refineTimer);
    this.pendingRefine = { seq, request };
    this.refine = { state: 'waiting' };
    this.refineTimer = setTimeout(() => void this.refineNow(seq, request), REFINE_IDLE_MS);
  }

  private cancelRefine(): void {
    if (this.refineTimer) clearTimeout(this.refineTimer);
    this.refineTimer = null;
    this.pendingRefine = null;
    this.refine = null;
  }

  /**
   * The full-resolution merge of the preview `seq`: it replaces the preview only if no newer merge was
   * asked for meanwhile (main abandons a superseded one at its next stage boundary, and says so).
   */
  private async refineNow(seq: number, request: MergeRequest): Promise<void> {
    this.refineTimer = null;
    this.pendingRefine = null;
    if (seq !== this.mergeSeq) return;
    this.refine = { state: 'running' };
    const started = performance.now();
    try {
      const result = await this.mergeStage(request);
      if (seq !== this.mergeSeq) return;
      this.show(result);
      this.refine = { state: 'done', millis: Math.round(performance.now() - started) };
    } catch (error) {
      if (seq !== this.mergeSeq) return;
      // Superseded with nothing newer here: another caller's merge; the preview stays, and export still merges in full.
      this.refine = isSuperseded(error) ? null : { state: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Writes the open merge to these files with the current tone settings (the Export dialog chose them).
   * Throws what went wrong, for the dialog to show where the user is looking.
   */
  async exportFiles(targets: Omit<ExportRequest, 'projectId' | 'tone' | 'output'>): Promise<string[]> {
    if (!this.result || !this.projectId) throw new Error('Open and merge a bracket before exporting');
    this.status = 'exporting';
    try {
      const done = await getBridge()['project:export']({ ...targets, projectId: this.projectId, tone: this.tone.settings, output: this.tone.output });
      const names = done.written.map((p) => p.split(/[\\/]/).pop());
      this.notice = `Exported ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]}`;
      this.error = null;
      return done.written;
    } finally {
      this.status = 'merged';
    }
  }

  /** Runs a bridge call; a failure becomes the visible error instead of an unhandled rejection. */
  private async guard<T>(call: () => Promise<T>): Promise<T | null> {
    this.error = null;
    try {
      return await call();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return null;
    }
  }
}

function deghostRequest(d: DeghostSettings): DeghostRequest {
  return { ...(d.reference !== null ? { reference: d.reference } : {}), threshold: d.threshold, strokes: d.strokes };
}

/** The reference is saved as its file: the same files may be opened in another order. */
function savedDeghost(d: DeghostSettings, paths: string[]): NonNullable<SavedEdits['deghost']> {
  const referencePath = d.reference !== null ? paths[d.reference] : undefined;
  return { ...(referencePath ? { referencePath } : {}), threshold: d.threshold, strokes: d.strokes };
}
