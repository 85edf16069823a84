#!/usr/bin/env node
// Runs the TypeScript CLI from its current source: bundled by esbuild when a source changed (bin/cli-bundle.mjs), else through tsx.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A 24 MP merge touches a few GB of freshly allocated typed arrays; with 4 KiB pages the kernel's page faults
 * cost as much as the decoding (823k faults, about a third of a TIFF merge's CPU time, BENCHMARKS.md).
 * glibc backs large allocations with transparent huge pages when GLIBC_TUNABLES says so, and it only reads
 * that at start-up: on Linux the CLI runs itself again once with it set. LUXFUSE_HUGE_PAGES=0 turns it off.
 */
const HUGE_PAGES = 'glibc.malloc.hugetlb=1';
const tunables = process.env.GLIBC_TUNABLES ?? '';
if (process.platform === 'linux' && process.env.LUXFUSE_HUGE_PAGES !== '0' && !tunables.includes('glibc.malloc.hugetlb')) {
  // Its own process group, so a Ctrl+C reaches it once (forwarded below), not twice (cancel, then stop at once).
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_PAGES}` : HUGE_PAGES },
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
