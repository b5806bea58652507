// Traffic made visible (issue 6): "Send traffic" animates each request along its trace -
// a DNS question to CoreDNS, then the Service's virtual IP, then the pod kube-proxy
// chose - and the hit badges count the requests per pod, so random balancing and
// session affinity show; a wget typed in the terminal animates its trace the same way.
// The packets are `.kp-packet` circles with data-kind (dns|request), data-from,
// data-service, data-pod; a packet that reached its end has data-arrived.
import assert from 'node:assert/strict';
import { debugWget, labels, podName, run, until } from '../lib.mjs';

const NGINX_POD = 'svg g[role="button"][aria-label^="Pod nginx-"]';

// Every packet of the current batch: kind, from, service, pod, arrived.
const packets = (page) =>
  page.locator('.kp-packet').evaluateAll((cs) =>
    cs.map((c) => ({
      kind: c.dataset.kind,
      from: c.dataset.from,
      service: c.dataset.service ?? null,
      pod: c.dataset.pod ?? null,
      dns: c.dataset.dns ?? null,
      arrived: c.dataset.arrived === 'true',
    })),
  );

// The packets of a batch that all arrived, with `n` requests.
async function batch(page, n, what) {
  const r = await until(async () => {
    const ps = await packets(page);
    const req = ps.filter((p) => p.kind === 'request');
    return { ok: req.length === n && ps.every((p) => p.arrived), ps };
  }, what, 15000);
  return r.ps;
}

async function hits(page) {
  const ls = await page.locator('.kp-hits').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
  return ls.reduce((sum, l) => sum + Number(l.split(' ')[0]), 0);
}

export default async function (t) {
  const { page } = t;
  await page.goto(t.baseUrl, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('service/nginx created').waitFor();
  const ready = await until(async () => {
    const l = await labels(page, NGINX_POD);
    return { ok: l.length === 3 && l.every((x) => x.includes('Running, Ready')), l };
  }, '3 ready nginx pods');
  const nginx = ready.l.map(podName);
  assert.equal(await page.locator('.kp-packet').count(), 0, 'no packets before any traffic');
  await page.getByRole('img', { name: /^CoreDNS/ }).waitFor();

  t.step('Send traffic from a pod: 10 DNS questions, 10 requests through the Service to pods');
  await page.locator('svg g[aria-label^="Service nginx,"]').click();
  const source = `default/${nginx[0]}`;
  await page.getByRole('combobox', { name: 'Traffic source' }).selectOption(source);
  await page.getByRole('button', { name: 'Send traffic' }).click();
  await page.locator('.kp-packet[data-kind="request"]').first().waitFor({ state: 'attached' });
  await page.waitForTimeout(900);
  await t.screenshot('packets-in-flight');
  const first = await batch(page, 10, '10 requests arrive');
  const req = first.filter((p) => p.kind === 'request');
  const dns = first.filter((p) => p.kind === 'dns');
  assert.equal(dns.length, 10, `a DNS question per request: ${JSON.stringify(first)}`);
  for (const d of dns) {
    assert.equal(d.from, nginx[0]);
    assert.match(d.dns, /nginx\.default\.svc\.cluster\.local/);
    assert.match(d.pod, /^coredns-/);
  }
  for (const p of req) {
    assert.equal(p.from, nginx[0]);
    assert.equal(p.service, 'default/nginx');
    assert.ok(nginx.includes(p.pod), `a request reached an nginx pod: ${p.pod}`);
  }
  const spread = new Set(req.map((p) => p.pod));
  assert.ok(spread.size >= 2, `iptables picks at random: ${[...spread]}`);
  const status = page.getByRole('status');
  await status.getByText('10 requests').waitFor();
  assert.equal(await hits(page), 10, 'the hit badges count 10 requests');
  await t.screenshot('packets-arrived');

  t.step('again: a new batch animates and the hit counts grow');
  await page.getByRole('button', { name: 'Send traffic' }).click();
  await until(async () => ({ ok: (await hits(page)) === 20, h: await hits(page) }), 'hits reach 20');
  await batch(page, 10, 'the second batch arrives');

  t.step('session affinity: every request of a batch reaches the same pod');
  await run(page, `kubectl patch service nginx -p '{"spec":{"sessionAffinity":"ClientIP"}}'`);
  await page.getByText('service/nginx patched').waitFor();
  await page.locator('svg g[aria-label^="Service nginx,"]').click();
  await page.getByRole('combobox', { name: 'Traffic source' }).selectOption(source);
  await page.getByRole('button', { name: 'Send traffic' }).click();
  await page.waitForTimeout(300);
  const sticky = (await batch(page, 10, 'the affinity batch arrives')).filter((p) => p.kind === 'request');
  assert.equal(new Set(sticky.map((p) => p.pod)).size, 1, `ClientIP affinity: ${JSON.stringify(sticky)}`);
  await t.screenshot('session-affinity');

  t.step('a wget typed in the terminal animates DNS -> Service -> pod');
  await debugWget(page);
  await page.locator('.kp-packet[data-from="debug"]').first().waitFor({ state: 'attached' });
  await page.waitForTimeout(450);
  await t.screenshot('wget-in-flight');
  const wget = await batch(page, 1, 'the wget trace arrives');
  assert.equal(wget.length, 2, `one DNS question and one request: ${JSON.stringify(wget)}`);
  assert.equal(wget[0].kind, 'dns');
  assert.match(wget[0].dns, /nginx\.default\.svc\.cluster\.local/);
  assert.equal(wget[1].from, 'debug');
  assert.equal(wget[1].service, 'default/nginx');
  assert.ok(nginx.includes(wget[1].pod), `wget reached an nginx pod: ${wget[1].pod}`);

  t.step('nslookup animates a DNS question only');
  await run(page, 'kubectl exec debug -- nslookup nginx');
  await page.getByRole('region', { name: 'Terminal output' }).getByText('Name:\tnginx.default.svc.cluster.local').first().waitFor();
  const ns = await until(async () => {
    const ps = await packets(page);
    return { ok: ps.length >= 1 && ps.every((p) => p.kind === 'dns' && p.arrived), ps };
  }, 'the nslookup question arrives', 15000);
  assert.equal(ns.ps[0].from, 'debug');
  await t.screenshot('nslookup');
}
