/**
 * Output file names from a naming template: `{name}-hdr` -> `IMG_0001-hdr`. Tokens: {name} the first
 * frame's file name without extension, {date} its capture date (YYYY-MM-DD, 'undated' without one),
 * {method} the merge method, {n} the index in a batch (1-based, zero-padded to the batch's width).
 * The result is one file name without folders or extension; the same function names the files the
 * dialog shows and the ones main writes, so they cannot differ.
 */

export const EXPORT_FORMATS = ['jpeg', 'exr', 'tiff'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXTENSIONS: Record<ExportFormat, string> = { jpeg: 'jpg', exr: 'exr', tiff: 'tif' };
export const NAME_TOKENS = ['name', 'date', 'method', 'n'] as const;
export type NameToken = (typeof NAME_TOKENS)[number];
export const DEFAULT_TEMPLATE = '{name}-hdr';
export const MAX_TEMPLATE_LENGTH = 200;

export class NamingTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamingTemplateError';
  }
}

export interface NameValues {
  /** Path or file name of the first frame. */
  firstFrame: string;
  /** ISO 8601 capture time ('2026-01-01T12:00:01'), or absent. */
  captured?: string;
  method: string;
  /** 1-based index in a batch (1 for a single export). */
  n: number;
  /** Number of groups in the batch: {n} is padded to its width (1 for a single export). */
  total?: number;
}

/** Characters no file system takes in a name (Windows' set, the strictest), and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f]/g;

/** Throws NamingTemplateError when the template is empty, too long, has an unknown token or a folder separator. */
export function checkTemplate(template: string): void {
  if (template.trim().length === 0) throw new NamingTemplateError('the naming template is empty');
  if (template.length > MAX_TEMPLATE_LENGTH) throw new NamingTemplateError(`the naming template is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  if (/[/\\]/.test(template)) throw new NamingTemplateError('the naming template names a file, not a folder: no / or \\ (choose the folder as the destination)');
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(NAME_TOKENS as readonly string[]).includes(m[1])) {
      throw new NamingTemplateError(`unknown token {${m[1]}} in the naming template: use ${NAME_TOKENS.map((t) => `{${t}}`).join(', ')}`);
    }
  }
  if (/[{}]/.test(template.replace(/\{(name|date|method|n)\}/g, ''))) throw new NamingTemplateError('the naming template has an unmatched { or }');
}

/** The file's stem: 'IMG_1.jpg' and '/a/IMG_1.jpg' -> 'IMG_1'. */
export function stemOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** 'YYYY-MM-DD' of an ISO (or EXIF 'YYYY:MM:DD HH:MM:SS') capture time; 'undated' without a readable one. */
export function captureDate(captured: string | undefined): string {
  const m = captured ? /^(\d{4})[-:](\d{2})[-:](\d{2})/.exec(captured) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'undated';
}

/** The template with its tokens replaced; characters a file name cannot hold become '_'. */
export function expandTemplate(template: string, values: NameValues): string {
  checkTemplate(template);
  if (!Number.isInteger(values.n) || values.n < 1) throw new RangeError(`n must be a positive integer, got ${values.n}`);
  const width = String(Math.max(values.total ?? 1, values.n)).length;
  const tokens: Record<NameToken, string> = {
    name: stemOf(values.firstFrame),
    date: captureDate(values.captured),
    method: values.method,
    n: String(values.n).padStart(width, '0'),
  };
  const name = template
    .replace(/\{(name|date|method|n)\}/g, (_, t: NameToken) => tokens[t])
    .replace(UNSAFE, '_')
    .trim()
    // A name of dots alone is a folder reference, and Windows drops trailing dots.
    .replace(/\.+$/, '');
  if (name.length === 0) throw new NamingTemplateError('the naming template gives an empty file name');
  return name;
}

/** File names for each chosen format, in the order EXPORT_FORMATS lists them. */
export function outputNames(stem: string, formats: readonly ExportFormat[]): string[] {
  return EXPORT_FORMATS.filter((f) => formats.includes(f)).map((f) => `${stem}.${EXTENSIONS[f]}`);
}

/** Names that repeat get -2, -3… (case-insensitively, for case-insensitive disks): two groups never write the same file. */
export function uniqueStems(stems: readonly string[]): string[] {
  const used = new Set<string>();
  return stems.map((base) => {
    let stem = base;
    for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${base}-${n}`;
    used.add(stem.toLowerCase());
    return stem;
  });
}

/** The method a batch group is rendered with: one frame is recovered, several merged (the chosen method where it applies). */
export function methodForGroup<M extends string>(method: M, frames: number): M | 'recover' | 'mertens' {
  const recovering = method.startsWith('recover');
  if (frames === 1) return recovering ? method : 'recover';
  return recovering ? 'mertens' : method;
}
