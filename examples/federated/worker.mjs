/**
 * The federated worker page (worker.html?worker=K&backend=wasm|cpu|webgl).
 *
 * Per round: wait until the server has the round's global weights, download them, run `steps`
 * SGD steps of the translated training plan (threepio's op-list executor) on this worker's
 * synthetic digits, post the updated weights and the losses, show the server's verdict (its
 * PyTorch replay). The loss curve is drawn live on a canvas. When the federation is over,
 * window.__threepio = {done: true, ok, report} for the test driver.
 */

import { loadPlan, runPlan } from '/threepio/executor.mjs';
import { loadTf } from '/browser/tfjs.mjs';

import { dataset } from './digits.mjs';

const query = new URLSearchParams(location.search);
const worker = Number(query.get('worker') ?? 0);
const backend = query.get('backend') ?? 'wasm';
const $ = (id) => document.getElementById(id);
const report = { worker, backend, losses: [], accuracies: [], step_ms: [], verdicts: [] };
window.__threepio = { done: false };

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const frame = () => new Promise((resolve) => { requestAnimationFrame(() => resolve()); });

function status(text, cls = '') {
  $('status').textContent = text;
  $('status').className = cls;
}

/** The loss curve: one point per step, rounds separated, the server's verdict per round. */
function drawChart(cfg) {
  const canvas = $('chart');
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const g = canvas.getContext('2d');
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  const m = { l: 66, r: 16, t: 24, b: 40 };
  const total = cfg.rounds * cfg.steps;
  const ls = report.losses;
  let lo = ls.length ? Math.min(...ls) : 2.0;
  let hi = ls.length ? Math.max(...ls) : 2.4;
  const pad = Math.max((hi - lo) * 0.1, 0.02);
  lo -= pad;
  hi += pad;
  const x = (i) => m.l + ((w - m.l - m.r) * i) / Math.max(total - 1, 1);
  const y = (v) => m.t + ((h - m.t - m.b) * (hi - v)) / (hi - lo);
  g.font = '12px system-ui, sans-serif';
  g.strokeStyle = '#e3e6ee';
  g.fillStyle = '#6b7385';
  g.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {  // horizontal grid and loss labels
    const v = lo + ((hi - lo) * k) / 4;
    g.beginPath();
    g.moveTo(m.l, y(v));
    g.lineTo(w - m.r, y(v));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(v.toFixed(3), m.l - 8, y(v) + 4);
  }
  g.textAlign = 'center';
  for (let r = 0; r < cfg.rounds; r++) {  // rounds
    const x0 = x(r * cfg.steps) - (r ? (x(1) - x(0)) / 2 : 0);
    if (r) {
      g.setLineDash([4, 4]);
      g.strokeStyle = '#b8bfce';
      g.beginPath();
      g.moveTo(x0, m.t);
      g.lineTo(x0, h - m.b);
      g.stroke();
      g.setLineDash([]);
    }
    g.fillText(`round ${r + 1}`, x(r * cfg.steps + (cfg.steps - 1) / 2), m.t - 8);
  }
  const every = Math.ceil(total / 20);
  for (let i = 0; i < total; i += every) g.fillText(String(i + 1), x(i), h - m.b + 15);
  g.fillText('local step', (m.l + w - m.r) / 2, h - 4);
  g.save();
  g.translate(12, (m.t + h - m.b) / 2);
  g.rotate(-Math.PI / 2);
  g.fillText('loss', 0, 0);
  g.restore();
  g.strokeStyle = '#1d2330';
  g.beginPath();
  g.moveTo(m.l, m.t);
  g.lineTo(m.l, h - m.b);
  g.lineTo(w - m.r, h - m.b);
  g.stroke();
  if (ls.length) {  // the curve
    g.strokeStyle = '#2f6fde';
    g.lineWidth = 2;
    g.beginPath();
    ls.forEach((v, i) => (i ? g.lineTo(x(i), y(v)) : g.moveTo(x(i), y(v))));
    g.stroke();
    g.fillStyle = '#2f6fde';
    ls.forEach((v, i) => { g.beginPath(); g.arc(x(i), y(v), 2.5, 0, 2 * Math.PI); g.fill(); });
  }
  for (const v of report.verdicts) {  // the server's verdict at the end of each round
    const i = (v.round + 1) * cfg.steps - 1;
    if (i >= ls.length) continue;
    g.fillStyle = v.accepted ? '#1a7f37' : '#c62828';
    g.beginPath();
    g.arc(x(i), y(ls[i]), 6, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#fff';
    g.textAlign = 'center';
    g.fillText(v.accepted ? '✓' : '✗', x(i), y(ls[i]) + 4);
  }
}

async function fetchWeights(tf, r, specs) {
  const r2 = await fetch(`/api/weights.bin?round=${r}`);
  if (!r2.ok) throw new Error(`GET weights of round ${r}: ${r2.status}`);
  const buf = await r2.arrayBuffer();
  let at = 0;
  return specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(new Float32Array(buf, at, n), s.shape, 'float32');
    at += n * 4;
    return t;
  });
}

async function postUpdate(r, weights, header) {
  const datas = await Promise.all(weights.map((w) => w.data()));
  const head = new TextEncoder().encode(JSON.stringify(header));
  const size = 4 + head.length + datas.reduce((n, d) => n + d.byteLength, 0);
  const body = new Uint8Array(size);
  new DataView(body.buffer).setUint32(0, head.length, true);
  body.set(head, 4);
  let at = 4 + head.length;
  for (const d of datas) {
    body.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  const resp = await fetch(`/api/update?worker=${worker}&round=${r}`, { method: 'POST', body });
  const verdict = await resp.json();
  if (!resp.ok && verdict.accepted === undefined) throw new Error(`update refused: ${resp.status}`);
  return verdict;
}

function addVerdict(v) {
  const li = document.createElement('li');
  li.className = v.accepted ? 'accepted' : 'rejected';
  const losses = v.losses.length ? `, loss ${v.losses[0].toFixed(4)} → `
    + `${v.losses[v.losses.length - 1].toFixed(4)}` : '';
  li.textContent = `round ${v.round + 1}: ${v.accepted ? 'accepted' : 'REJECTED'} by the server`
    + ` — max |Δ| vs PyTorch ${v.max_abs_error.toExponential(1)}${losses}`
    + `${v.reason ? ` (${v.reason})` : ''}`;
  $('verdicts').appendChild(li);
}

async function main() {
  $('worker').textContent = `#${worker}`;
  status(`loading TF.js (${backend})…`);
  const { tf, info } = await loadTf(backend);
  report.tf_ready_ms = performance.now();
  $('backend').textContent = `${backend} · ${info.version}`;
  const cfg = await getJson(`/api/hello?worker=${worker}`);
  const t0 = performance.now();
  const plan = loadPlan(tf, await getJson('/api/plan'));
  report.plan_load_ms = performance.now() - t0;
  $('plan').textContent = `${cfg.plan.ops} ops`;
  const { X, y } = dataset(cfg.seed, cfg.steps);
  const xs = X.map((a) => tf.tensor(a, [cfg.batch, 784], 'float32'));
  const ys = y.map((a) => tf.tensor(a, [cfg.batch, 10], 'float32'));
  const lr = tf.scalar(cfg.lr, 'float32');
  const total = cfg.rounds * cfg.steps;
  $('progress').max = total;
  drawChart(cfg);
  for (let r = 0; r < cfg.rounds; r++) {
    status(`round ${r + 1}: waiting for the global weights…`);
    for (;;) {
      const state = await getJson('/api/round');
      if (state.round === r) break;
      if (state.round > r || state.done) throw new Error(`the server moved on to ${state.round}`);
      await sleep(100);
    }
    $('round').textContent = `${r + 1} / ${cfg.rounds}`;
    let weights = await fetchWeights(tf, r, cfg.weights);
    for (let s = 0; s < cfg.steps; s++) {
      status(`round ${r + 1}: training step ${s + 1} of ${cfg.steps}`);
      const t = performance.now();
      const inputs = { X: xs[s], y: ys[s], lr };
      cfg.weights.forEach((spec, i) => { inputs[spec.name] = weights[i]; });
      const [loss, acc, ...next] = runPlan(tf, plan, inputs);
      const [l, a] = await Promise.all([loss.data(), acc.data(), ...next.map((n) => n.data())]);
      report.step_ms.push(performance.now() - t);
      report.losses.push(l[0]);
      report.accuracies.push(a[0]);
      [loss, acc, ...weights].forEach((x) => x.dispose());
      weights = next;
      $('loss').textContent = l[0].toFixed(4);
      $('steptime').textContent = `${report.step_ms[report.step_ms.length - 1].toFixed(1)} ms`;
      $('progress').value = r * cfg.steps + s + 1;
      drawChart(cfg);
      await frame();
    }
    status(`round ${r + 1}: sending the update…`);
    const losses = report.losses.slice(-cfg.steps);
    const verdict = await postUpdate(r, weights, { losses,
      accuracies: report.accuracies.slice(-cfg.steps), step_ms: report.step_ms.slice(-1)[0] });
    weights.forEach((x) => x.dispose());
    report.verdicts.push({ ...verdict, round: r, losses });
    addVerdict(report.verdicts[report.verdicts.length - 1]);
    drawChart(cfg);
  }
  status('waiting for the last average…');
  while (!(await getJson('/api/round')).done) await sleep(100);
  [...xs, ...ys, lr].forEach((x) => x.dispose());
  plan.dispose();
  report.leaked_tensors = tf.memory().numTensors;
  const accepted = report.verdicts.filter((v) => v.accepted).length;
  status(`done: ${total} steps in ${cfg.rounds} rounds, ${accepted} of ${cfg.rounds} updates `
    + 'accepted by the server', accepted === cfg.rounds ? 'ok' : 'fail');
  return accepted === cfg.rounds;
}

main().then((ok) => {
  window.__threepio = { done: true, ok, report };
}, (e) => {
  report.error = String(e && e.stack ? e.stack : e);
  status(`failed: ${e.message ?? e}`, 'fail');
  window.__threepio = { done: true, ok: false, report };
});
