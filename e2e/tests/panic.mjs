// A panic must not leave a dead page: the panic hook (src/ui/mod.rs) shows a
// role="alert" banner. The page panics on purpose only with the TEST-ONLY fragment
// #__kubeplay_test_panic (checked at startup, used by nothing else).
import assert from 'node:assert/strict';

const BANNER = 'Something broke - your work is saved - reload';

export default async function (t) {
  const { page } = t;

  t.step('a normal load shows no banner');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('alert').filter({ hasText: BANNER }).count(), 0);

  t.step('the test-only fragment panics at startup: the banner appears');
  await page.goto(`${t.baseUrl}#__kubeplay_test_panic`, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  const alert = page.getByRole('alert').filter({ hasText: BANNER });
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent(), /Something broke - your work is saved - reload/);
  assert.equal(await alert.getByRole('link', { name: 'Reload' }).count(), 1);
  await t.screenshot('panic-banner');

  // The panic itself is logged (console error, wasm trap); those are expected here.
  const expected = /kubeplay panicked|test-only panic|kubeplay failed to start|unreachable|RuntimeError/;
  const unexpected = t.consoleErrors.filter((e) => !expected.test(e));
  assert.ok(
    t.consoleErrors.some((e) => /kubeplay panicked/.test(e)),
    `the panic was logged: ${JSON.stringify(t.consoleErrors)}`,
  );
  assert.deepEqual(unexpected, [], 'no other errors');
  t.consoleErrors.length = 0;
}
