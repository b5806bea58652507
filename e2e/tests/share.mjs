// Never losing work: Share makes a #s1. link that rebuilds the same cluster in a fresh
// browser; a reload keeps the work; Reset/Undo; Export downloads the manifests; every
// kind of bad link gives its message and leaves the saved work alone; hostile text in
// a link is shown as text, never run; the page's digest of a replayed fixed scenario
// equals the native one (e2e/fixtures/share-digest.json, written by a native test).
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'share-digest.json'), 'utf8'));
const screenshotDir = process.env.E2E_SCREENSHOTS || join(here, '..', 'screenshots');
const POD = 'svg g[role="button"][aria-label^="Pod "]';

async function podNames(page) {
  const labels = await page.locator(POD).evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
  return labels.map((l) => l.split(',')[0].replace(/^Pod /, '')).sort();
}

async function waitFor(what, fn, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last.ok) return last.value;
    if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(last.value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function readyNginx(page, n) {
  return waitFor(`${n} nginx pods Running, Ready`, async () => {
    const labels = await page.locator(POD).evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
    const ready = labels.filter((l) => l.startsWith('Pod nginx-') && l.includes('Running, Ready'));
    return { ok: ready.length === n && labels.length === n, value: labels };
  });
}

// ---- a JS encoder of the compact scenario format (for hostile links) -------------
function varint(out, v) {
  let x = BigInt(v);
  for (;;) {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    if (x === 0n) { out.push(b); return; }
    out.push(b | 0x80);
  }
}
function str(out, s) {
  const bytes = Buffer.from(s, 'utf8');
  varint(out, bytes.length);
  out.push(...bytes);
}
function fnvLow32(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) { h ^= BigInt(b); h = (h * 0x100000001b3n) & 0xffffffffffffffffn; }
  return [24n, 16n, 8n, 0n].map((s) => Number((h >> s) & 0xffn));
}
function link({ editor, applies = [], commands = [], version = 2 }) {
  const out = [];
  varint(out, version); // simulation version
  varint(out, 1); // seed
  out.push(2); str(out, editor); // explicit editor text
  out.push(0); // no lesson
  varint(out, applies.length + commands.length);
  for (const a of applies) { out.push(0); str(out, a); }
  for (const c of commands) { out.push(1); str(out, c); }
  const payload = Buffer.from([...out, ...fnvLow32(out)]);
  return 's1.' + deflateRawSync(payload, { level: 9 }).toString('base64url');
}

async function freshContext() {
  const profile = mkdtempSync(join(tmpdir(), 'kubeplay-e2e-share-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, close: async () => { await context.close().catch(() => {}); rmSync(profile, { recursive: true, force: true }); } };
}

async function shot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `share-${name}.png`), fullPage: true });
}

export default async function (t) {
  const { page } = t;
  const term = page.getByRole('textbox', { name: 'Terminal' });
  const out = page.getByRole('region', { name: 'Terminal output' });

  t.step('build some work: Apply, kill a pod, a terminal command');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).click();
  const first = await readyNginx(page, 3);
  const victim = first[0].split(',')[0].replace(/^Pod /, '');
  await page.locator(`svg g[aria-label^="Pod ${victim},"]`).click();
  await page.getByRole('button', { name: 'Kill' }).click();
  await waitFor('a replacement pod', async () => {
    const names = await podNames(page);
    const labels = await page.locator(POD).evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
    return { ok: !names.includes(victim) && labels.filter((l) => l.includes('Running, Ready')).length === 3, value: labels };
  });
  await term.fill('kubectl get pods');
  await term.press('Enter');
  await out.getByText('$ kubectl get pods').waitFor();
  const names = await podNames(page);

  t.step('Share: the link is in the "Share link" textbox, under 600 characters');
  await page.getByRole('button', { name: 'Share' }).click();
  const box = page.getByRole('textbox', { name: 'Share link' });
  await box.waitFor();
  const url = await box.inputValue();
  assert.ok(url.startsWith(t.baseUrl) && url.includes('#s1.'), url);
  assert.ok(url.length < 600, `the lesson link is ${url.length} characters`);
  console.log(`      share link: ${url.length} characters`);
  await t.screenshot('shared');

  t.step('open the link in a fresh browser profile: same pods, same terminal history');
  const other = await freshContext();
  try {
    await other.page.goto(url, { waitUntil: 'load' });
    await other.page.getByText('Opened a shared scenario').waitFor();
    const otherNames = await podNames(other.page);
    assert.deepEqual(otherNames, names);
    const otherOut = other.page.getByRole('region', { name: 'Terminal output' });
    await otherOut.getByText('$ kubectl get pods').waitFor();
    assert.match(await otherOut.textContent(), /Running/);
    assert.ok(!other.page.url().includes('#s1.'), 'the fragment is dropped after opening');
    await shot(other.page, 'opened-in-fresh-profile');

    t.step('the page replays the fixed scenario to the native digest');
    await other.page.goto(t.baseUrl + fixture.link, { waitUntil: 'load' });
    const notice = other.page.locator('.kp-notice[data-digest]');
    await notice.getByText('Opened a shared scenario').waitFor();
    assert.equal(await notice.getAttribute('data-digest'), fixture.digest, 'WASM digest equals native digest');
    assert.deepEqual(await podNames(other.page), [...fixture.pods].sort());
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }

  t.step('reload keeps the work (editor, cluster, terminal)');
  const editorText = await page.locator('#kp-manifest').inputValue();
  await page.reload({ waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).waitFor();
  assert.deepEqual(await podNames(page), names);
  await out.getByText('$ kubectl get pods').waitFor();
  assert.equal(await page.locator('#kp-manifest').inputValue(), editorText);
  await t.screenshot('reloaded');

  t.step('every kind of bad link gives its message and leaves the saved work alone');
  const good = url.slice(url.indexOf('#') + 1);
  const body = good.slice(3);
  const bomb = 's1.' + deflateRawSync(Buffer.alloc(8 << 20), { level: 9 }).toString('base64url');
  const bad = [
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /incomplete: it was cut off/],
    ['corrupted', good.slice(0, 12) + '*' + good.slice(12), /damaged/],
    ['unknown version', 's9.' + body, /newer kubeplay/],
    ['oversized', 's1.' + 'A'.repeat(70 * 1024), /too long/],
    ['decompression bomb', bomb, /unpacks to more than/],
  ];
  for (const [kind, frag, message] of bad) {
    await page.goto('about:blank');
    await page.goto(`${t.baseUrl}#${frag}`, { waitUntil: 'load' });
    const alert = page.locator('.kp-notice[role="alert"]');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, message, `${kind}: ${text}`);
    assert.match(text, /Your saved work is unchanged/);
    assert.deepEqual(await podNames(page), names, `${kind}: the saved pods are still there`);
    await out.getByText('$ kubectl get pods').waitFor();
    await t.screenshot(`bad-link-${kind.replace(/ /g, '-')}`);
  }

  t.step('hostile text in a link is data: shown, never run');
  const hostile = link({
    editor: '# <script>window.__pwned = 1</script>\n',
    applies: ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "<img src=x onerror=window.__pwned=1>"\n'],
    commands: [`echo "<script>window.__pwned=1</script>" 'javascript:alert(1)'`],
  });
  await page.goto('about:blank');
  await page.goto(`${t.baseUrl}#${hostile}`, { waitUntil: 'load' });
  await page.getByText('Opened a shared scenario').waitFor();
  await out.getByText('<script>window.__pwned=1</script> javascript:alert(1)').first().waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#kp-manifest').inputValue(), '# <script>window.__pwned = 1</script>\n');
  await t.screenshot('hostile-link');

  t.step('Undo brings the work from before the link back; Reset starts over; Undo again');
  await page.getByRole('button', { name: 'Undo' }).click();
  await waitFor('the nginx pods are back', async () => {
    const n = await podNames(page);
    return { ok: JSON.stringify(n) === JSON.stringify(names), value: n };
  });
  await page.getByRole('button', { name: 'Reset' }).click();
  await waitFor('no pods after Reset', async () => {
    const n = await podNames(page);
    return { ok: n.length === 0, value: n };
  });
  await t.screenshot('reset');
  await page.getByRole('button', { name: 'Undo' }).click();
  await waitFor('the nginx pods are back after Undo', async () => {
    const n = await podNames(page);
    return { ok: JSON.stringify(n) === JSON.stringify(names), value: n };
  });

  t.step('Export downloads one YAML file with the manifests and kubectl commands');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'kubeplay.yaml');
  const path = await download.path();
  const yaml = readFileSync(path, 'utf8');
  assert.match(yaml, /kind create cluster/);
  assert.match(yaml, /kubectl apply -f kubeplay\.yaml/);
  assert.match(yaml, /kubectl delete pod nginx-\S+ -n default --wait=false/);
  assert.match(yaml, /kind: Deployment/);
  assert.match(yaml, /kind: Service/);
  await t.screenshot('exported');

  t.step('a link from another simulation version replays its steps and says so');
  await page.goto('about:blank');
  await page.goto(`${t.baseUrl}#${link({ version: 99, editor: 'x: 1\n', commands: ['kubectl get ns'] })}`, { waitUntil: 'load' });
  const warn = page.locator('.kp-notice-warn');
  await warn.getByText('made by a newer simulation (version 99)').waitFor();
  await out.getByText('kube-node-lease').first().waitFor();
  await t.screenshot('other-version-link');
  await page.getByRole('button', { name: 'Undo' }).click();
  await waitFor('Undo brings the saved work back', async () => {
    const n = await podNames(page);
    return { ok: JSON.stringify(n) === JSON.stringify(names), value: n };
  });
}
