import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (`playwright install` cannot run here).
const CHROMIUM = process.env.LUXFUSE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(`e2e tests need Chromium at ${CHROMIUM}: run 'apt-get install chromium' (or set LUXFUSE_CHROMIUM)`);
}

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'artifacts/test-results',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  projects: [
    {
      name: 'chromium',
      // Anchored at tests/e2e: a checkout under a folder named like '…gpu/' must not match.
      testIgnore: /tests\/e2e\/(electron|gpu)\//,
      use: {
        viewport: { width: 1360, height: 880 },
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--enable-unsafe-webgpu',
            '--enable-unsafe-swiftshader',
          ],
        },
      },
    },
    {
      // WebGPU on SwiftShader's Vulkan: without the Vulkan/ANGLE switches a WebGPU canvas loses its device on present.
      name: 'chromium-webgpu',
      testMatch: /tests\/e2e\/gpu\/.*\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--no-first-run', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'],
        },
      },
    },
    { name: 'electron', testMatch: /tests\/e2e\/electron\/.*\.spec\.ts/ },
  ],
});
