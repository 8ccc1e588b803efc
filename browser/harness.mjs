/**
 * Browser test harness (harness.html): runs one threepio case on one TF.js backend, as an op
 * list through the runtime (executor.mjs) and as a generated ES module, then posts the outputs
 * and timings to the server.
 *
 * The case manifest (default /case/manifest.json):
 *   {name, plan: url of the tfjs plan JSON, module: url of the generated module,
 *    inputs: [{name, dtype, shape, url}], repeats, result: url to POST results to}
 * Inputs are raw little-endian bytes. The POST body is one frame: u32le header length, UTF-8
 * JSON header {report, outputs: {oplist: [desc], module: [desc]}}, then the tensors' bytes
 * (desc = {name, dtype, shape, offset, nbytes}, as in runtime/node_worker.mjs).
 *
 * When done, window.__threepio = {done: true, ok, report}; report holds the timings (ms):
 * tf_ready (navigation start -> TF.js ready: page load), case_load, oplist_load, module_load,
 * and per variant first (first run: constants, shader compilation) and step (median of the
 * repeats; each run ends when every output's data is read back).
 */

import { loadPlan, runPlan } from '/threepio/executor.mjs';
import { loadTf } from '/browser/tfjs.mjs';

const TYPED = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };
const query = new URLSearchParams(location.search);
const backend = query.get('backend') ?? 'cpu';
const caseUrl = query.get('case') ?? '/case/manifest.json';
const report = { backend, case: caseUrl, timings: {}, memory: {} };
const logEl = document.getElementById('log');
window.__threepio = { done: false };

function log(line) {
  logEl.textContent += `${line}\n`;
}

function status(text, cls = '') {
  const el = document.getElementById('status');
  el.textContent = text;
  el.className = cls;
}

async function fetchOk(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
  return r;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Run `fn` (returning output tensors) 1 + repeats times; keep the first run's outputs. */
async function timeRuns(tf, fn, repeats) {
  const sync = (outs) => Promise.all(outs.map((t) => t.data()));
  let t = performance.now();
  const first = await fn();
  const data = await sync(first);
  const firstMs = performance.now() - t;
  const times = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    const outs = await fn();
    await sync(outs);
    times.push(performance.now() - t);
    outs.forEach((o) => o.dispose());
  }
  const descs = first.map((o, i) => ({ dtype: o.dtype, shape: o.shape, data: data[i] }));
  first.forEach((o) => o.dispose());
  return { first: firstMs, step: median(times), steps: times, outputs: descs };
}

function frame(header, parts) {
  const head = new TextEncoder().encode(JSON.stringify(header));
  const size = 4 + head.length + parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let at = 4 + head.length;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return out;
}

async function main() {
  status(`loading TF.js (${backend})…`);
  const { tf, info } = await loadTf(backend);
  report.timings.tf_ready = performance.now();
  report.info = info;
  log(`TF.js ${info.version} on ${tf.getBackend()} after ${report.timings.tf_ready.toFixed(0)} ms`
    + (info.webgl ? ` (WebGL ${info.webgl.version}: ${info.webgl.renderer})` : ''));

  let t = performance.now();
  const manifest = await (await fetchOk(caseUrl)).json();
  const inputs = await Promise.all(manifest.inputs.map(async (d) => {
    const buf = await (await fetchOk(d.url)).arrayBuffer();
    return tf.tensor(new TYPED[d.dtype](buf), d.shape, d.dtype);
  }));
  report.timings.case_load = performance.now() - t;
  const repeats = manifest.repeats ?? 5;
  const base = tf.memory().numTensors;

  status('running the op list…');
  t = performance.now();
  const plan = loadPlan(tf, await (await fetchOk(manifest.plan)).json());
  report.timings.oplist_load = performance.now() - t;
  const oplist = await timeRuns(tf, () => runPlan(tf, plan, inputs), repeats);
  plan.dispose();
  log(`op list: load ${report.timings.oplist_load.toFixed(1)} ms, first run `
    + `${oplist.first.toFixed(1)} ms, step ${oplist.step.toFixed(2)} ms (median of ${repeats})`);

  status('running the generated module…');
  t = performance.now();
  const mod = await import(manifest.module);
  report.timings.module_load = performance.now() - t;
  const generated = await timeRuns(tf, () => mod.run(tf, inputs), repeats);
  mod.dispose(tf);
  log(`module: load ${report.timings.module_load.toFixed(1)} ms, first run `
    + `${generated.first.toFixed(1)} ms, step ${generated.step.toFixed(2)} ms`);

  report.memory.leaked_tensors = tf.memory().numTensors - base;
  inputs.forEach((x) => x.dispose());
  for (const [k, v] of [['oplist', oplist], ['module', generated]]) {
    report.timings[`${k}_first`] = v.first;
    report.timings[`${k}_step`] = v.step;
    report.timings[`${k}_steps`] = v.steps;
  }

  const parts = [];
  let offset = 0;
  const describe = (outs) => outs.map((o, i) => {
    let { data } = o;
    if (!(data instanceof TYPED[o.dtype])) data = TYPED[o.dtype].from(data);
    const d = { name: manifest.outputs?.[i] ?? `out${i}`, dtype: o.dtype, shape: o.shape,
      offset, nbytes: data.byteLength };
    parts.push(data);
    offset += data.byteLength;
    return d;
  });
  const header = { report, outputs: { oplist: describe(oplist.outputs),
    module: describe(generated.outputs) } };
  const r = await fetch(manifest.result ?? '/result', { method: 'POST',
    body: frame(header, parts) });
  if (!r.ok) throw new Error(`posting the results: ${r.status} ${await r.text()}`);
}

main().then(() => {
  status(`done on ${backend}`, 'ok');
  window.__threepio = { done: true, ok: true, report };
}, (e) => {
  report.error = String(e && e.stack ? e.stack : e);
  status(`failed: ${e.message ?? e}`, 'fail');
  log(report.error);
  window.__threepio = { done: true, ok: false, report };
});
