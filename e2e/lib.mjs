// Helpers shared by the e2e tests (e2e/tests/*.mjs) and nothing else.
import assert from 'node:assert/strict';

/// Polls `fn` until it returns `{ ok: true, ... }`; fails with `what` and the last value.
export async function until(fn, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last && last.ok) return last;
    if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/// The accessible names of every element matching `sel`.
export const labels = (page, sel) =>
  page.locator(sel).evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));

/// "Pod NAME, ..." -> NAME.
export const podName = (label) => label.split(',')[0].replace(/^Pod /, '');

/// Types a line in the terminal and presses Enter.
export async function run(page, line) {
  const term = page.getByRole('textbox', { name: 'Terminal' });
  await term.fill(line);
  await term.press('Enter');
}

/// `kubectl run NAME --image=IMAGE -- sleep 3600` in the terminal, then waits until the
/// diagram shows the pod Running.
export async function startSleeper(page, name, image) {
  await run(page, `kubectl run ${name} --image=${image} --restart=Never -- sleep 3600`);
  await page.getByText(`pod/${name} created`).waitFor();
  await until(async () => {
    const l = await labels(page, `svg g[aria-label^="Pod ${name},"]`);
    return { ok: l.length === 1 && l[0].includes('Running'), l };
  }, `${name} running`);
}

/// `kubectl run debug` (alpine, sleeping) and wait until the diagram shows it Running;
/// then `kubectl exec debug -- wget -qO- http://nginx` and wait for nginx's page.
export async function debugWget(page) {
  await startSleeper(page, 'debug', 'alpine');
  await run(page, 'kubectl exec debug -- wget -qO- http://nginx');
  await page.getByRole('region', { name: 'Terminal output' }).getByText('Welcome to nginx!').first().waitFor();
}
