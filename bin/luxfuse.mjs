#!/usr/bin/env node
// Runs the TypeScript CLI from its current source: bundled by esbuild when a source changed (bin/cli-bundle.mjs), else through tsx.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * glibc's malloc, tuned for a 24 MP merge. It reads GLIBC_TUNABLES only at start-up: on Linux the CLI runs itself
 * again once with them set. LUXFUSE_HUGE_PAGES=0 turns both off; a tunable already given is left as given.
 * - hugetlb=1: a merge touches a few GB of freshly allocated typed arrays; with 4 KiB pages the kernel's page faults
 *   cost as much as the decoding (823k faults, about a third of a TIFF merge's CPU time, BENCHMARKS.md). glibc
 *   then backs large allocations with transparent huge pages.
 * - mmap_threshold=4 MiB, fixed: by default the threshold rises to the size of each large block freed (up to
 *   32 MiB), after which the many mid-sized planes of a merge (previews, pyramid levels, bands) come from the heap,
 *   which they fragment and which is not given back. A 3 x 24 MP learned merge peaked 200-250 MiB lower with it and
 *   no slower; 1 MiB saved as much but made Mertens merges slower (BENCHMARKS.md, "The CLI's memory").
 */
const TUNABLES = ['glibc.malloc.hugetlb=1', 'glibc.malloc.mmap_threshold=4194304'];
const tunables = process.env.GLIBC_TUNABLES ?? '';
const missing = TUNABLES.filter((t) => !tunables.includes(t.slice(0, t.indexOf('='))));
// Commands that decode images; `group` reads headers only, and help needs nothing: neither pays for a second start.
const decodes = ['merge', 'batch', 'correct'].includes(process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '');
if (process.platform === 'linux' && process.env.LUXFUSE_HUGE_PAGES !== '0' && missing.length > 0 && decodes) {
  // Its own process group, so a Ctrl+C reaches it once (forwarded below), not twice (cancel, then stop at once).
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    // The new process has every tunable in its text, so it does not start itself again.
    env: { ...process.env, GLIBC_TUNABLES: [tunables, ...missing].filter(Boolean).join(':') },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  // Started by the lines above: the IPC channel closes when that process dies (even by SIGKILL); stop with it.
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => process.exit(129));
  }
  const { loadCli } = await import('./cli-bundle.mjs');
  const { runCli } = await loadCli(fileURLToPath(new URL('..', import.meta.url)));
  // The first Ctrl+C lets a batch finish the bracket it is writing (outputs are atomic); the second stops at once.
  const cancel = new AbortController();
  process.on('SIGINT', () => {
    if (cancel.signal.aborted) process.exit(130);
    cancel.abort();
    process.stderr.write('luxfuse: cancelling after the current bracket (Ctrl+C again to stop now)\n');
  });
  const code = await runCli(process.argv.slice(2), {
    signal: cancel.signal,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  });
  process.exitCode = code;
}
