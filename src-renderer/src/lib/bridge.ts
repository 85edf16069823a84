/** The typed bridge the preload (or the e2e test host) puts on window.luxfuse. */
import { BRIDGE_GLOBAL, SUPERSEDED_MESSAGE, type LuxfuseBridge } from '../../../src-preload/contract';

export function getBridge(): LuxfuseBridge {
  const bridge = (window as unknown as Record<string, LuxfuseBridge | undefined>)[BRIDGE_GLOBAL];
  if (!bridge) throw new Error('Luxfuse bridge missing: the page must run inside the app (preload) or the test host');
  return bridge;
}

/** A call main dropped because a newer merge was asked for: not a failure to show (the newer merge's answer follows). */
export function isSuperseded(error: unknown): boolean {
  return error instanceof Error && error.message.includes(SUPERSEDED_MESSAGE);
}
