/** The typed bridge the preload (or the e2e test host) puts on window.luxfuse. */
import { BRIDGE_GLOBAL, type LuxfuseBridge } from '../../../src-preload/contract';

export function getBridge(): LuxfuseBridge {
  const bridge = (window as unknown as Record<string, LuxfuseBridge | undefined>)[BRIDGE_GLOBAL];
  if (!bridge) throw new Error('Luxfuse bridge missing: the page must run inside the app (preload) or the test host');
  return bridge;
}
