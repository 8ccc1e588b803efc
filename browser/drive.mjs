/**
 * Drive headless Chromium (chromium-headless-shell) with puppeteer-core: open pages, wait for
 * each to finish, print one JSON report on stdout.
 *
 *   node browser/drive.mjs --chromium /usr/bin/chromium-headless-shell \
 *       [--sequential] [--timeout 120] [--screenshot out.png [--screenshot-page 0]] URL...
 *
 * A page is finished when `window.__threepio.done` is true; its `window.__threepio.report` is
 * collected. Pages open together (federated workers wait for each other) unless --sequential
 * (timings are then not disturbed by other pages). The screenshot is taken of one page after
 * it finished. Chromium starts with a fresh profile directory and the flags that keep it off
 * the network (only localhost is reachable here); SwiftShader provides WebGL without a GPU.
 *
 * Output: {"launch_ms", "chromium", "pages": [{url, ok, report, console, errors, ms}]}.
 * Exit code 0 when every page reported ok, 1 otherwise, 2 on a usage or launch error.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import puppeteer from 'puppeteer-core';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--no-default-browser-check',
  '--disable-domain-reliability', '--disable-client-side-phishing-detection',
  '--metrics-recording-only', '--no-pings', '--disable-breakpad',
  // WebGL on the CPU (SwiftShader), since there is no GPU
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

function parseArgs(argv) {
  const opts = { chromium: process.env.THREEPIO_CHROMIUM, sequential: false, timeout: 120,
    screenshot: null, screenshotPage: 0, urls: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--chromium') opts.chromium = argv[++i];
    else if (a === '--sequential') opts.sequential = true;
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--screenshot') opts.screenshot = argv[++i];
    else if (a === '--screenshot-page') opts.screenshotPage = Number(argv[++i]);
    else if (a.startsWith('http://127.0.0.1:') || a.startsWith('http://localhost:')) {
      opts.urls.push(a);
    } else throw new Error(`unexpected argument ${a} (URLs must be on localhost)`);
  }
  if (!opts.chromium) throw new Error('--chromium PATH (or THREEPIO_CHROMIUM) is required');
  if (!opts.urls.length) throw new Error('no URL given');
  return opts;
}

async function runPage(browser, url, index, opts) {
  const page = await browser.newPage();
  const result = { url, ok: false, report: null, console: [], errors: [], ms: 0 };
  page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`.slice(0, 2000)));
  page.on('pageerror', (e) => result.errors.push(String(e.message ?? e)));
  page.on('requestfailed', (r) => result.errors.push(`request failed: ${r.url()} `
    + `${r.failure()?.errorText ?? ''}`));
  await page.setViewport({ width: 1000, height: 760 });
  const t0 = performance.now();
  try {
    await page.goto(url, { waitUntil: 'load', timeout: opts.timeout * 1000 });
    await page.waitForFunction(() => window.__threepio && window.__threepio.done,
      { timeout: opts.timeout * 1000, polling: 50 });
    const state = await page.evaluate(() => window.__threepio);
    result.ok = !!state.ok;
    result.report = state.report ?? null;
  } catch (e) {
    result.errors.push(`driver: ${e.message ?? e}`);
    try {
      result.report = await page.evaluate(() => window.__threepio?.report ?? null);
    } catch { /* the page is gone */ }
  }
  result.ms = performance.now() - t0;
  if (opts.screenshot && index === opts.screenshotPage) {
    await page.screenshot({ path: opts.screenshot, fullPage: true });
    result.screenshot = opts.screenshot;
  }
  await page.close();
  return result;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`drive.mjs: ${e.message}`);
    return 2;
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'threepio-chromium-'));
  const t0 = performance.now();
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: opts.chromium, headless: 'shell', userDataDir: profile, args: FLAGS,
      timeout: opts.timeout * 1000, protocolTimeout: opts.timeout * 1000,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    console.error(`drive.mjs: cannot start ${opts.chromium}: ${e.message ?? e}`);
    return 2;
  }
  const out = { launch_ms: performance.now() - t0, chromium: await browser.version(), pages: [] };
  try {
    if (opts.sequential) {
      for (const [i, url] of opts.urls.entries()) out.pages.push(await runPage(browser, url, i, opts));
    } else {
      out.pages = await Promise.all(opts.urls.map((url, i) => runPage(browser, url, i, opts)));
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out));
  return out.pages.every((p) => p.ok) ? 0 : 1;
}

process.exitCode = await main();
