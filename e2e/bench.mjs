// Browser benchmark (issue 6 item 9, issue 8 item 4), run by `make bench` through
// benches/report.sh against the release dist/ (scripts/e2e.sh serves it and sets BASE_URL):
//   1. first render: navigation start to the first frame after the diagram's nodes exist
//      (fresh browser context each time, median of 9: this shared 2-core VM is noisy);
//   2. apply-to-render: click Apply with a 100-document manifest (50 Deployments + 50
//      Services) until the diagram shows them, in the next frame (median of 7);
//   3. frames: 200 pods (10 Deployments x 20) and continuous "Send traffic" animation,
//      requestAnimationFrame timestamps over 10 s: interval p50/p95, share over 33.4 ms;
//   4. memory one minute after load of that page: JS heap (CDP, after a GC) and the
//      WebAssembly memory.
// Figures are printed as `BENCH key value` lines (benches/report.sh reads them) and
// never asserted: headless Chromium here renders in software (TOOLCHAIN.md).
import { chromium } from 'playwright-core';

const baseUrl = process.env.BASE_URL;
if (!baseUrl) {
  console.error('BASE_URL is not set (run through `make bench` or scripts/e2e.sh)');
  process.exit(2);
}
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-precise-memory-info',
];
const FRAME_SECONDS = Number(process.env.BENCH_FRAME_SECONDS || 10);
const MEMORY_AFTER_MS = Number(process.env.BENCH_MEMORY_AFTER_MS || 60000);

// Runs before the page's own scripts: keeps the WebAssembly memory for the memory figure
// and notes the first frame after the diagram's nodes are drawn.
const INIT = () => {
  const keep = (p) =>
    p.then((r) => {
      const inst = r.instance || r;
      if (inst && inst.exports && inst.exports.memory) window.__kpMemory = inst.exports.memory;
      return r;
    });
  const is = WebAssembly.instantiateStreaming;
  if (is) WebAssembly.instantiateStreaming = (...a) => keep(is.apply(WebAssembly, a));
  const i = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => keep(i.apply(WebAssembly, a));
  const poll = () => {
    if (document.querySelector('.kp-diagram svg g[aria-label^="Node "]')) {
      requestAnimationFrame(() => { window.__kpFirstRender = performance.now(); });
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const out = (key, value, human) => {
  console.log(`BENCH ${key} ${value}`);
  if (human) console.log(`    ${human}`);
};

function deployments(n, replicas, prefix) {
  let text = '';
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i}`;
    text += `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: 80
---
`;
  }
  return text;
}

async function fresh(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(INIT);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { context, page, errors };
}

async function firstRender(browser) {
  const { context, page } = await fresh(browser);
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__kpFirstRender !== undefined);
  const ms = await page.evaluate(() => window.__kpFirstRender);
  await context.close();
  return ms;
}

async function applyToRender(browser) {
  const { context, page } = await fresh(browser);
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('textbox', { name: 'Manifest' }).fill(deployments(50, 1, 'app'));
  const ms = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const svcs = () => document.querySelectorAll('.kp-diagram svg g[aria-label^="Service app-"]').length;
        const pods = () => document.querySelectorAll('.kp-diagram svg g[aria-label^="Pod app-"]').length;
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Apply');
        const t0 = performance.now();
        const check = () => {
          if (svcs() >= 50 && pods() >= 50) {
            requestAnimationFrame(() => resolve(performance.now() - t0));
            return true;
          }
          return false;
        };
        const obs = new MutationObserver(() => check() && obs.disconnect());
        obs.observe(document.body, { childList: true, subtree: true });
        button.click();
        if (check()) obs.disconnect();
      }),
  );
  await context.close();
  return ms;
}

async function framesAndMemory(browser) {
  const { context, page, errors } = await fresh(browser);
  const loaded = Date.now();
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('16x');
  await page.getByRole('textbox', { name: 'Manifest' }).fill(deployments(10, 20, 'web'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.kp-diagram svg g[aria-label^="Pod web-"]')].filter((g) =>
        g.getAttribute('aria-label').includes('Running, Ready'),
      ).length === 200,
    null,
    { timeout: 120000, polling: 500 },
  );
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1x');
  await page.locator('svg g[aria-label^="Service web-0,"]').click();
  const from = await page
    .locator('svg g[aria-label^="Pod web-3-"]')
    .first()
    .getAttribute('aria-label');
  await page
    .getByRole('combobox', { name: 'Traffic source' })
    .selectOption(`default/${from.split(',')[0].replace(/^Pod /, '')}`);
  const send = page.getByRole('button', { name: 'Send traffic' });
  // Continuous traffic: a batch of 10 requests (each animates ~1 s, a batch ~3 s) every second.
  let sending = true;
  const sender = (async () => {
    while (sending) {
      await send.click();
      await page.waitForTimeout(1000);
    }
  })();
  await page.waitForTimeout(1500);
  const stamps = await page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const ts = [];
        const end = performance.now() + seconds * 1000;
        const frame = (t) => {
          ts.push(t);
          if (t < end) requestAnimationFrame(frame);
          else resolve(ts);
        };
        requestAnimationFrame(frame);
      }),
    FRAME_SECONDS,
  );
  const packets = await page.locator('.kp-packet').count();
  const wait = MEMORY_AFTER_MS - (Date.now() - loaded);
  if (wait > 0) await page.waitForTimeout(wait);
  sending = false;
  await sender;
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const wasm = await page.evaluate(() => (window.__kpMemory ? window.__kpMemory.buffer.byteLength : NaN));
  const after = (Date.now() - loaded) / 1000;
  await context.close();
  const iv = stamps.slice(1).map((t, i) => t - stamps[i]);
  return { iv, heap, wasm, after, packets, errors };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
try {
  const renders = [];
  for (let i = 0; i < 9; i++) renders.push(await firstRender(browser));
  out('first_render_ms', median(renders).toFixed(0),
    `first render (navigation start -> diagram drawn): median ${median(renders).toFixed(0)} ms of ${renders.map((x) => x.toFixed(0)).join(', ')}`);

  const applies = [];
  for (let i = 0; i < 7; i++) applies.push(await applyToRender(browser));
  out('apply_100_ms', median(applies).toFixed(0),
    `apply 100 documents -> diagram: median ${median(applies).toFixed(0)} ms of ${applies.map((x) => x.toFixed(0)).join(', ')}`);

  const f = await framesAndMemory(browser);
  const over = f.iv.filter((x) => x > 33.4).length / Math.max(1, f.iv.length);
  out('frame_p50_ms', pct(f.iv, 50).toFixed(1));
  out('frame_p95_ms', pct(f.iv, 95).toFixed(1));
  out('frame_over_33_pct', (over * 100).toFixed(1),
    `200 pods + traffic: ${f.iv.length} frames in ${FRAME_SECONDS} s, interval p50 ${pct(f.iv, 50).toFixed(1)} ms, ` +
      `p95 ${pct(f.iv, 95).toFixed(1)} ms, max ${Math.max(...f.iv).toFixed(1)} ms, ${(over * 100).toFixed(1)}% over 33.4 ms ` +
      `(${f.packets} packet elements at the end)`);
  out('heap_mb', (f.heap / 1048576).toFixed(1));
  out('wasm_mb', (f.wasm / 1048576).toFixed(1),
    `memory ${f.after.toFixed(0)} s after load: JS heap ${(f.heap / 1048576).toFixed(1)} MB (after GC), WebAssembly memory ${(f.wasm / 1048576).toFixed(1)} MB`);
  if (f.errors.length) console.log(`    page errors: ${f.errors.join('; ')}`);
} finally {
  await browser.close();
}
