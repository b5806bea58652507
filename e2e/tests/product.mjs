// The finished page: the diagram fits its panel, View YAML / Logs / Shell from the
// pod menu, Scale up, NodePort badge after an editor change, the debug pod reaching
// nginx through the Service, a wrong selector explained, Send traffic hit counts,
// the controls, and the phone layout.
import assert from 'node:assert/strict';
import { debugWget, labels, run, until } from '../lib.mjs';

const NGINX_POD = 'svg g[role="button"][aria-label^="Pod nginx-"]';

async function readyNginx(page, n) {
  return until(async () => {
    const l = await labels(page, NGINX_POD);
    const ready = l.filter((x) => x.includes('Running, Ready'));
    return { ok: ready.length === n && l.length === n, l };
  }, `${n} ready nginx pods`);
}

const termText = (page) => page.getByRole('region', { name: 'Terminal output' }).textContent();

export default async function (t) {
  const { page } = t;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('service/nginx created').waitFor();

  t.step('the diagram fits its panel at 1280x720 with 3 nodes');
  await readyNginx(page, 3);
  const fit = await page.evaluate(() => {
    const svg = document.querySelector('.kp-diagram svg').getBoundingClientRect();
    const panel = document.querySelector('.kp-diagram').getBoundingClientRect();
    return { svgRight: svg.right, panelRight: panel.right, docW: document.documentElement.scrollWidth };
  });
  assert.ok(fit.svgRight <= fit.panelRight, `svg within panel: ${JSON.stringify(fit)}`);
  assert.ok(fit.docW <= 1280, `no horizontal scroll: ${JSON.stringify(fit)}`);
  assert.equal(await page.locator('svg g[aria-label^="Node "]').count(), 3);
  await t.screenshot('fits-1280x720');

  t.step('controls are named');
  for (const name of ['Pause', 'Step']) await page.getByRole('button', { name, exact: true }).waitFor();
  await page.getByRole('combobox', { name: 'Speed' }).waitFor();
  await page.getByRole('switch', { name: 'Load-balancer controller' }).waitFor();
  await page.getByRole('combobox', { name: 'kube-proxy mode' }).waitFor();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.getByRole('combobox', { name: 'kube-proxy mode' }).selectOption('ipvs');
  const speeds = await page.getByRole('combobox', { name: 'Speed' }).locator('option').allTextContents();
  assert.deepEqual(speeds, ['1x', '4x', '16x'], 'issue 6: speeds 1x, 4x, 16x');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('16x');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const clock = page.getByLabel('Simulated time');
  const t0 = await clock.textContent();
  await page.waitForTimeout(1200);
  assert.equal(await clock.textContent(), t0, 'paused: the clock stands still');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await until(async () => ({ ok: (await clock.textContent()) !== t0, t0 }), 'Step advances the clock');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4x');

  t.step('pod menu: View YAML shows kubectl get pod -o yaml');
  const first = (await labels(page, NGINX_POD))[0].split(',')[0].replace(/^Pod /, '');
  await page.locator(`svg g[aria-label^="Pod ${first},"]`).click();
  await page.getByRole('button', { name: 'View YAML' }).click();
  const insp = page.getByRole('region', { name: 'Inspector output' });
  await insp.getByText(`kubectl get pod ${first} -n default -o yaml`).waitFor();
  const yaml = await insp.textContent();
  assert.match(yaml, /apiVersion: v1/);
  assert.match(yaml, new RegExp(`name: ${first}`));
  await t.screenshot('view-yaml');

  t.step('pod menu: Logs');
  await page.locator(`svg g[aria-label^="Pod ${first},"]`).click();
  await page.getByRole('button', { name: 'Logs', exact: true }).click();
  await insp.getByText(`kubectl logs ${first} -n default`).waitFor();

  t.step('pod menu: Shell opens an in-pod prompt');
  await page.locator(`svg g[aria-label^="Pod ${first},"]`).click();
  await page.getByRole('button', { name: 'Shell' }).click();
  await page.locator('.kp-prompt', { hasText: '/ #' }).waitFor();
  await run(page, 'hostname');
  await until(async () => ({ ok: (await termText(page)).includes(`/ # hostname${first}`), t: await termText(page) }), 'hostname in pod');
  await run(page, 'exit');
  await page.locator('.kp-prompt', { hasText: '$' }).waitFor();

  t.step('Scale up: a fourth pod appears');
  await page.getByRole('button', { name: 'Scale up' }).click();
  await readyNginx(page, 4);
  await t.screenshot('scaled-up');

  t.step('terminal: history, clear, a debug pod reaching nginx');
  await debugWget(page);
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.press('ArrowUp');
  assert.equal(await term.inputValue(), 'kubectl exec debug -- wget -qO- http://nginx');
  await t.screenshot('debug-wget');
  await term.press('Control+c');
  assert.equal(await term.inputValue(), '');
  await run(page, 'clear');
  assert.equal((await termText(page)).includes('Welcome to nginx!'), false, 'clear empties the output');

  t.step('kubectl run -it --rm ... -- sh: a shell in a new pod until exit; explain loaded after start');
  await run(page, 'kubectl run -it --rm dbg --image=busybox:1.36 --restart=Never -- sh');
  await page.locator('.kp-prompt', { hasText: '/ #' }).waitFor();
  await run(page, 'wget -qO- nginx | grep title');
  await until(async () => ({ ok: (await termText(page)).includes('<title>Welcome to nginx!</title>'), t: (await termText(page)).slice(-400) }), 'wget from the attached shell');
  await t.screenshot('run-it-shell');
  // The inspector's kubectl runs at the learner's prompt, not in the attached shell.
  assert.equal((await insp.textContent()).includes('not found'), false, 'inspector output while attached');
  await run(page, 'exit');
  await until(async () => ({ ok: (await termText(page)).includes('pod "dbg" deleted'), t: (await termText(page)).slice(-400) }), 'the --rm pod deleted on exit');
  await page.locator('.kp-prompt', { hasText: '$' }).waitFor();
  await run(page, 'kubectl explain svc.spec.sessionAffinity');
  await until(async () => ({ ok: (await termText(page)).includes('FIELD: sessionAffinity <string>'), t: (await termText(page)).slice(-400) }), 'explain, its schema fetched after start-up');
  await run(page, 'clear');

  t.step('Send traffic from outside counts hits per pod (NodePort)');
  const editor = page.getByRole('textbox', { name: 'Manifest' });
  const text = await editor.inputValue();
  const nodePort = text.replace(
    /spec:\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n    targetPort: 80\n?$/,
    'spec:\n  type: NodePort\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n    targetPort: 80\n    nodePort: 30080\n',
  );
  assert.notEqual(nodePort, text, 'the Service was rewritten');
  await editor.fill(nodePort);
  await editor.press('Control+Enter');
  await page.getByText('service/nginx configured').waitFor();
  await page.locator('svg g[aria-label^="Service nginx, NodePort"][aria-label*="80:30080/TCP"]').waitFor();
  assert.ok((await page.locator('.kp-nodeport', { hasText: ':30080' }).count()) >= 3, 'a NodePort badge on every node');
  await page.locator('svg g[aria-label^="Service nginx,"]').click();
  await page.getByRole('button', { name: 'Send traffic' }).click();
  const result = page.getByRole('status');
  await result.getByText('10 requests').waitFor();
  assert.ok((await page.locator('.kp-hits').count()) >= 1, 'hit badges on pods');
  await t.screenshot('nodeport-traffic');

  t.step('a wrong selector is explained label by label');
  await run(page, 'kubectl run typo --image=nginx:1.27 --labels=app=ngnix');
  await page.getByText('pod/typo created').waitFor();
  await page.locator('svg g[aria-label^="Service nginx,"]').click();
  const verdicts = page.getByRole('list', { name: 'Pods and this Service' });
  await verdicts.getByText('`app=ngnix` is not `app=nginx`').waitFor();
  await verdicts.getByText(/debug: not selected - no label `app`/).waitFor();
  await t.screenshot('selector-explained');

  t.step('LoadBalancer: <pending> until the Load-balancer controller is switched on');
  await run(page, 'kubectl expose deployment nginx --name=web-lb --type=LoadBalancer --port=80');
  await page.getByText('service/web-lb exposed').waitFor();
  await page.locator('svg g[aria-label^="Service web-lb, LoadBalancer"][aria-label$=", external <pending>"]').waitFor();
  const lb = page.getByRole('switch', { name: 'Load-balancer controller' });
  await lb.click();
  assert.equal(await lb.getAttribute('aria-checked'), 'true');
  await page.locator('svg g[aria-label^="Service web-lb, LoadBalancer"][aria-label*=", external 172.18.255."]').waitFor();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await t.screenshot('loadbalancer-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  t.step('the phone layout stacks');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 390, `no horizontal scroll on a phone: ${w}`);
  await t.screenshot('phone');

  assert.equal(t.consoleErrors.length, 0, `console errors: ${t.consoleErrors.join('\n')}`);
}
