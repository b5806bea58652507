// Runs every e2e/tests/*.mjs against BASE_URL in Debian's headless Chromium.
//   BASE_URL=http://127.0.0.1:PORT/ node e2e/run.mjs [name-filter]
// (`make test` / scripts/e2e.sh serve dist/ and set BASE_URL.)
//
// A test file exports `default async function (t)`, where t is
//   { page, baseUrl, screenshot(name), consoleErrors, step(text) }
// and gets a fresh browser profile (user-data-dir). Any console error, page error,
// failed request or HTTP error status during the test fails it.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const baseUrl = process.env.BASE_URL;
if (!baseUrl) {
  console.error('BASE_URL is not set (run through `make e2e` or scripts/e2e.sh)');
  process.exit(2);
}
const screenshotDir = process.env.E2E_SCREENSHOTS || join(here, 'screenshots');
const filter = process.argv[2] || '';

// The flags verified on these machines (TOOLCHAIN.md): without the networking ones
// Chromium floods the closed network with refused connections.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

rmSync(screenshotDir, { recursive: true, force: true });
mkdirSync(screenshotDir, { recursive: true });

const testsDir = join(here, 'tests');
const files = readdirSync(testsDir)
  .filter((f) => f.endsWith('.mjs') && f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no e2e tests in ${testsDir} matching "${filter}"`);
  process.exit(1);
}

async function runOne(file) {
  const name = file.replace(/\.mjs$/, '');
  const mod = await import(pathToFileURL(join(testsDir, file)).href);
  const profile = mkdtempSync(join(tmpdir(), 'kubeplay-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const errors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) =>
      errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`),
    );
    page.on('response', (res) => {
      if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    let shot = 0;
    const t = {
      page,
      baseUrl,
      consoleErrors: errors,
      step: (text) => console.log(`    - ${text}`),
      screenshot: async (label) => {
        shot += 1;
        const path = join(screenshotDir, `${name}-${String(shot).padStart(2, '0')}-${label}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
    };
    try {
      await mod.default(t);
    } catch (err) {
      await t.screenshot('failure').catch(() => {});
      throw err;
    }
    if (errors.length > 0) {
      throw new Error(`the page logged errors:\n      ${errors.join('\n      ')}`);
    }
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

let failed = 0;
for (const file of files) {
  const started = Date.now();
  console.log(`  ${file}`);
  try {
    await runOne(file);
    console.log(`  PASS ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed += 1;
    console.log(`  FAIL ${file}: ${err && err.stack ? err.stack : err}`);
  }
}
console.log(`  e2e: ${files.length - failed} passed, ${failed} failed; screenshots in ${screenshotDir}`);
process.exit(failed === 0 ? 0 : 1);
