/** src-shared runs everywhere (renderer, workers, main, CLI): it must import no Node, Electron or app layer. */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../src-shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const FORBIDDEN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const DOM_OR_NODE_GLOBALS = /\b(window|document|process|Buffer|__dirname|navigator)\s*[.[]/;

describe('src-shared purity', () => {
  const files = sources(ROOT);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports only npm packages and src-shared itself: no Node built-ins, no Electron, no app layers', () => {
    const offences: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const target = spec.startsWith('.') ? resolve(file, '..', spec) : null;
        if (FORBIDDEN.has(spec) || (target && !target.startsWith(ROOT))) offences.push(`${relative(ROOT, file)} imports ${spec}`);
      }
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const global = DOM_OR_NODE_GLOBALS.exec(code);
      if (global) offences.push(`${relative(ROOT, file)} uses ${global[1]}`);
    }
    expect(offences).toEqual([]);
  });
});
