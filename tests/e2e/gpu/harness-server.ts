/**
 * Builds a harness page of tests/e2e/gpu with Vite into a temp folder and serves it on 127.0.0.1
 * with the app's COOP/COEP headers (cross-origin isolation, as in the app), plus read-only folders
 * of the repository mounted under URL prefixes (models, fixtures, onnxruntime's WASM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'vite';
import { ROOT } from '../paths';

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface HarnessServer {
  /** URL of the built page. */
  url: string;
  close(): Promise<void>;
}

export async function serveHarness(page: string, mounts: Record<string, string> = {}): Promise<HarnessServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'luxfuse-gpu-harness-'));
  await build({
    configFile: false,
    root: join(ROOT, 'tests/e2e/gpu'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: join(ROOT, 'tests/e2e/gpu', page) } },
  });
  const roots: [string, string][] = [...Object.entries(mounts).map(([prefix, dir]): [string, string] => [prefix, join(ROOT, dir)]), ['/', outDir]];
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const [prefix, dir] = roots.find(([p]) => pathname.startsWith(p))!;
    const path = normalize(join(dir, pathname.slice(prefix.length)));
    const file = path.startsWith(dir + sep) ? await readFile(path).catch(() => null) : null;
    if (!file) return void response.writeHead(404).end();
    response
      .writeHead(200, {
        'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      })
      .end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${page}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
