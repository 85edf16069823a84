#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `luxfuse` is always the current source.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-main/cli/main.ts');
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
