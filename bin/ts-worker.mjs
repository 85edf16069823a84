// Starts a TypeScript worker entry through tsx, as the built app starts its bundled JavaScript one.
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(pathToFileURL(workerData.tsEntry).href);
