/** Runs reference tools (OpenEXR, OpenCV, ImageMagick, exiftool) from tests; missing tools skip locally, fail on CI. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExternalTool {
  /** What the tool is, as a person would install it (e.g. "exrheader (Debian package openexr)"). */
  label: string;
  available: boolean;
  /**
   * True when tests needing the tool should be skipped: it is missing and CI is unset.
   * On CI (process.env.CI set) a missing tool never skips; the test runs and requireAvailable() fails it.
   */
  skip: boolean;
  /** Throws with an install hint when the tool is missing; call first in every test that uses it. */
  requireAvailable(): void;
  /** A test title with a note saying which tool is missing when the test will be skipped. */
  title(name: string): string;
}

/** LUXFUSE_TEST_HIDE_TOOLS=exrheader,opencv,... makes tools look missing, to check the skip/fail behaviour. */
function hidden(name: string): boolean {
  return (process.env.LUXFUSE_TEST_HIDE_TOOLS ?? '').split(',').includes(name);
}

function makeTool(label: string, present: boolean, name: string): ExternalTool {
  const available = present && !hidden(name);
  const skip = !available && !process.env.CI;
  if (skip) console.warn(`[external-tools] ${label} is not installed: tests that need it are skipped`);
  return {
    label,
    available,
    skip,
    requireAvailable() {
      if (!available) throw new Error(`${label} is not installed, and CI requires it`);
    },
    title: (name) => (skip ? `${name} [skipped: ${label} not installed]` : name),
  };
}

function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** A command on PATH. */
export function externalCommand(cmd: string, pkg: string): ExternalTool {
  return makeTool(`${cmd} (Debian package ${pkg})`, commandExists(cmd), cmd);
}

/** Debian's python3 with OpenCV: it reads and writes EXR through the real OpenEXR code. */
export const PYTHON_OPENCV = '/usr/bin/python3';
export function opencvTool(): ExternalTool {
  const ok = spawnSync(PYTHON_OPENCV, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0;
  return makeTool('/usr/bin/python3 with cv2 (Debian package python3-opencv)', ok, 'opencv');
}

/** ImageMagick's convert; checked by its version text, since a stand-in script may sit on PATH instead. */
export function imagemagickTool(): ExternalTool {
  const r = spawnSync('convert', ['-version'], { encoding: 'utf8' });
  return makeTool('convert (Debian package imagemagick)', r.status === 0 && /ImageMagick/.test(r.stdout), 'convert');
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command, throwing with its output when it exits non-zero. */
export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): RunResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Runs a Python snippet with OpenCV's EXR support switched on (it is off by default since OpenCV 4.5.2). */
export function runOpencv(script: string, args: string[] = []): RunResult {
  return run(PYTHON_OPENCV, ['-c', script, ...args], { env: { OPENCV_IO_ENABLE_OPENEXR: '1' } });
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'luxfuse-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
