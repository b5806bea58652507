// kubectl debug -it POD --image=busybox opens the in-pod prompt in the new ephemeral
// container (as kubectl exec -it POD -- sh does); its lines run there, with the pod's
// network; exit ends the container (kubectl's reattach message) and the prompt is back.
import assert from 'node:assert/strict';
import { run, until } from '../lib.mjs';

export default async function (t) {
  const { page } = t;
  const out = page.getByRole('region', { name: 'Terminal output' });
  const prompt = page.locator('.kp-term-input .kp-prompt');
  const termText = () => out.textContent();

  t.step('an nginx pod runs');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await run(page, 'kubectl run web --image=nginx:1.27');
  await out.getByText('pod/web created').waitFor();
  await until(async () => {
    const l = await page.locator('svg g[aria-label^="Pod web,"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
    return { ok: l.length === 1 && l[0].includes('Running'), l };
  }, 'web running');

  t.step('kubectl debug -it web --image=busybox: the hint, then the in-pod prompt');
  await run(page, 'kubectl debug -it web --image=busybox --profile=general --target=web');
  await out.getByText("If you don't see a command prompt, try pressing enter.").waitFor();
  const opened = await termText();
  assert.match(opened, /Targeting container "web"\./);
  assert.match(opened, /Defaulting debug container name to debugger-[a-z0-9]{5}\./);
  const name = opened.match(/debugger-[a-z0-9]{5}/)[0];
  await until(async () => ({ ok: (await prompt.textContent()).trim() === '/ #', p: await prompt.textContent() }), 'the in-pod prompt');

  t.step('lines run in the debug container, which shares the pod network');
  await run(page, 'wget -qO- localhost | grep title');
  await until(async () => ({ ok: (await termText()).includes('<title>Welcome to nginx!</title>'), t: (await termText()).slice(-300) }), 'nginx through localhost');
  await t.screenshot('debug-shell');

  t.step('exit ends the session and the ephemeral container');
  await run(page, 'exit');
  await out.getByText(`may be reattached using 'kubectl attach web -c ${name} -i -t' if it is still running`).waitFor();
  await until(async () => ({ ok: (await prompt.textContent()).trim() === '$', p: await prompt.textContent() }), 'the $ prompt');
  await run(page, `kubectl get pod web -o jsonpath='{.status.ephemeralContainerStatuses[0].state.terminated.reason}'`);
  await until(async () => ({ ok: (await termText()).trimEnd().endsWith('Completed'), t: (await termText()).slice(-200) }), 'terminated');
  await run(page, `kubectl exec web -c ${name} -- sh`);
  await out.getByText(`error: unable to upgrade connection: container not found ("${name}")`).waitFor();
  await t.screenshot('debug-shell-ended');
}
