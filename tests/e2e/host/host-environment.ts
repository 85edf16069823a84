/** The flows' environment on the test host: its scripted dialogs, a drop through the bridge shim, its edit store and call log. */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BRIDGE_GLOBAL, type LuxfuseBridge } from '../../../src-preload/contract';
import { openApp } from '../app-page';
import type { FlowEnvironment } from '../flows/environment';
import { ARTIFACTS } from '../paths';
import type { TestHost } from './test-host';

export function hostEnvironment(host: TestHost): FlowEnvironment {
  return {
    name: 'chromium',
    answerOpenImages: async (paths) => void host.dialogs.opens.push([...paths]),
    answerOpenFolder: async (paths) => void host.dialogs.folders.push([...paths]),
    answerChooseFolder: async (folder) => void host.dialogs.chosenFolders.push(folder),
    async supplyFolder(page, folder) {
      // The shim places every dropped file in the drop folder the page was opened with (openApp's dropFolder).
      const lands = await page.evaluate(
        ([global, name]) => (window as unknown as Record<string, LuxfuseBridge>)[global].pathForFile(new File([], name)),
        [BRIDGE_GLOBAL, basename(folder)] as const,
      );
      if (lands !== folder) throw new Error(`a drop of ${basename(folder)} would open ${lands}: open the page with { dropFolder: '${dirname(folder)}' }`);
      const dataTransfer = await page.evaluateHandle((name) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(0)], name));
        return dt;
      }, basename(folder));
      await page.dispatchEvent('body', 'drop', { dataTransfer });
    },
    savedEdits: (paths) => host.savedEdits(paths),
    async reopen(page) {
      const browser = page.context().browser();
      if (!browser) throw new Error('reopen needs a page of a launched browser');
      await page.close();
      const next = await browser.newPage();
      await openApp(next, host);
      return next;
    },
    ipcCalls: () => host.calls,
    async screenshot(page, name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
  };
}
