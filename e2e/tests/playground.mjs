// The playground core: Apply runs `kubectl apply -f -` in the simulated cluster, the
// clock starts the pods, the diagram shows nodes, pods and the Service with its
// endpoints, a pod can be killed from its menu, and the terminal runs kubectl.
import assert from 'node:assert/strict';

const POD = 'svg g[role="button"][aria-label^="Pod nginx-"]';

async function podLabels(page) {
  return page.locator(POD).evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
}

async function waitReady(page, n, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let labels = [];
  while (Date.now() < deadline) {
    labels = await podLabels(page);
    if (labels.filter((l) => l.includes('Running, Ready')).length === n) return labels;
    await page.waitForTimeout(250);
  }
  assert.fail(`expected ${n} pods "Running, Ready", got ${JSON.stringify(labels)}`);
}

const podName = (label) => label.split(',')[0].replace(/^Pod /, '');

export default async function (t) {
  const { page } = t;

  t.step('load the page and Apply the default manifest');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  const apply = page.getByRole('button', { name: 'Apply' });
  await apply.waitFor({ state: 'visible' });
  await t.screenshot('playground-loaded');
  await apply.click();
  await page.getByText('deployment.apps/nginx created').waitFor();
  await page.getByText('service/nginx created').waitFor();

  t.step('three nginx pods become Running and Ready, the Service has 3 ready endpoints');
  const before = await waitReady(page, 3);
  for (const l of before) assert.match(l, /^Pod nginx-\S+, Running, Ready, \d+\.\d+\.\d+\.\d+, node \S+$/);
  const svc = page.locator('svg g[role="button"][aria-label^="Service nginx, ClusterIP"]');
  await svc.waitFor();
  const svcLabel = await svc.getAttribute('aria-label');
  assert.match(svcLabel, /^Service nginx, ClusterIP \d+\.\d+\.\d+\.\d+, 80\/TCP, 3 ready endpoints$/);
  assert.ok((await page.locator('svg g[aria-label^="Node "]').count()) >= 1, 'nodes are drawn');
  await t.screenshot('playground-ready');

  t.step('click a pod and Kill it: a new pod replaces it');
  const victim = podName(before[0]);
  await page.locator(`svg g[aria-label^="Pod ${victim},"]`).click();
  await t.screenshot('playground-menu');
  await page.getByRole('button', { name: 'Kill' }).click();
  const deadline = Date.now() + 30000;
  let after = [];
  for (;;) {
    after = await podLabels(page);
    const ready = after.filter((l) => l.includes('Running, Ready')).map(podName);
    if (ready.length === 3 && !ready.includes(victim)) break;
    if (Date.now() > deadline) assert.fail(`no replacement for ${victim}: ${JSON.stringify(after)}`);
    await page.waitForTimeout(250);
  }
  const newNames = after.map(podName).filter((n) => !before.map(podName).includes(n));
  assert.ok(newNames.length >= 1, `a new pod appeared: ${JSON.stringify(after)}`);
  await t.screenshot('playground-after-kill');

  t.step('the terminal runs kubectl get pods');
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill('kubectl get pods');
  await term.press('Enter');
  const out = page.getByRole('region', { name: 'Terminal output' });
  await out.getByText('$ kubectl get pods').waitFor();
  const text = await out.textContent();
  assert.match(text, /NAME/);
  assert.match(text, /Running/);
  assert.equal(await term.inputValue(), '', 'the input is cleared');
  assert.equal(t.consoleErrors.length, 0, `console errors: ${t.consoleErrors.join('\n')}`);
  await t.screenshot('playground-terminal');
}
