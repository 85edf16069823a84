/**
 * Argument validation for every channel: the renderer is untrusted, so each argument tuple is
 * checked for shape, type and range before a service sees it.
 */
import { isAbsolute } from 'node:path';
import type {
  BatchRequest,
  Channel,
  ChannelArgs,
  DeghostRequest,
  ExportFormat,
  ExportOptions,
  ExportRequest,
  ExrCompression,
  ExrPixelType,
  FusionWeights,
  GhostStroke,
  MergeRequest,
  ModelName,
  ProjectMethod,
  SavedEdits,
  SynthesizeSide,
} from '../../src-preload/contract';
import { checkTemplate, EXPORT_FORMATS } from '../../src-shared/export/naming';
import { checkWeightValues } from '../../src-shared/fusion/given-weights';
import { FUSION_MAX_EXPOSURES, FUSION_MIN_EXPOSURES, FUSION_MULTIPLE } from '../../src-shared/fusion/meta';
import { SYNTHESIZE_SIDES } from '../../src-shared/correct/synthesize';
import { GHOST_STROKE_MODES, MAX_GHOST_POINTS, MAX_GHOST_STROKES, MAX_GHOST_THRESHOLD, MAX_STROKE_POINTS, MAX_STROKE_RADIUS, type GhostStrokeMode } from '../../src-shared/ghost/strokes';
import { RECOVER_METHODS } from '../../src-shared/pipeline/merge-bracket';
import { validateToneSettings, type ToneSettings } from '../../src-shared/tonemap/tone-settings';
import { checkPreset, checkPresetName, MAX_PRESET_NAME, type Preset } from '../../src-shared/presets/presets';

const PROJECT_METHODS: readonly ProjectMethod[] = ['mertens', 'radiance', 'learned', ...RECOVER_METHODS];

export class IpcArgumentError extends Error {
  constructor(channel: string, problem: string) {
    super(`${channel}: ${problem}`);
    this.name = 'IpcArgumentError';
  }
}

type Validator<K extends Channel> = (args: unknown[]) => ChannelArgs<K>;

/** Files and folders dropped at once. */
const MAX_SCAN_PATHS = 10_000;
const MAX_FRAMES = 64;
const MAX_PATH = 4096;
/** Image sides and the pixels of a region the viewer asks for (a 64 MP crop at most). */
const MAX_IMAGE_SIDE = 65_535;
const MAX_REGION_PIXELS = 64 * 1024 * 1024;
/** Groups in one batch export. */
export const MAX_BATCH_GROUPS = 1000;
/** Paths asked about at once (a batch's outputs). */
const MAX_EXISTING_PATHS = MAX_BATCH_GROUPS * EXPORT_FORMATS.length;
const EXR_PIXEL_TYPES: readonly ExrPixelType[] = ['half', 'float'];
const EXR_COMPRESSIONS: readonly ExrCompression[] = ['zip', 'piz', 'zips', 'none'];
/** Padded side of the learned network's working resolution (512 by default; room for larger working sides). */
const MAX_FUSION_SIDE = 4096;
/** Models the renderer may ask main for (models:read) or ask main to ready (models:warm); model-files.ts maps each to its file. */
const MODEL_NAMES: readonly ModelName[] = ['fusion'];
/** Display images are downscaled to at least this long side. */
export const MIN_MAX_SIDE = 64;
export const MAX_MAX_SIDE = 65_535;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arity(channel: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new IpcArgumentError(channel, `expected ${n} argument(s), got ${args.length}`);
}

/** The validator of a channel that takes no arguments. */
function noArgs(channel: string): (args: unknown[]) => [] {
  return (args) => {
    arity(channel, args, 0);
    return [];
  };
}

function absolutePath(channel: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH || value.includes('\0')) {
    throw new IpcArgumentError(channel, `${what} must be a non-empty path string`);
  }
  if (!isAbsolute(value)) throw new IpcArgumentError(channel, `${what} must be an absolute path`);
  return value;
}

function optionalPath(channel: string, value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : absolutePath(channel, value, what);
}

function projectId(channel: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z0-9-]{1,64}$/.test(value)) {
    throw new IpcArgumentError(channel, 'projectId must be an id returned by project:load');
  }
  return value;
}

function finiteIn(channel: string, value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new IpcArgumentError(channel, `${what} must be a number in [${min}, ${max}]`);
  }
  return value;
}

function toneSettings(channel: string, value: unknown): ToneSettings {
  try {
    validateToneSettings(value);
  } catch (err) {
    throw new IpcArgumentError(channel, (err as Error).message);
  }
  // A copy of the validated fields only: nothing the renderer sent beyond them reaches the engine.
  const { options, ...controls } = value;
  return (options ? { ...controls, options: { ...options } } : { ...controls }) as ToneSettings;
}

function framePaths(channel: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FRAMES) {
    throw new IpcArgumentError(channel, `paths must be a list of 1 to ${MAX_FRAMES} files`);
  }
  return value.map((p, i) => absolutePath(channel, p, `paths[${i}]`));
}

/** A project's saved edits: tone settings valid as the engine takes them, a known method and alignment. */
export function checkSavedEdits(channel: string, value: unknown): SavedEdits {
  if (!isRecord(value) || !isRecord(value.tone)) throw new IpcArgumentError(channel, 'edits must be an object with tone, method and align');
  const tone = value.tone;
  if (!isRecord(tone.controls) || !isRecord(tone.options)) throw new IpcArgumentError(channel, 'edits.tone needs controls and options');
  const settings = toneSettings(channel, { ...tone.controls, operator: tone.operator, options: tone.options });
  if (tone.output !== 'srgb' && tone.output !== 'display-p3') throw new IpcArgumentError(channel, "edits.tone.output must be 'srgb' or 'display-p3'");
  if (typeof value.method !== 'string' || !PROJECT_METHODS.includes(value.method as ProjectMethod)) {
    throw new IpcArgumentError(channel, `edits.method must be one of ${PROJECT_METHODS.join(', ')}`);
  }
  if (value.align !== 'similarity' && value.align !== 'translation' && value.align !== 'off') {
    throw new IpcArgumentError(channel, "edits.align must be 'similarity', 'translation' or 'off'");
  }
  const { operator, options, ...controls } = settings;
  return {
    tone: { operator, controls: controls as Record<string, number>, options: { ...(options as Record<string, number | string>) }, output: tone.output },
    method: value.method as ProjectMethod,
    align: value.align,
    ...(value.synthesize !== undefined ? { synthesize: synthesizeSide(channel, value.synthesize, 'edits.synthesize') } : {}),
    ...(value.deghost !== undefined ? { deghost: savedDeghost(channel, value.deghost) } : {}),
  };
}

/** Brush strokes on the ghost mask: counts capped, every coordinate a finite 0..1, copied field by field. */
function ghostStrokes(channel: string, value: unknown, name: string): GhostStroke[] {
  if (!Array.isArray(value) || value.length > MAX_GHOST_STROKES) throw new IpcArgumentError(channel, `${name} must be a list of at most ${MAX_GHOST_STROKES} strokes`);
  let total = 0;
  return value.map((stroke, i) => {
    const at = `${name}[${i}]`;
    if (!isRecord(stroke)) throw new IpcArgumentError(channel, `${at} must be an object with mode, radius and points`);
    if (!GHOST_STROKE_MODES.includes(stroke.mode as GhostStrokeMode)) throw new IpcArgumentError(channel, `${at}.mode must be one of ${GHOST_STROKE_MODES.join(', ')}`);
    const radius = finiteIn(channel, stroke.radius, `${at}.radius`, 0, MAX_STROKE_RADIUS);
    if (radius === 0) throw new IpcArgumentError(channel, `${at}.radius must be above 0`);
    const points = stroke.points;
    if (!Array.isArray(points) || points.length === 0 || points.length > MAX_STROKE_POINTS) {
      throw new IpcArgumentError(channel, `${at}.points must be a list of 1 to ${MAX_STROKE_POINTS} points`);
    }
    total += points.length;
    if (total > MAX_GHOST_POINTS) throw new IpcArgumentError(channel, `${name} have more than ${MAX_GHOST_POINTS} points in all`);
    return {
      mode: stroke.mode as GhostStrokeMode,
      radius,
      points: points.map((p, j): [number, number] => {
        if (!Array.isArray(p) || p.length !== 2) throw new IpcArgumentError(channel, `${at}.points[${j}] must be [x, y]`);
        return [finiteIn(channel, p[0], `${at}.points[${j}][0]`, 0, 1), finiteIn(channel, p[1], `${at}.points[${j}][1]`, 0, 1)];
      }),
    };
  });
}

function ghostThreshold(channel: string, value: unknown, name: string): number {
  const t = finiteIn(channel, value, name, 0, MAX_GHOST_THRESHOLD);
  if (t === 0) throw new IpcArgumentError(channel, `${name} must be above 0`);
  return t;
}

/** Network weights the renderer computed: a known shape, a key of the right form, K x H x W float32 samples, finite and >= 0. */
function fusionWeights(channel: string, value: unknown): FusionWeights {
  if (!isRecord(value)) throw new IpcArgumentError(channel, 'fusionWeights must be an object with exposures, paddedWidth, paddedHeight, data and inputKey');
  const exposures = value.exposures;
  if (!Number.isInteger(exposures) || (exposures as number) < FUSION_MIN_EXPOSURES || (exposures as number) > FUSION_MAX_EXPOSURES) {
    throw new IpcArgumentError(channel, `fusionWeights.exposures must be a whole number ${FUSION_MIN_EXPOSURES}..${FUSION_MAX_EXPOSURES}`);
  }
  const side = (name: 'paddedWidth' | 'paddedHeight'): number => {
    const v = value[name];
    if (!Number.isInteger(v) || (v as number) < FUSION_MULTIPLE || (v as number) > MAX_FUSION_SIDE || (v as number) % FUSION_MULTIPLE !== 0) {
      throw new IpcArgumentError(channel, `fusionWeights.${name} must be a multiple of ${FUSION_MULTIPLE} up to ${MAX_FUSION_SIDE}`);
    }
    return v as number;
  };
  const paddedWidth = side('paddedWidth');
  const paddedHeight = side('paddedHeight');
  if (typeof value.inputKey !== 'string' || !/^\d{1,2}x\d{1,5}x\d{1,5}:[0-9a-f]{8}$/.test(value.inputKey)) {
    throw new IpcArgumentError(channel, 'fusionWeights.inputKey must be the key project:fusion-input returned');
  }
  if (!(value.data instanceof Float32Array)) throw new IpcArgumentError(channel, 'fusionWeights.data must be a Float32Array');
  try {
    checkWeightValues(value.data, exposures as number, paddedHeight, paddedWidth);
  } catch (error) {
    throw new IpcArgumentError(channel, `fusionWeights: ${(error as Error).message}`);
  }
  return { exposures: exposures as number, paddedWidth, paddedHeight, data: value.data, inputKey: value.inputKey };
}

function deghostRequest(channel: string, value: unknown): DeghostRequest {
  if (!isRecord(value)) throw new IpcArgumentError(channel, 'deghost must be an object (absent: off)');
  const out: DeghostRequest = {};
  if (value.reference !== undefined) {
    if (!Number.isInteger(value.reference) || (value.reference as number) < 0 || (value.reference as number) >= MAX_FRAMES) {
      throw new IpcArgumentError(channel, `deghost.reference must be a frame index 0..${MAX_FRAMES - 1}`);
    }
    out.reference = value.reference as number;
  }
  if (value.threshold !== undefined) out.threshold = ghostThreshold(channel, value.threshold, 'deghost.threshold');
  if (value.strokes !== undefined) out.strokes = ghostStrokes(channel, value.strokes, 'deghost.strokes');
  return out;
}

function savedDeghost(channel: string, value: unknown): NonNullable<SavedEdits['deghost']> {
  if (!isRecord(value)) throw new IpcArgumentError(channel, 'edits.deghost must be an object');
  return {
    ...(value.referencePath !== undefined ? { referencePath: absolutePath(channel, value.referencePath, 'edits.deghost.referencePath') } : {}),
    ...(value.threshold !== undefined ? { threshold: ghostThreshold(channel, value.threshold, 'edits.deghost.threshold') } : {}),
    strokes: ghostStrokes(channel, value.strokes ?? [], 'edits.deghost.strokes'),
  };
}

function synthesizeSide(channel: string, value: unknown, name: string): SynthesizeSide {
  if (!SYNTHESIZE_SIDES.includes(value as SynthesizeSide)) throw new IpcArgumentError(channel, `${name} must be one of ${SYNTHESIZE_SIDES.join(', ')}`);
  return value as SynthesizeSide;
}

function oneOf<T extends string>(channel: string, value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new IpcArgumentError(channel, `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function maxSide(channel: string, value: unknown, name: string): number {
  if (!Number.isInteger(value)) throw new IpcArgumentError(channel, `${name} must be a whole number of pixels`);
  return finiteIn(channel, value, name, MIN_MAX_SIDE, MAX_MAX_SIDE);
}

function alignMode(channel: string, value: unknown): MergeRequest['align'] & string {
  return oneOf(channel, value, 'align', ['similarity', 'translation', 'off'] as const);
}

/** The Export dialog's settings: known formats (at least one), ranges, a valid template, an absolute folder. */
function exportOptions(channel: string, value: unknown): ExportOptions {
  if (!isRecord(value)) throw new IpcArgumentError(channel, 'options must be an object');
  const formats = value.formats;
  if (!Array.isArray(formats) || formats.length === 0 || formats.length > EXPORT_FORMATS.length) {
    throw new IpcArgumentError(channel, `options.formats must list 1 to ${EXPORT_FORMATS.length} of ${EXPORT_FORMATS.join(', ')}`);
  }
  const chosen = formats.map((f, i) => oneOf(channel, f, `options.formats[${i}]`, EXPORT_FORMATS));
  if (new Set(chosen).size !== chosen.length) throw new IpcArgumentError(channel, 'options.formats lists a format twice');
  if (typeof value.template !== 'string') throw new IpcArgumentError(channel, 'options.template must be a string');
  try {
    checkTemplate(value.template);
  } catch (error) {
    throw new IpcArgumentError(channel, (error as Error).message);
  }
  return {
    formats: chosen as ExportFormat[],
    quality: Math.round(finiteIn(channel, value.quality, 'options.quality', 1, 100)),
    ...(value.maxSide !== undefined ? { maxSide: maxSide(channel, value.maxSide, 'options.maxSide') } : {}),
    output: oneOf(channel, value.output, 'options.output', ['srgb', 'display-p3'] as const),
    exrPixelType: oneOf(channel, value.exrPixelType, 'options.exrPixelType', EXR_PIXEL_TYPES),
    exrCompression: oneOf(channel, value.exrCompression, 'options.exrCompression', EXR_COMPRESSIONS),
    template: value.template,
    folder: absolutePath(channel, value.folder, 'options.folder'),
  };
}

/** A preset as the engine can apply it: a valid name, a known merge method, tone settings in range (copied field by field). */
function preset(channel: string, value: unknown): Preset {
  try {
    return checkPreset(value);
  } catch (error) {
    throw new IpcArgumentError(channel, (error as Error).message);
  }
}

/** The name of an existing preset: looked up, not stored, so only its length and type are checked. */
function presetName(channel: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PRESET_NAME * 4) throw new IpcArgumentError(channel, `${what} must be a preset name`);
  return value;
}

/** A merge request (project:merge, project:fusion-input), copied field by field. */
function mergeRequest(channel: string, value: unknown): MergeRequest {
  const req = value;
  if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
  const method = req.method;
  if (typeof method !== 'string' || !PROJECT_METHODS.includes(method as ProjectMethod)) {
    throw new IpcArgumentError(channel, `method must be one of ${PROJECT_METHODS.join(', ')}`);
  }
  const out: MergeRequest = { projectId: projectId(channel, req.projectId), method: method as ProjectMethod };
  if (req.exposureTimes !== undefined) {
    if (!Array.isArray(req.exposureTimes) || req.exposureTimes.length > MAX_FRAMES) {
      throw new IpcArgumentError(channel, 'exposureTimes must be a list of seconds');
    }
    out.exposureTimes = req.exposureTimes.map((t, i) => finiteIn(channel, t, `exposureTimes[${i}]`, 1e-6, 3600));
  }
  if (req.align !== undefined) out.align = alignMode(channel, req.align);
  if (req.synthesize !== undefined) out.synthesize = synthesizeSide(channel, req.synthesize, 'synthesize');
  if (req.deghost !== undefined) out.deghost = deghostRequest(channel, req.deghost);
  if (req.previewMaxSide !== undefined) out.previewMaxSide = Math.round(finiteIn(channel, req.previewMaxSide, 'previewMaxSide', 64, 4096));
  if (req.stage !== undefined) out.stage = oneOf(channel, req.stage, 'stage', ['preview', 'full'] as const);
  if (req.generation !== undefined) {
    if (!Number.isSafeInteger(req.generation) || (req.generation as number) < 0) throw new IpcArgumentError(channel, 'generation must be a whole number >= 0');
    out.generation = req.generation as number;
  }
  if (req.fusionWeights !== undefined) {
    if (method !== 'learned') throw new IpcArgumentError(channel, "fusionWeights go with method 'learned' only");
    out.fusionWeights = fusionWeights(channel, req.fusionWeights);
  }
  return out;
}

export const validators: { [K in Channel]: Validator<K> } = {
  'dialog:open-images': noArgs('dialog:open-images'),
  'dialog:open-folder': noArgs('dialog:open-folder'),
  'dialog:choose-folder': (args) => {
    arity('dialog:choose-folder', args, 1);
    return [args[0] === null ? null : absolutePath('dialog:choose-folder', args[0], 'startIn')];
  },
  'files:existing': (args) => {
    const channel = 'files:existing';
    arity(channel, args, 1);
    const paths = args[0];
    if (!Array.isArray(paths) || paths.length > MAX_EXISTING_PATHS) throw new IpcArgumentError(channel, `paths must be a list of at most ${MAX_EXISTING_PATHS} paths`);
    return [paths.map((p, i) => absolutePath(channel, p, `paths[${i}]`))];
  },
  'library:scan': (args) => {
    const channel = 'library:scan';
    arity(channel, args, 1);
    const paths = args[0];
    if (!Array.isArray(paths) || paths.length === 0 || paths.length > MAX_SCAN_PATHS) {
      throw new IpcArgumentError(channel, `paths must be a list of 1 to ${MAX_SCAN_PATHS} files or folders`);
    }
    return [paths.map((p, i) => absolutePath(channel, p, `paths[${i}]`))];
  },
  'library:thumbnail': (args) => {
    arity('library:thumbnail', args, 1);
    return [absolutePath('library:thumbnail', args[0], 'path')];
  },
  'project:load': (args) => {
    arity('project:load', args, 1);
    const paths = args[0];
    if (!Array.isArray(paths) || paths.length === 0 || paths.length > MAX_FRAMES) {
      throw new IpcArgumentError('project:load', `paths must be a list of 1 to ${MAX_FRAMES} files`);
    }
    return [paths.map((p, i) => absolutePath('project:load', p, `paths[${i}]`))];
  },
  'project:merge': (args) => {
    arity('project:merge', args, 1);
    return [mergeRequest('project:merge', args[0])];
  },
  'project:fusion-input': (args) => {
    const channel = 'project:fusion-input';
    arity(channel, args, 1);
    const req = mergeRequest(channel, args[0]);
    if (req.method !== 'learned') throw new IpcArgumentError(channel, "method must be 'learned': only the learned merge has a network input");
    if (req.fusionWeights) throw new IpcArgumentError(channel, 'fusionWeights belong to project:merge');
    return [req];
  },
  'models:read': (args) => {
    arity('models:read', args, 1);
    return [oneOf('models:read', args[0], 'model', MODEL_NAMES)];
  },
  'models:warm': (args) => {
    arity('models:warm', args, 1);
    return [oneOf('models:warm', args[0], 'model', MODEL_NAMES)];
  },
  'project:export': (args) => {
    const channel = 'project:export';
    arity(channel, args, 1);
    const req = args[0];
    if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
    const out: ExportRequest = {
      projectId: projectId(channel, req.projectId),
      tone: toneSettings(channel, req.tone),
      exrPath: optionalPath(channel, req.exrPath, 'exrPath'),
      jpegPath: optionalPath(channel, req.jpegPath, 'jpegPath'),
      tiffPath: optionalPath(channel, req.tiffPath, 'tiffPath'),
    };
    if (!out.exrPath && !out.jpegPath && !out.tiffPath) throw new IpcArgumentError(channel, 'give at least one of exrPath, jpegPath, tiffPath');
    const targets = [out.exrPath, out.jpegPath, out.tiffPath].filter(Boolean);
    if (new Set(targets).size !== targets.length) throw new IpcArgumentError(channel, 'two outputs have the same path');
    if (req.maxSide !== undefined) out.maxSide = maxSide(channel, req.maxSide, 'maxSide');
    if (req.exrPixelType !== undefined) out.exrPixelType = oneOf(channel, req.exrPixelType, 'exrPixelType', EXR_PIXEL_TYPES);
    if (req.exrCompression !== undefined) out.exrCompression = oneOf(channel, req.exrCompression, 'exrCompression', EXR_COMPRESSIONS);
    if (req.output !== undefined) {
      if (req.output !== 'srgb' && req.output !== 'display-p3') throw new IpcArgumentError(channel, "output must be 'srgb' or 'display-p3'");
      out.output = req.output;
    }
    if (req.quality !== undefined) out.quality = Math.round(finiteIn(channel, req.quality, 'quality', 1, 100));
    return [out];
  },
  'project:frame-preview': (args) => {
    const channel = 'project:frame-preview';
    arity(channel, args, 1);
    const req = args[0];
    if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
    if (!Number.isInteger(req.index) || (req.index as number) < 0 || (req.index as number) >= MAX_FRAMES) {
      throw new IpcArgumentError(channel, `index must be a frame index 0..${MAX_FRAMES - 1}`);
    }
    return [{ projectId: projectId(channel, req.projectId), index: req.index as number, maxSide: Math.round(finiteIn(channel, req.maxSide, 'maxSide', 64, 4096)) }];
  },
  'batch:start': (args) => {
    const channel = 'batch:start';
    arity(channel, args, 1);
    const req = args[0];
    if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
    const groups = req.groups;
    if (!Array.isArray(groups) || groups.length === 0 || groups.length > MAX_BATCH_GROUPS) {
      throw new IpcArgumentError(channel, `groups must be a list of 1 to ${MAX_BATCH_GROUPS} groups`);
    }
    const out: BatchRequest = {
      groups: groups.map((g, i) => {
        if (!isRecord(g)) throw new IpcArgumentError(channel, `groups[${i}] must be an object with paths`);
        return { paths: framePaths(channel, g.paths) };
      }),
      method: oneOf(channel, req.method, 'method', PROJECT_METHODS),
      align: alignMode(channel, req.align),
      tone: toneSettings(channel, req.tone),
      options: exportOptions(channel, req.options),
      overwrite: req.overwrite === true,
    };
    if (typeof req.overwrite !== 'boolean') throw new IpcArgumentError(channel, 'overwrite must be true or false');
    return [out];
  },
  'library:scan-status': noArgs('library:scan-status'),
  'library:scan-cancel': noArgs('library:scan-cancel'),
  'batch:status': noArgs('batch:status'),
  'batch:cancel': noArgs('batch:cancel'),
  'project:preview-region': (args) => {
    const channel = 'project:preview-region';
    arity(channel, args, 1);
    const req = args[0];
    if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
    const whole = (name: 'x' | 'y' | 'width' | 'height', min: number) => {
      const v = req[name];
      if (!Number.isInteger(v)) throw new IpcArgumentError(channel, `${name} must be a whole number of pixels`);
      return finiteIn(channel, v, name, min, MAX_IMAGE_SIDE);
    };
    const out = { projectId: projectId(channel, req.projectId), x: whole('x', 0), y: whole('y', 0), width: whole('width', 1), height: whole('height', 1) };
    if (out.width * out.height > MAX_REGION_PIXELS) throw new IpcArgumentError(channel, `the region must have at most ${MAX_REGION_PIXELS} pixels`);
    return [{ ...out, maxSide: Math.round(finiteIn(channel, req.maxSide, 'maxSide', 64, 4096)) }];
  },
  'project:weight-map': (args) => {
    const channel = 'project:weight-map';
    arity(channel, args, 1);
    const req = args[0];
    if (!isRecord(req)) throw new IpcArgumentError(channel, 'request must be an object');
    // One more than the loaded frames: a synthesised frame follows them.
    if (!Number.isInteger(req.index) || (req.index as number) < 0 || (req.index as number) > MAX_FRAMES) {
      throw new IpcArgumentError(channel, `index must be a frame index 0..${MAX_FRAMES}`);
    }
    return [{ projectId: projectId(channel, req.projectId), index: req.index as number }];
  },
  'app:launch-files': noArgs('app:launch-files'),
  'edits:load': (args) => {
    arity('edits:load', args, 1);
    return [framePaths('edits:load', args[0])];
  },
  'edits:save': (args) => {
    arity('edits:save', args, 2);
    return [framePaths('edits:save', args[0]), checkSavedEdits('edits:save', args[1])];
  },
  'presets:list': noArgs('presets:list'),
  'presets:save': (args) => {
    const channel = 'presets:save';
    arity(channel, args, 2);
    if (typeof args[1] !== 'boolean') throw new IpcArgumentError(channel, 'replace must be true or false');
    return [preset(channel, args[0]), args[1]];
  },
  'presets:rename': (args) => {
    const channel = 'presets:rename';
    arity(channel, args, 2);
    let to: string;
    try {
      to = checkPresetName(args[1]);
    } catch (error) {
      throw new IpcArgumentError(channel, (error as Error).message);
    }
    return [presetName(channel, args[0], 'from'), to];
  },
  'presets:delete': (args) => {
    arity('presets:delete', args, 1);
    return [presetName('presets:delete', args[0], 'name')];
  },
  'recent:list': noArgs('recent:list'),
  'recent:remove': (args) => {
    arity('recent:remove', args, 1);
    if (typeof args[0] !== 'string' || !/^[0-9a-f]{16}$/.test(args[0])) throw new IpcArgumentError('recent:remove', 'id must be an id from recent:list');
    return [args[0]];
  },
  'recent:clear': noArgs('recent:clear'),
};
