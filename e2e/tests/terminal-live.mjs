// The live terminal: `kubectl get pods -w` and `kubectl logs -f` keep printing in the
// page until Ctrl+C (which prints ^C and brings the prompt back), and `kubectl edit`
// opens the object's YAML in the manifest editor, where Apply sends it back.
import assert from 'node:assert/strict';
import { labels, podName, run, until } from '../lib.mjs';

const POD = 'svg g[role="button"][aria-label^="Pod nginx-"]';

export default async function (t) {
  const { page } = t;
  const out = page.getByRole('region', { name: 'Terminal output' });
  const term = page.getByRole('textbox', { name: 'Terminal' });
  const prompt = page.locator('.kp-term-input .kp-prompt');
  const lastOutput = () => page.locator('.kp-term-entry').last().locator('pre').textContent();

  t.step('Apply the default manifest; three nginx pods run');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('deployment.apps/nginx created').waitFor();
  const before = await until(async () => {
    const l = await labels(page, POD);
    return { ok: l.filter((x) => x.includes('Running, Ready')).length === 3, l };
  }, 'three pods ready');

  t.step('kubectl get pods -w prints the table and keeps the terminal busy');
  await run(page, 'kubectl get pods -w');
  await out.getByText('$ kubectl get pods -w').waitFor();
  const first = await lastOutput();
  assert.match(first, /^NAME +READY +STATUS +RESTARTS +AGE\n/);
  assert.equal(first.trim().split('\n').length, 4, `header and three pods: ${first}`);
  assert.equal((await prompt.textContent()).trim(), '', 'no prompt while streaming');
  assert.equal(await term.getAttribute('placeholder'), 'streaming - Ctrl+C to stop');

  t.step('killing a pod from the diagram streams new rows into the running watch');
  const victim = podName(before.l[0]);
  await page.locator(`svg g[aria-label^="Pod ${victim},"]`).click();
  await page.getByRole('button', { name: 'Kill' }).click();
  const streamed = await until(async () => {
    const text = await lastOutput();
    const rows = text.trim().split('\n');
    return { ok: rows.length > 4 && text.includes(`${victim}   `) && /Terminating|ContainerCreating|Pending/.test(text), text };
  }, 'the watch prints the change');
  assert.ok(streamed.text.trim().split('\n').slice(4).some((l) => l.startsWith(victim)), streamed.text);
  await t.screenshot('terminal-watch-streaming');

  t.step('Ctrl+C stops the watch: ^C, the prompt is back, nothing more is printed');
  await term.focus();
  await term.press('Control+c');
  await until(async () => {
    const text = await lastOutput();
    return { ok: text.endsWith('^C'), text };
  }, 'the watch ends with ^C');
  assert.equal((await prompt.textContent()).trim(), '$');
  assert.equal(await term.getAttribute('placeholder'), null);
  const stopped = await lastOutput();
  await page.waitForTimeout(2500);
  assert.equal(await lastOutput(), stopped, 'no output after Ctrl+C');
  await t.screenshot('terminal-watch-stopped');

  t.step('kubectl logs -f streams too, and Enter on a new line ends it');
  await run(page, 'kubectl logs -f deploy/nginx');
  await out.getByText('$ kubectl logs -f deploy/nginx').waitFor();
  await until(async () => {
    const text = await lastOutput();
    return { ok: text.includes('Configuration complete; ready for start up'), text };
  }, 'nginx startup log');
  assert.equal(await term.getAttribute('placeholder'), 'streaming - Ctrl+C to stop');
  await run(page, 'kubectl get deploy');
  await out.getByText('$ kubectl get deploy').waitFor();
  assert.equal((await prompt.textContent()).trim(), '$');

  t.step('kubectl edit deploy nginx puts its YAML in the editor; Apply sends the change');
  await run(page, 'kubectl edit deploy nginx');
  const editor = page.locator('#kp-manifest');
  await until(async () => {
    const v = await editor.inputValue();
    return { ok: v.startsWith('apiVersion: apps/v1\nkind: Deployment\n'), v: v.slice(0, 80) };
  }, 'the editor holds the Deployment');
  const yaml = await editor.inputValue();
  assert.match(yaml, /\n  name: nginx\n/);
  assert.match(yaml, /\n  resourceVersion: "\d+"\n/);
  assert.match(yaml, /\n  replicas: 3\n/);
  assert.match(yaml, /\nstatus:\n/);
  await page.getByText("kubectl edit: the object's YAML is in the editor").waitFor();
  await t.screenshot('terminal-edit-in-editor');
  await editor.fill(yaml.replace(/\n  replicas: 3\n/, '\n  replicas: 2\n'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('deployment.apps/nginx configured').waitFor();
  await until(async () => {
    const l = await labels(page, POD);
    return { ok: l.length === 2, l };
  }, 'scaled to two pods');
  assert.equal(t.consoleErrors.length, 0, `console errors: ${t.consoleErrors.join('\n')}`);
  await t.screenshot('terminal-edit-applied');
}
