// A StatefulSet behind a headless Service, pasted into the editor: web-0 and web-1
// appear in the diagram, the Service (no virtual IP) counts both as ready endpoints,
// killing web-0 from its menu brings back a pod of the same name, and its DNS name
// answers from a client pod.
import assert from 'node:assert/strict';
import { labels, run, startSleeper, until } from '../lib.mjs';

const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

const POD = 'svg g[role="button"][aria-label^="Pod web-"]';

export default async function (t) {
  const { page } = t;

  t.step('paste a headless Service and a StatefulSet, Apply');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('textbox', { name: 'Manifest' }).fill(MANIFEST);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('statefulset.apps/web created').waitFor();

  t.step('web-0 and web-1 run, the headless Service has 2 ready endpoints');
  const ready = async () => {
    const l = await labels(page, POD);
    const names = l.filter((x) => x.includes('Running, Ready')).map((x) => x.split(',')[0]).sort();
    return { ok: names.join() === 'Pod web-0,Pod web-1', l };
  };
  await until(ready, 'web-0 and web-1 ready');
  await until(async () => {
    const l = await labels(page, 'svg g[role="button"][aria-label^="Service nginx,"]');
    return { ok: l[0] === 'Service nginx, ClusterIP None, 80/TCP, 2 ready endpoints', l };
  }, 'headless Service with 2 ready endpoints');
  await t.screenshot('statefulset-ready');

  t.step('kill web-0 from its menu: a new web-0 comes back');
  const oldIp = (await labels(page, 'svg g[aria-label^="Pod web-0,"]'))[0];
  await page.locator('svg g[aria-label^="Pod web-0,"]').click();
  await page.getByRole('button', { name: 'Kill' }).click();
  await until(async () => {
    const l = await labels(page, 'svg g[aria-label^="Pod web-0,"]');
    return { ok: l.length === 1 && l[0] !== oldIp && l[0].includes('Running, Ready'), l, oldIp };
  }, 'web-0 replaced under the same name');
  await until(ready, 'both ready again');

  t.step('the pod DNS name web-0.nginx answers from a client pod');
  await startSleeper(page, 'client', 'busybox:1.36');
  await run(page, 'kubectl exec client -- wget -qO- -T 2 http://web-0.nginx.default.svc.cluster.local');
  await page.getByRole('region', { name: 'Terminal output' }).getByText('Welcome to nginx!').first().waitFor();
  await t.screenshot('statefulset-dns');
  assert.deepEqual(t.consoleErrors, [], 'no console errors');
}
