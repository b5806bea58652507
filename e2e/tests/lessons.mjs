// Every built-in lesson: pick it from the "Lessons" menu, follow its steps the way a
// learner does (put the step's manifest in the editor and Apply, type the commands in
// the terminal, press the lesson's buttons, let the clock run) and see every check
// turn green. One screenshot per lesson.
import assert from 'node:assert/strict';

async function waitFor(what, fn, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last.ok) return last.value;
    if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(last.value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Simulated milliseconds a step waits for, from its label (the lesson data's Wait steps).
const WAITS = { 'Wait for the rollout': 30000 };
const SPEED = 4;

export default async function (t) {
  const { page } = t;
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  const menu = page.getByRole('combobox', { name: 'Lessons' });
  await menu.waitFor();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption(`${SPEED}x`);
  const ids = await menu.locator('option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
  assert.equal(ids.length, 10, `ten lessons: ${ids}`);
  const term = page.getByRole('textbox', { name: 'Terminal' });
  const out = page.getByRole('region', { name: 'Terminal output' });
  const panel = page.getByRole('region', { name: 'Lesson' });

  for (const id of ids) {
    await menu.selectOption(id);
    const title = await panel.locator('h2').textContent();
    t.step(`lesson ${title}`);
    const checks = panel.locator('.kp-check');
    const n = await checks.count();
    assert.ok(n >= 1, 'the lesson has checks');
    assert.equal(await panel.locator('.kp-check[data-passed="true"]').count(), 0, 'no check passes before the steps');
    const steps = panel.locator('.kp-lesson-todo > li');
    const count = await steps.count();
    for (let i = 0; i < count; i += 1) {
      const step = steps.nth(i);
      const text = (await step.textContent()).trim();
      const use = step.getByRole('button', { name: 'Use this manifest' });
      const code = step.locator('code');
      const lb = step.getByRole('button', { name: 'Turn on the load-balancer controller' });
      if (await use.count()) {
        await use.click();
        await page.getByRole('button', { name: 'Apply' }).click();
      } else if ((await step.getByText('(in the editor)').count()) > 0) {
        await page.getByRole('button', { name: 'Apply' }).click();
      } else if (await code.count()) {
        const line = await code.textContent();
        const before = await out.locator(`text=${'$ '}`).count().catch(() => 0);
        await term.fill(line);
        await term.press('Enter');
        await waitFor(`"${line}" ran`, async () => {
          const now = await out.textContent();
          return { ok: now.includes(line), value: before };
        });
      } else if (await lb.count()) {
        await lb.click();
      } else if (text.startsWith('Wait')) {
        const ms = WAITS[text] ?? 10000;
        await page.waitForTimeout(ms / SPEED + 500);
      }
      // Let the clock tick once so the checks see the step's effect.
      await page.waitForTimeout(600);
    }
    await waitFor(`${id}: every check passes`, async () => {
      const states = await checks.evaluateAll((ls) => ls.map((l) => `${l.getAttribute('aria-label')}`));
      return { ok: states.every((s) => s.endsWith(': passed')), value: states };
    }, 20000);
    await t.screenshot(`lesson-${id}`);
  }
  assert.equal(t.consoleErrors.length, 0, t.consoleErrors.join('\n'));
}
