// The page ships a Content-Security-Policy that allows only its own scripts plus
// 'wasm-unsafe-eval' (TOOLCHAIN.md "Traps"), and works under it without console errors.
import assert from 'node:assert/strict';

export default async function (t) {
  const { page } = t;
  const violations = [];
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });

  t.step('the CSP meta is present and strict');
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  assert.ok(csp, 'a CSP meta tag');
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1)]),
  );
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['script-src'].sort(), ["'self'", "'wasm-unsafe-eval'"].sort());
  assert.ok(!csp.includes("'unsafe-eval'"), 'no unsafe-eval');
  assert.ok(!(directives['script-src'] || []).includes("'unsafe-inline'"), 'no inline scripts');
  const inline = await page.locator('script:not([src])').count();
  assert.equal(inline, 0, 'no inline <script> (it would be blocked)');

  t.step('the app runs under it: Apply works, no violations, no console errors');
  const apply = page.getByRole('button', { name: 'Apply' });
  await apply.waitFor({ state: 'visible' });
  await apply.click();
  await page.getByText(/created|configured|unchanged/).first().waitFor();
  await t.screenshot('csp-applied');
  assert.deepEqual(violations, [], 'no CSP violations');
  assert.deepEqual(t.consoleErrors, [], 'no console errors');
}
