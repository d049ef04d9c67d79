// Browser tests of the dashboard frontend against a running generated stack.
//
// Debian's Chromium (never a downloaded browser) is driven by playwright-core.
// Run with node's own test runner:
//
//   DASHBOARD_URL=http://127.0.0.1:3000/ INGEST_URL=http://127.0.0.1:8080 \
//     node --test --test-concurrency=1 tests/browser/dashboard.test.mjs
//
// Environment:
//   DASHBOARD_URL      the dashboard backend serving dashboard-frontend/dist (required;
//                      every test is skipped without it)
//   INGEST_URL         the ingestion API (required for the ingest tests)
//   SCREENSHOT         where to save a screenshot of the populated page
//                      (default build/dashboard.png, relative to the working directory)
//   CHROMIUM           the browser binary (default /usr/bin/chromium)
//   ORDER_EXAMPLE      the order to post (default config/examples/tpch/order.example.json)
//   APPEAR_LIMIT_MS    how soon a posted order must be on screen (default 1000)
//   BACKEND_STOP_CMD   shell command that kills the dashboard backend; enables the
//                      "backend killed" test
//   BACKEND_START_CMD  shell command that starts it again (must return once it is
//                      started, e.g. by backgrounding it); enables the "restarted" test
//   BACKEND_DOWN_LIMIT_MS  how soon the page must show the outage (default 5000)
//   BACKEND_UP_LIMIT_MS    how soon the page must be live again (default 20000)
//
// The tests share one browser and run in order: load → ingest → screenshot →
// backend killed → backend restarted.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const DASHBOARD_URL = env.DASHBOARD_URL;
const INGEST_URL = env.INGEST_URL?.replace(/\/+$/, '');
const SCREENSHOT = resolve(env.SCREENSHOT || 'build/dashboard.png');
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
const ORDER_EXAMPLE = env.ORDER_EXAMPLE || join(here, '../../config/examples/tpch/order.example.json');
const APPEAR_LIMIT_MS = Number(env.APPEAR_LIMIT_MS || 1000);
const DOWN_LIMIT_MS = Number(env.BACKEND_DOWN_LIMIT_MS || 5000);
const UP_LIMIT_MS = Number(env.BACKEND_UP_LIMIT_MS || 20000);
const STOP_CMD = env.BACKEND_STOP_CMD;
const START_CMD = env.BACKEND_START_CMD;

const ORDER = 'Order';
const LINE_ITEM = 'OrderLineItem';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** GET /api/entities: an array of entities or {entities: [...]}. */
async function entityNames() {
  const res = await fetch(new URL('api/entities', DASHBOARD_URL));
  assert.equal(res.status, 200, 'GET /api/entities');
  const body = await res.json();
  const list = Array.isArray(body) ? body : body.entities;
  assert.ok(Array.isArray(list), '/api/entities returns a list of entities');
  return list.map((e) => e.name);
}

function runHook(name, cmd) {
  const r = spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 2, 2], timeout: 60000 });
  assert.equal(r.status, 0, `${name} (${cmd}) exited with ${r.status ?? r.signal}`);
}

/** Watches a page for console errors and uncaught exceptions. */
function watchErrors(page, sink) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') sink.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => sink.push(`pageerror: ${err.message}`));
}

const statusOf = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid=connection-status]');
    return el ? { text: el.textContent, color: el.getAttribute('data-color') } : null;
  });

function waitConnected(page, timeout) {
  return page.waitForFunction(
    () => document.querySelector('[data-testid=connection-status]')?.textContent === 'Connected',
    null,
    { timeout, polling: 50 },
  );
}

/** Resolves once `page` shows the order row and all of its line items. */
function waitForOrder(page, orderKey, lineCount, timeout) {
  return page.waitForFunction(
    ({ orderKey, lineCount, ORDER, LINE_ITEM }) => {
      const cells = (entity) =>
        Array.from(
          document.querySelectorAll(`[data-testid=entity-card][data-entity="${entity}"] tbody td[data-col=order_key]`),
        ).filter((td) => td.textContent === orderKey).length;
      return cells(ORDER) === 1 && cells(LINE_ITEM) === lineCount;
    },
    { orderKey: String(orderKey), lineCount, ORDER, LINE_ITEM },
    { timeout, polling: 25 },
  );
}

describe('dashboard in Chromium', { skip: DASHBOARD_URL ? false : 'DASHBOARD_URL is not set' }, () => {
  let context;
  let userDataDir;
  let pages = [];
  const errors = [];
  let posted = null; // { orderKey, lineCount }

  before(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'nomnom-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
    });
    for (let i = 0; i < 2; i++) {
      const page = i === 0 && context.pages().length > 0 ? context.pages()[0] : await context.newPage();
      watchErrors(page, errors);
      pages.push(page);
    }
  });

  after(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test('loads with no console errors, shows "Connected" and one card per entity', async () => {
    const names = await entityNames();
    assert.ok(names.length > 0, 'the backend describes at least one entity');
    for (const page of pages) {
      await page.goto(DASHBOARD_URL, { waitUntil: 'load' });
      await waitConnected(page, 10000);
      const status = await statusOf(page);
      assert.deepEqual(status, { text: 'Connected', color: 'green' });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=entity-card]').length === n, names.length, {
        timeout: 5000,
      });
      const cards = await page.$$eval('[data-testid=entity-card]', (els) => els.map((e) => e.getAttribute('data-entity')));
      assert.deepEqual([...cards].sort(), [...names].sort());
      assert.equal(await page.locator('[role=alert]').count(), 0, 'no error banner while connected');
    }
    // Give late errors (e.g. a failing request right after load) a moment to show.
    await pages[0].waitForTimeout(300);
    assert.deepEqual(errors, [], 'no console errors');
  });

  test(
    `a posted order shows up in the ${ORDER} and ${LINE_ITEM} cards of two pages within ${APPEAR_LIMIT_MS} ms`,
    { skip: INGEST_URL ? false : 'INGEST_URL is not set' },
    async () => {
      const order = JSON.parse(readFileSync(ORDER_EXAMPLE, 'utf8'));
      // A fresh business key, so the upsert inserts new rows (a safe integer).
      const orderKey = Date.now() * 1000 + Math.floor(Math.random() * 1000);
      order.order_key = orderKey;
      const lineCount = order.line_items.length;

      const waits = pages.map((page) => waitForOrder(page, orderKey, lineCount, APPEAR_LIMIT_MS + 9000));
      const t0 = Date.now();
      const res = await fetch(`${INGEST_URL}/ingest/${ORDER}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(order),
      });
      const body = await res.text();
      assert.equal(res.status, 202, `POST /ingest/${ORDER}: ${body}`);
      await Promise.all(waits);
      const elapsed = Date.now() - t0;
      posted = { orderKey, lineCount };
      assert.ok(elapsed <= APPEAR_LIMIT_MS, `the order appeared after ${elapsed} ms (limit ${APPEAR_LIMIT_MS} ms)`);
      assert.deepEqual(errors, [], 'no console errors');
    },
  );

  test('saves a screenshot of the populated dashboard', async () => {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    // Let the new-row highlight fade so the picture shows the resting state.
    await pages[0].waitForTimeout(2800);
    await pages[0].screenshot({ path: SCREENSHOT, fullPage: false });
    assert.ok(readFileSync(SCREENSHOT).length > 1000, `screenshot written to ${SCREENSHOT}`);
  });

  test(
    `backend killed → red indicator and error banner within ${DOWN_LIMIT_MS} ms`,
    { skip: STOP_CMD ? false : 'BACKEND_STOP_CMD is not set' },
    async () => {
      const t0 = Date.now();
      runHook('BACKEND_STOP_CMD', STOP_CMD);
      for (const page of pages) {
        await page.waitForFunction(
          () => {
            const el = document.querySelector('[data-testid=connection-status]');
            const text = el?.textContent;
            return (
              (text === 'Disconnected' || text === 'Reconnecting…') &&
              el.getAttribute('data-color') === 'red' &&
              document.querySelector('[role=alert]') !== null
            );
          },
          null,
          { timeout: Math.max(100, DOWN_LIMIT_MS - (Date.now() - t0)), polling: 50 },
        );
      }
      const banner = await pages[0].locator('[role=alert]').textContent();
      assert.match(banner, /backend/i);
    },
  );

  test(
    `backend restarted → "Connected" again within ${UP_LIMIT_MS} ms, rows back, no duplicates`,
    { skip: STOP_CMD && START_CMD ? false : 'BACKEND_STOP_CMD and BACKEND_START_CMD are not both set' },
    async () => {
      const t0 = Date.now();
      runHook('BACKEND_START_CMD', START_CMD);
      for (const page of pages) {
        await waitConnected(page, Math.max(100, UP_LIMIT_MS - (Date.now() - t0)));
        await page.waitForFunction(() => document.querySelector('[role=alert]') === null, null, { timeout: 5000 });
        if (posted) await waitForOrder(page, posted.orderKey, posted.lineCount, 5000);
        // Each card shows every row once (rows are deduplicated by primary key).
        const dupes = await page.$$eval('[data-testid=entity-card]', (cards) =>
          cards
            .map((card) => {
              const keys = Array.from(card.querySelectorAll('tbody tr')).map((tr) => tr.getAttribute('data-key'));
              return keys.length === new Set(keys).size ? null : card.getAttribute('data-entity');
            })
            .filter(Boolean),
        );
        assert.deepEqual(dupes, [], 'cards with duplicate rows');
        assert.deepEqual(await statusOf(page), { text: 'Connected', color: 'green' });
      }
    },
  );
});
