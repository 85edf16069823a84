/**
 * Packaging, checked from electron-builder.yml where the build itself cannot run (no Electron
 * binary, no network for electron-builder's downloads): what the installers would contain, the
 * file associations, the fuses, the macOS hardened runtime.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { load } from 'js-yaml';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, RAW_EXTENSIONS } from '../../../src-shared/bracket/file-kind';

const ROOT = resolve(import.meta.dirname, '../../..');

interface BuilderConfig {
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  asarUnpack: string[];
  fileAssociations: { ext: string[]; name: string; role: string }[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; icon: string };
  win: { target: string[]; icon: string };
}
const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** electron-builder's filter semantics: included by a positive pattern and not excluded by a later '!' one. */
function selected(files: string[], patterns: string[]): string[] {
  return files.filter((f) => {
    let keep = false;
    for (const p of patterns) {
      if (p.startsWith('!')) {
        if (minimatch(f, p.slice(1), { dot: true })) keep = false;
      } else if (minimatch(f, p, { dot: true })) keep = true;
    }
    return keep;
  });
}

describe('electron-builder configuration', () => {
  it('ships every model (with its card) as a resource, and not the sample photos', () => {
    const resources = config.extraResources.find((r) => r.from === 'resources');
    expect(resources?.to).toBe('resources');
    const all = walk(join(ROOT, 'resources')).map((p) => relative(join(ROOT, 'resources'), p));
    const shipped = selected(all, resources!.filter);
    const models = all.filter((f) => f.startsWith('models/') && f.endsWith('.onnx'));
    expect(models).toEqual(expect.arrayContaining(['models/fusion.onnx', 'models/correct-hdr.onnx', 'models/correct-ldr.onnx']));
    for (const m of models) {
      expect(shipped).toContain(m);
      expect(shipped).toContain(m.replace(/(-hdr|-ldr)?\.onnx$/, '.md'));
    }
    expect(shipped.some((f) => f.startsWith('samples/'))).toBe(false);
  });

  it('packs the built app and unpacks what must be read from disk', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!**/*.map']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/libraw-wasm/**']));
    // The main entry electron-builder starts must be one the build writes.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(selected([pkg.main], config.files)).toEqual([pkg.main]);
  });

  it('associates every format Luxfuse opens except the everyday JPEG and PNG', () => {
    const associated = config.fileAssociations.flatMap((a) => a.ext);
    for (const ext of [...RAW_EXTENSIONS, 'tif', 'tiff', 'exr']) expect(associated).toContain(ext);
    for (const ext of associated) expect(IMAGE_EXTENSIONS).toContain(ext);
    expect(associated).not.toContain('jpg');
    expect(associated).not.toContain('png');
  });

  it('turns the Electron fuses off that would let someone run Node or inspect the app', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage and deb, a hardened-runtime dmg with entitlements that exist, and an NSIS installer', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    // V8 (and WASM) need JIT under the hardened runtime; nothing else is granted beyond user-chosen files.
    expect(plist).toContain('com.apple.security.cs.allow-jit');
    expect(plist).not.toContain('disable-library-validation');
    expect(plist).not.toContain('allow-unsigned-executable-memory');
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(existsSync(join(ROOT, icon))).toBe(true);
  });
});
