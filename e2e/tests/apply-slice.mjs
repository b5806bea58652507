// The editor: the page loads, Apply lists one result line per object, and malformed
// YAML shows its line number while the text stays in the editor.
import assert from 'node:assert/strict';

const THREE_OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello
`;

// Line 5 has a mapping value where none is allowed.
const MALFORMED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
  labels: app: broken
data:
  key: value
`;
const MALFORMED_LINE = 5;

async function resultLines(page) {
  return page.getByRole('list', { name: 'Apply results' }).locator('li').allTextContents();
}

export default async function (t) {
  const { page } = t;

  t.step('load the page');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  const editor = page.getByRole('textbox', { name: 'Manifest' });
  const apply = page.getByRole('button', { name: 'Apply' });
  await editor.waitFor({ state: 'visible' });
  await apply.waitFor({ state: 'visible' });
  const initial = await editor.inputValue();
  assert.match(initial, /kind: Deployment/);
  assert.match(initial, /image: nginx:1\.27/);
  assert.match(initial, /replicas: 3/);
  assert.match(initial, /kind: Service/);
  await t.screenshot('loaded');

  t.step('replace the text with a Deployment, a Service and a ConfigMap, then Apply');
  await editor.fill(THREE_OBJECTS);
  await apply.click();
  await page.getByText('configmap/web-config created').waitFor();
  assert.deepEqual(await resultLines(page), [
    'deployment.apps/web created',
    'service/web-svc created',
    'configmap/web-config created',
  ]);
  assert.equal(await page.getByRole('alert').count(), 0, 'no error shown for a valid manifest');
  await t.screenshot('three-objects');

  t.step('paste malformed YAML and Apply');
  await editor.fill(MALFORMED);
  await apply.click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ state: 'visible' });
  const message = await alert.textContent();
  assert.ok(message.includes(`line ${MALFORMED_LINE}`), `alert names line ${MALFORMED_LINE}: "${message}"`);
  assert.match(message, /yaml/i);
  assert.equal(await editor.inputValue(), MALFORMED, 'the text stays in the editor');
  assert.equal(await editor.getAttribute('aria-invalid'), 'true');
  // The gutter marks the line: its marker lies over that line's number.
  const marker = page.locator('.kp-gutter-bad');
  assert.equal(await marker.count(), 1, 'one marked line');
  assert.equal((await marker.textContent()).trim(), `▸${MALFORMED_LINE}`);
  const numbers = await page.locator('.kp-gutter-lines').boundingBox();
  const lines = (await page.locator('.kp-gutter-lines').textContent()).split('\n').length;
  assert.equal(lines, MALFORMED.split('\n').length, 'one number per line');
  const box = await marker.boundingBox();
  const lineHeight = numbers.height / lines;
  const expectedTop = numbers.y + (MALFORMED_LINE - 1) * lineHeight;
  assert.ok(Math.abs(box.y - expectedTop) < 2, `marker at ${box.y}, line ${MALFORMED_LINE} at ${expectedTop}`);
  await t.screenshot('syntax-error');

  t.step('fix the text and Apply again: the error goes away');
  await editor.fill(THREE_OBJECTS);
  await apply.click();
  await page.getByText('configmap/web-config unchanged').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
}
