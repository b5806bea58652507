// The learner's own tools in the page's terminal: `kubectl proxy &` serves the API
// server on localhost (curl reaches a Service through its proxy path), and
// `timeout N` ends a live watch by itself when the simulated clock passes N seconds.
import assert from 'node:assert/strict';
import { labels, run, until } from '../lib.mjs';

const POD = 'svg g[role="button"][aria-label^="Pod nginx-"]';

export default async function (t) {
  const { page } = t;
  const out = page.getByRole('region', { name: 'Terminal output' });
  const term = page.getByRole('textbox', { name: 'Terminal' });
  const prompt = page.locator('.kp-term-input .kp-prompt');
  const lastOutput = () => page.locator('.kp-term-entry').last().locator('pre').textContent();

  t.step('Apply the default manifest; three nginx pods are ready');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('deployment.apps/nginx created').waitFor();
  await until(async () => {
    const l = await labels(page, POD);
    return { ok: l.filter((x) => x.includes('Running, Ready')).length === 3, l };
  }, 'three pods ready');

  t.step('kubectl proxy & then curl through the Service proxy path');
  await run(page, 'kubectl proxy --port=8001 &');
  await out.getByText('Starting to serve on 127.0.0.1:8001').waitFor();
  await run(page, 'curl -s localhost:8001/api/v1/namespaces/default/services/nginx/proxy/ | grep title');
  await out.getByText('$ curl -s localhost:8001').waitFor();
  assert.equal((await lastOutput()).trim(), '<title>Welcome to nginx!</title>');
  await run(page, 'curl -s localhost:8001/api/v1/namespaces/default/services/nope');
  await out.getByText('services/nope', { exact: false }).first().waitFor();
  assert.match(await lastOutput(), /"message": "services \\"nope\\" not found"/);
  await t.screenshot('proxy-curl');

  t.step('timeout 3 kubectl get pods -w streams, then ends by itself');
  await run(page, 'timeout 3 kubectl get pods -w');
  await out.getByText('$ timeout 3 kubectl get pods -w').waitFor();
  assert.equal(await term.getAttribute('placeholder'), 'streaming - Ctrl+C to stop');
  assert.match(await lastOutput(), /^NAME +READY +STATUS +RESTARTS +AGE\n/);
  await until(async () => {
    const p = (await prompt.textContent()).trim();
    return { ok: p === '$', p };
  }, 'the prompt comes back when the timeout passes', 20000);
  assert.equal(await term.getAttribute('placeholder'), null);
  await t.screenshot('timeout-watch-ended');

  t.step('kill %1 stops the proxy; curl cannot connect any more');
  await run(page, 'kill %1');
  await run(page, 'curl localhost:8001/healthz');
  await out.getByText('$ curl localhost:8001/healthz').waitFor();
  assert.match(await lastOutput(), /curl: \(7\) Failed to connect to localhost port 8001/);
  assert.deepEqual(t.consoleErrors, [], 'no console errors');
}
