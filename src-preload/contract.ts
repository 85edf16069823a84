/**
 * The one table of IPC channels between the renderer and main: names, arguments, results.
 * Main's handlers, the preload bridge, the renderer's client and the e2e test host all derive
 * from it, so a renamed channel or a changed argument fails to compile everywhere.
 * Type-only imports: this file has no runtime dependencies.
 */
import type { AlignMode, FrameAlignment } from '../src-shared/pipeline/align-bracket';
import type { RecoverMethod } from '../src-shared/pipeline/merge-bracket';
import type { SynthesizeSide } from '../src-shared/correct/synthesize';
import type { GhostStroke } from '../src-shared/ghost/strokes';
import type { ExportFormat } from '../src-shared/export/naming';
import type { OutputSpace } from '../src-shared/tonemap/output-space';
import type { ToneSettings } from '../src-shared/tonemap/tone-settings';
import type { Preset } from '../src-shared/presets/presets';
import type { FusionInput } from '../src-shared/fusion/fusion-input';

/** 'learned' is the fusion CNN (resources/models/fusion.onnx). */
export type MergeMethod = 'mertens' | 'radiance' | 'learned';
/** What a one-frame project does instead of merging: the DRHT correction (resources/models/correct-*.onnx) or the physics alone. */
export type { RecoverMethod };
/** Every method a project can be rendered with: merges for brackets, recoveries for single frames. */
export type ProjectMethod = MergeMethod | RecoverMethod;
/** A bracket's missing extreme exposure, synthesised from its darkest or brightest frame's HDR estimate (DRHT). */
export type { SynthesizeSide };
/** A brush stroke on the ghost mask, in normalised image coordinates (src-shared/ghost/strokes.ts). */
export type { GhostStroke };

/** Deghosting as the app asks for it: what moved is replaced by the reference frame's content. */
export interface DeghostRequest {
  /** Frame index (as loaded) whose content wins; default the engine's suggested reference. */
  reference?: number;
  /** Detection threshold in noise units; default the detector's. */
  threshold?: number;
  /** The user's corrections to the mask, applied in order (later strokes win). */
  strokes?: GhostStroke[];
}

/** The final ghost mask and the detector's uncertainty, at the preview's size, for the overlay. */
export interface GhostOverlay {
  reference: number;
  /** Fraction of the image deghosted (at full resolution). */
  area: number;
  width: number;
  height: number;
  /** 0..255 per pixel: how surely it differs from the reference (128 at the threshold). */
  uncertainty: Uint8Array;
  /** 1 where the merge takes the reference's content. */
  mask: Uint8Array;
  /** Time the detection took for this merge, ms (0 when it was kept from an earlier one). */
  detectMillis: number;
  /** What found the ghosts: the judge network, or the classical detector where the network's model file is missing. */
  detector: 'judge' | 'classical';
}

/** A float image small enough to cross IPC: the preview the renderer tone maps live. */
export interface PreviewImage {
  width: number;
  height: number;
  /** Interleaved linear RGB. */
  data: Float32Array;
}

/** An sRGB 8-bit RGBA thumbnail ready for a canvas. */
export interface Thumbnail {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface FrameInfo {
  path: string;
  name: string;
  width: number;
  height: number;
  /** log2 relative exposure from metadata; null when the file has none. */
  ev: number | null;
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  /** Capture time as the camera wrote it (ISO 8601 local time), when the file has one: the naming template's {date}. */
  captured?: string;
  thumbnail: Thumbnail;
}

/** A file of the library: one frame of a bracket, or a single shot. */
export interface LibraryFrame {
  path: string;
  name: string;
  /** Relative exposure within its bracket (stops, 0 = middle frame); null for singles. */
  ev: number | null;
  /** Capture time as the camera wrote it (ISO 8601 local time), when the file has one. */
  captured?: string;
}

/** A bracket found by the grouping, with the reason it gives for it. */
export interface LibraryGroup {
  id: string;
  frames: LibraryFrame[];
  reason: string;
  /** 0..1. */
  confidence: number;
  /** Frames shot in this bracket that cannot be merged (cut short, misnamed), left out of `frames`; the reason names them too. */
  missing?: { file: string; message: string }[];
}

export interface LibraryScan {
  groups: LibraryGroup[];
  /** Files that belong to no bracket (singles, bursts, files without exposure data). */
  singles: LibraryFrame[];
  /** Files that could not be read, each with a specific message. */
  errors: { file: string; message: string }[];
}

/** Progress of the imports in flight (library:scan-status). */
export interface ScanStatus {
  /**
   * 'listing' while folders are walked (done = image files found), 'reading' while headers are read, 'pixels'
   * while the files without exposure data are decoded small to find brackets among them by their pixels.
   */
  phase: 'listing' | 'reading' | 'pixels';
  done: number;
  /** Files whose headers (or pixels) are to be read; 0 while listing. */
  total: number;
}

export interface LoadResult {
  /** Identifies the loaded bracket in later calls. */
  projectId: string;
  frames: FrameInfo[];
}

export interface MergeRequest {
  projectId: string;
  method: ProjectMethod;
  /** Seconds per frame, overriding metadata (same order as the frames). */
  exposureTimes?: number[];
  /** Long side of the preview sent back, in pixels. */
  previewMaxSide?: number;
  /**
   * 'full' (default): the merge at full resolution, what export writes. 'preview': the same merge
   * on the frames box-downsampled to previewMaxSide, for a quick first look (a bracket that already
   * fits that size gets the full merge, and says so in MergeResult.stage).
   */
  stage?: MergeStage;
  /**
   * A 'full' request refining a preview: that preview's MergeResult.generation. When another image
   * has been asked for since, the request fails at once as superseded instead of displacing it.
   */
  generation?: number;
  /** How frames are aligned before the merge (default 'similarity'). */
  align?: AlignMode;
  /** Add a synthetic frame 2 stops beyond the darkest ('dark') or brightest ('bright') one; brackets only. */
  synthesize?: SynthesizeSide;
  /** Replace what moved between frames by the reference's content; absent: off. Brackets only, not with `synthesize`. */
  deghost?: DeghostRequest;
  /** A learned merge's network output, computed by the renderer (WebGPU) on project:fusion-input; absent: main runs the network (WASM). */
  fusionWeights?: FusionWeights;
}

/** How far a merge went: the preview's size only, or full resolution. */
export type MergeStage = 'preview' | 'full';

/** In the message of a merge that was abandoned because a newer one was asked for: the caller drops it, it is no failure. */
export const SUPERSEDED_MESSAGE = 'superseded by a newer merge';

/** The learned fusion network's input for a merge request, as main would compute it (src-shared/fusion/fusion-input.ts). */
export interface FusionInputResult extends FusionInput {
  /** Fingerprint of the input; the weights computed from it carry it back, so main can tell they fit. */
  key: string;
}

/** The network's weights for one FusionInputResult: same layout, >= 0. */
export interface FusionWeights {
  exposures: number;
  paddedWidth: number;
  paddedHeight: number;
  data: Float32Array;
  /** The key of the input they were computed from. */
  inputKey: string;
}

/** A model file the renderer runs itself (bytes from main: resources/models). */
export type ModelName = 'fusion';

export interface MergeResult {
  projectId: string;
  method: ProjectMethod;
  /** A recovered single frame: the exposure change applied, in stops (negative: it was over-exposed). */
  correctionStops?: number;
  /** 'preview': merged at the preview's size only (refine with a 'full' request); 'full': at full resolution. */
  stage: MergeStage;
  /** The project's merge generation it answers: bumped whenever a merge of another image is asked for. */
  generation: number;
  /** Full-resolution size of the image, whatever the stage (the preview is smaller). */
  width: number;
  height: number;
  /** How the preview is tone mapped: fused images are display-referred, radiance is scene-referred. */
  mode: 'display' | 'radiance';
  /** Auto exposure key of the radiance map, shared by preview and export so they match. */
  key: number;
  preview: PreviewImage;
  /** The synthetic frame merged after the loaded ones (its ev is the last of `ev`), when one was asked for. */
  synthetic?: { name: string; source: number };
  /** Relative exposure used for each frame, and where it came from. */
  ev: number[];
  evSource: ('metadata' | 'pixels' | 'user')[];
  warnings: string[];
  /**
   * The frames' colour space where it is not sRGB (an embedded Adobe RGB or Display P3 profile, or a camera's EXIF
   * Adobe RGB): its name, where it was found, and its colorants (RGB -> PCS XYZ, D50, row-major 3x3) that the
   * preview converts from. JPEG, PNG and TIFF exports in 'srgb' keep it; 'display-p3' converts from it.
   */
  colourSpace?: { name: string; from: 'profile' | 'exif'; colorants: number[] };
  /** Per frame: how it was moved onto the reference frame (in full-resolution pixels, also for a preview). */
  alignment: FrameAlignment[];
  /** The deghosting's mask and uncertainty, when it was asked for. */
  ghost?: GhostOverlay;
  /** A learned merge: where its network ran ('renderer': the weights the request carried; 'main': main's WASM). */
  network?: 'renderer' | 'main';
  millis: number;
}

/** One input frame at preview size, as shot: for the viewer's before/after split and its frame-by-frame view. */
export interface FramePreviewRequest {
  projectId: string;
  /** Frame index as loaded; once the bracket is merged, the frame as aligned onto the reference. */
  index: number;
  /** Long side of the image sent back, in pixels (the merge's previewMaxSide gives the same size as its preview). */
  maxSide: number;
}

/** A rectangle of the current merge, at up to full resolution: what the viewer shows when zoomed beyond the preview. */
export interface PreviewRegionRequest {
  projectId: string;
  /** The rectangle in full-resolution pixels (MergeResult.width x height). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Long side of the image sent back, in pixels: the region is downsampled to it when larger. */
  maxSide: number;
}

/** One frame's weight map in the current merge, for the viewer's weights overlay. */
export interface WeightMapRequest {
  projectId: string;
  /** A frame of the merge: its index as loaded (MergeResult.ev's order; a synthetic frame follows the loaded ones). */
  index: number;
}

/** How much of each pixel of the merge a frame gave, at the preview's size (the fusion's own weights, box-averaged as the preview is). */
export type WeightMap =
  | {
      available: true;
      index: number;
      width: number;
      height: number;
      /** 0..255 per pixel: the frame's weight in the blend (255 = all of the pixel); the frames' maps sum to 255 (up to rounding). */
      data: Uint8Array;
      /** The mean weight, 0..1: the frame's share of the whole merge. */
      share: number;
    }
  /** The current merge has no per-frame weights to show (a radiance merge, a recovered single frame); `reason` says why, for the user. */
  | { available: false; index: number; reason: string };

export interface ExportRequest {
  projectId: string;
  /** Operator and controls of the display image (JPEG); a fused merge uses the controls only. */
  tone: ToneSettings;
  /** Colour space of the JPEG: sRGB (default) or Display P3, tagged with its ICC profile. */
  output?: OutputSpace;
  exrPath?: string;
  jpegPath?: string;
  /** The display image as a 16-bit RGB TIFF. */
  tiffPath?: string;
  /** JPEG quality 1-100. */
  quality?: number;
  /** Long side of the display images (JPEG, TIFF) in pixels: larger merges are downscaled before tone mapping. The EXR stays full size. */
  maxSide?: number;
  exrPixelType?: ExrPixelType;
  exrCompression?: ExrCompression;
}

export interface ExportResult {
  written: string[];
}

export type ExrPixelType = 'half' | 'float';
export type ExrCompression = 'zip' | 'piz' | 'zips' | 'none';
export type { ExportFormat };

/** The Export dialog's settings: what is written, how, and where (the batch applies them to every group). */
export interface ExportOptions {
  /** At least one. */
  formats: ExportFormat[];
  quality: number;
  /** Long side of the display images; absent: full size. */
  maxSide?: number;
  output: OutputSpace;
  exrPixelType: ExrPixelType;
  exrCompression: ExrCompression;
  /** File name without extension, with tokens {name}, {date}, {method}, {n} (src-shared/export/naming.ts). */
  template: string;
  /** Absolute folder the files go to. */
  folder: string;
}

/** Many library groups exported in turn with one preset: the open project's method and tone, the dialog's settings. */
export interface BatchRequest {
  /** Each group's included frames, in order (one frame: recovered instead of merged). */
  groups: { paths: string[] }[];
  method: ProjectMethod;
  align: AlignMode;
  tone: ToneSettings;
  options: ExportOptions;
  /** Replace files already there; otherwise a group whose files all exist is skipped (one with only some of them is written in full). */
  overwrite: boolean;
}

export type BatchGroupState = 'waiting' | 'loading' | 'merging' | 'writing' | 'written' | 'skipped' | 'failed' | 'cancelled';

export interface BatchGroupStatus {
  /** File name stem the group's files get. */
  name: string;
  state: BatchGroupState;
  /** 0..1 within the group (by stage: read, merged, written). */
  progress: number;
  /** Paths written (written) or found already there (skipped). */
  outputs: string[];
  /** Why the group failed or was skipped. */
  message?: string;
}

export interface BatchStatus {
  id: number;
  running: boolean;
  /** A cancel arrived: the batch stops (or stopped) before the next group. */
  cancelled: boolean;
  groups: BatchGroupStatus[];
  millis: number;
}
/** The editable state of a project, as saved between sessions (the app's sidecar). */
export interface SavedEdits {
  tone: {
    operator: ToneSettings['operator'];
    controls: Record<string, number>;
    options: Record<string, number | string>;
    output: OutputSpace;
  };
  method: ProjectMethod;
  align: AlignMode;
  /** Absent in edits saved before the choice existed: none. */
  synthesize?: SynthesizeSide;
  /** Absent: deghosting off. The reference is saved as its file (frames may be opened in another order). */
  deghost?: { referencePath?: string; threshold?: number; strokes: GhostStroke[] };
}

/** A look under a name: a merge method and a whole tone setting (src-shared/presets/presets.ts). */
export type { Preset };

/** The user's presets (the built-in ones ship with the renderer). */
export interface PresetList {
  presets: Preset[];
  /** The presets file was damaged this session: what was wrong and the name it was kept under. */
  problem?: string;
}

/** Files or folders opened together, remembered for File > Open Recent and the library's empty state. */
export interface RecentItem {
  /** Stable for the same set of paths. */
  id: string;
  paths: string[];
  /** The folder or file name, or "3 files in samples". */
  label: string;
  /** ISO 8601. */
  openedAt: string;
  /** The paths that are no longer there (all of them: the entry can only be removed). */
  missing: string[];
}

/** What the native menu asks the window to do; the same actions as the window's own buttons. */
export type MenuCommand =
  | { action: 'open-files' }
  | { action: 'open-folder' }
  | { action: 'open-recent'; paths: string[] }
  | { action: 'export' }
  /** The recent list changed outside the window (File > Open Recent > Clear). */
  | { action: 'recent-changed' };

/** The one message main sends unasked (webContents.send): a MenuCommand. */
export const MENU_COMMAND_EVENT = 'menu:command';

/** Every channel: `domain:verb` name -> argument tuple and result. */
export interface Channels {
  'dialog:open-images': { args: []; result: string[] };
  'dialog:open-folder': { args: []; result: string[] };
  /** A destination folder for exports; null when cancelled. */
  'dialog:choose-folder': { args: [startIn: string | null]; result: string | null };
  /** Which of these paths exist already (the Export dialog asks before replacing them). */
  'files:existing': { args: [paths: string[]]; result: string[] };
  'library:scan': { args: [paths: string[]]; result: LibraryScan };
  'library:thumbnail': { args: [path: string]; result: Thumbnail };
  /** Progress of the imports in flight (library:scan calls not yet answered); null when none runs. */
  'library:scan-status': { args: []; result: ScanStatus | null };
  /** Stops the imports in flight: their library:scan calls fail with "Import cancelled" and add nothing. */
  'library:scan-cancel': { args: []; result: null };
  'project:load': { args: [paths: string[]]; result: LoadResult };
  'project:merge': { args: [request: MergeRequest]; result: MergeResult };
  /** The learned network's input for this merge request (same frames, alignment, deghosting), for the renderer to run it. */
  'project:fusion-input': { args: [request: MergeRequest]; result: FusionInputResult };
  /** The bytes of a model the renderer runs (its .onnx file). */
  'models:read': { args: [model: ModelName]; result: Uint8Array };
  /**
   * Main will run this model itself (the renderer cannot, or is set not to): main readies it (session and
   * a first run) in its engine's quiet time, ahead of the first merge that needs it. Answers null once
   * ready or given up; never fails for the model (a missing or broken file is the merge's error to report).
   */
  'models:warm': { args: [model: ModelName]; result: null };
  'project:export': { args: [request: ExportRequest]; result: ExportResult };
  /** Starts a batch export (one at a time) and answers at once; progress comes from batch:status. */
  'batch:start': { args: [request: BatchRequest]; result: { id: number } };
  /** The running (or last) batch; null before the first. */
  'batch:status': { args: []; result: BatchStatus | null };
  /** Stops the running batch before its next group. */
  'batch:cancel': { args: []; result: null };
  /** An input frame as shot (sRGB-encoded, not tone mapped), aligned when the bracket has been merged. */
  'project:frame-preview': { args: [request: FramePreviewRequest]; result: Thumbnail };
  /** A region of the current merge's image (the one its preview is made from), linear like the preview. */
  'project:preview-region': { args: [request: PreviewRegionRequest]; result: PreviewImage };
  /** One frame's weight map in the current merge, at its preview's size. */
  'project:weight-map': { args: [request: WeightMapRequest]; result: WeightMap };
  /** The saved edits of these source files, or null. */
  'edits:load': { args: [paths: string[]]; result: SavedEdits | null };
  'edits:save': { args: [paths: string[], edits: SavedEdits]; result: null };
  /** Image files the OS asked the app to open (command line, file association) since the last call. */
  'app:launch-files': { args: []; result: string[] };
  'presets:list': { args: []; result: PresetList };
  /** Adds a user preset; one of the same name is replaced only when `replace` is true (otherwise an error says it exists). */
  'presets:save': { args: [preset: Preset, replace: boolean]; result: PresetList };
  'presets:rename': { args: [from: string, to: string]; result: PresetList };
  'presets:delete': { args: [name: string]; result: PresetList };
  /** Newest first; opening files (library:scan) adds to it. */
  'recent:list': { args: []; result: RecentItem[] };
  'recent:remove': { args: [id: string]; result: RecentItem[] };
  'recent:clear': { args: []; result: RecentItem[] };
}

export type Channel = keyof Channels;
export type ChannelArgs<K extends Channel> = Channels[K]['args'];
export type ChannelResult<K extends Channel> = Channels[K]['result'];

/** The runtime list of channel names; `satisfies` keeps it equal to the table above. */
export const CHANNELS = [
  'dialog:open-images',
  'dialog:open-folder',
  'dialog:choose-folder',
  'files:existing',
  'library:scan',
  'library:thumbnail',
  'library:scan-status',
  'library:scan-cancel',
  'project:load',
  'project:merge',
  'project:fusion-input',
  'models:read',
  'models:warm',
  'project:export',
  'project:frame-preview',
  'project:preview-region',
  'project:weight-map',
  'batch:start',
  'batch:status',
  'batch:cancel',
  'edits:load',
  'edits:save',
  'app:launch-files',
  'presets:list',
  'presets:save',
  'presets:rename',
  'presets:delete',
  'recent:list',
  'recent:remove',
  'recent:clear',
] as const satisfies readonly Channel[];

type MissingChannels = Exclude<Channel, (typeof CHANNELS)[number]>;
/** Compile-time check that CHANNELS lists every channel. */
export const CHANNELS_COMPLETE: MissingChannels extends never ? true : never = true;

/** What the preload exposes on `window.luxfuse`: one async action per channel, plus file paths for drops. */
export type LuxfuseBridge = {
  [K in Channel]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>>;
} & {
  /** The file system path of a dropped File (Electron's webUtils); '' when it has none. */
  pathForFile(file: File): string;
  /** Calls `listener` with each command of the native menu; returns the unsubscribe. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
};

/** Errors crossing IPC lose their class; this prefix keeps the user-facing message recognisable. */
export const ERROR_PREFIX = 'luxfuse: ';

/** Name of the global the preload defines. */
export const BRIDGE_GLOBAL = 'luxfuse';
