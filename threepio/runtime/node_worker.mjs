/**
 * threepio TF.js worker for Node 20: serves executor.mjs over stdin/stdout.
 *
 *   node node_worker.mjs --backend cpu|wasm [--node-modules /abs/path/node_modules]
 *
 * Frames (both directions): u32le header length, UTF-8 JSON header, u32le payload length, payload.
 * A tensor is described in a header as {dtype, shape, offset, nbytes} into the frame's payload
 * (raw little-endian bytes, bool = 1 byte per element, each tensor starts 8-byte aligned).
 *
 *   {"cmd":"load","plan":{...}}                        -> {"ok":true,"plan_id":N}
 *   {"cmd":"run","plan_id":N,"inputs":[desc],"keep_all":false} + payload
 *       -> {"ok":true,"outputs":[desc],"values":{name:desc} (keep_all only),"ms":T} + payload
 *   {"cmd":"free","plan_id":N}                         -> {"ok":true}
 *   {"cmd":"info"}                                     -> {"ok":true,"backend","version",...}
 *   any failure -> {"ok":false,"error":"message","kind":"load|input|guard|op|request","op_index":i|null}
 *
 * `ms` is the time from starting the plan to having every output's data. stdout carries frames
 * only: console output (tfjs prints a banner in Node) and stray stdout writes go to stderr.
 * The worker exits when stdin closes.
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadPlan, runPlan } from './executor.mjs';

// Keep stdout for frames: everything else that prints goes to stderr.
const writeFrameBytes = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
for (const k of ['log', 'info', 'warn', 'debug']) console[k] = console.error;

const TYPED = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };

function error(message, kind = 'request') {
  return Object.assign(new Error(message), { kind });
}

function parseArgs(argv) {
  const opts = { backend: 'cpu', nodeModules: null, allowAny: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--backend') opts.backend = argv[++i];
    else if (argv[i] === '--allow-any-command') opts.allowAny = true;  // hand-written test plans
    else if (argv[i] === '--node-modules') opts.nodeModules = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!['cpu', 'wasm'].includes(opts.backend)) {
    throw new Error(`unsupported backend ${opts.backend} (expected cpu or wasm)`);
  }
  return opts;
}

function findNodeModules(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const nm = path.join(dir, 'node_modules');
    if (fs.existsSync(path.join(nm, '@tensorflow', 'tfjs-core', 'package.json'))) return nm;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Load tfjs-core and the backend from `nodeModules` (ESM ignores NODE_PATH). */
async function initTf(backend, nodeModules) {
  if (!fs.existsSync(path.join(nodeModules, '@tensorflow', 'tfjs-core', 'package.json'))) {
    throw new Error(`${nodeModules} has no @tensorflow/tfjs-core: run npm ci`);
  }
  const require = createRequire(path.resolve(nodeModules) + '/');
  const load = async (name) => {
    const mod = await import(pathToFileURL(require.resolve(name)).href);
    return mod.default ?? mod;
  };
  // The packages' "main" entries are CommonJS: the backends' own require('@tensorflow/tfjs-core')
  // then returns this very instance.
  const tf = await load('@tensorflow/tfjs-core');
  await load('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') {
    const wasm = await load('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit next to the package's main file (dist/); read them from disk.
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  }
  if (!(await tf.setBackend(backend))) {
    throw new Error(`TF.js backend ${backend} failed to initialize`);
  }
  await tf.ready();
  if (tf.getBackend() !== backend) {
    throw new Error(`TF.js runs on ${tf.getBackend()}, not the requested ${backend}`);
  }
  return tf;
}

/** Yield {header, payload} frames from a byte stream, concatenating each frame's bytes once. */
async function* readFrames(stream) {
  let chunks = [];
  let size = 0;
  let need = 4;
  const take = () => {
    const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    chunks = [buf];
    return buf;
  };
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    while (size >= need) {
      const buf = take();
      const hlen = buf.readUInt32LE(0);
      if (size < 8 + hlen) { need = 8 + hlen; break; }
      const end = 8 + hlen + buf.readUInt32LE(4 + hlen);
      if (size < end) { need = end; break; }
      yield { header: buf.toString('utf8', 4, 4 + hlen), payload: buf.subarray(8 + hlen, end) };
      chunks = size > end ? [buf.subarray(end)] : [];
      size -= end;
      need = 4;
    }
  }
}

async function writeFrame(header, parts = []) {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const plen = parts.reduce((n, p) => n + p.length, 0);
  const lens = Buffer.alloc(4);
  lens.writeUInt32LE(head.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(plen);
  let ok = true;
  for (const b of [lens, head, tail, ...parts]) ok = writeFrameBytes(b);
  if (!ok) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

function decodeTensors(tf, descs, payload) {
  const tensors = [];
  try {
    for (const d of descs) {
      const T = TYPED[d.dtype];
      if (!T) throw error(`input dtype ${d.dtype} is not supported`, 'input');
      if (d.offset + d.nbytes > payload.length || d.nbytes % T.BYTES_PER_ELEMENT) {
        throw new Error(`tensor bytes [${d.offset}, +${d.nbytes}) do not fit the payload`);
      }
      const start = payload.byteOffset + d.offset;  // copy: typed arrays need aligned buffers
      const data = new T(payload.buffer.slice(start, start + d.nbytes));
      tensors.push(tf.tensor(data, d.shape, d.dtype));
    }
  } catch (e) {
    tensors.forEach((t) => t.dispose());
    throw e;
  }
  return tensors;
}

/** Describe tensors into `parts` (shared payload list); returns the descriptors. */
async function encodeTensors(tensors, parts, state) {
  const descs = [];
  for (const t of tensors) {
    if (!TYPED[t.dtype]) throw new Error(`output dtype ${t.dtype} cannot be sent`);
    const T = TYPED[t.dtype];
    let data = await t.data();
    // TF.js may hand back another array type than the dtype says (a bool->float32 cast on the
    // cpu backend keeps its Uint8Array): convert so the bytes match the declared dtype.
    if (!(data instanceof T)) data = T.from(data);
    const pad = (8 - (state.offset % 8)) % 8;
    if (pad) parts.push(Buffer.alloc(pad));
    state.offset += pad;
    descs.push({ dtype: t.dtype, shape: t.shape, offset: state.offset, nbytes: data.byteLength });
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    state.offset += data.byteLength;
  }
  return descs;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const nodeModules = opts.nodeModules ?? findNodeModules(here);
  if (!nodeModules) throw new Error(`no node_modules with @tensorflow/tfjs-core above ${here}`);
  const tf = await initTf(opts.backend, nodeModules);
  const plans = new Map();
  let nextId = 1;
  const getPlan = (id) => {
    if (!plans.has(id)) throw error(`unknown plan_id ${id}`);
    return plans.get(id);
  };

  const handlers = {
    info: async () => [{ ok: true, backend: tf.getBackend(), version: tf.version_core,
      node: process.versions.node, pid: process.pid, plans: plans.size,
      num_tensors: tf.memory().numTensors }],
    load: async (req) => {
      plans.set(nextId, loadPlan(tf, req.plan, opts.allowAny ? { allow: '*' } : {}));
      return [{ ok: true, plan_id: nextId++ }];
    },
    free: async (req) => {
      getPlan(req.plan_id).dispose();
      plans.delete(req.plan_id);
      return [{ ok: true }];
    },
    run: async (req, payload) => {
      const plan = getPlan(req.plan_id);
      const inputs = decodeTensors(tf, req.inputs ?? [], payload);
      let result;
      try {
        const t0 = performance.now();
        result = runPlan(tf, plan, inputs, { keepAll: !!req.keep_all });
        const outputs = req.keep_all ? result.outputs : result;
        await Promise.all(outputs.map((t) => t.data()));
        const ms = performance.now() - t0;
        const parts = [];
        const state = { offset: 0 };
        const reply = { ok: true, outputs: await encodeTensors(outputs, parts, state), ms };
        if (req.keep_all) {
          const names = Object.keys(result.values);
          const descs = await encodeTensors(names.map((n) => result.values[n]), parts, state);
          reply.values = Object.fromEntries(names.map((n, i) => [n, descs[i]]));
        }
        return [reply, parts];
      } finally {
        inputs.forEach((t) => t.dispose());
        if (result) {
          (req.keep_all ? result.outputs : result).forEach((t) => t.dispose());
          if (req.keep_all) Object.values(result.values).forEach((t) => t.dispose());
        }
      }
    },
  };

  for await (const { header, payload } of readFrames(process.stdin)) {
    let reply;
    try {
      const req = JSON.parse(header);
      const handler = Object.prototype.hasOwnProperty.call(handlers, req.cmd) && handlers[req.cmd];
      if (!handler) throw error(`unknown cmd ${JSON.stringify(req.cmd)}`);
      reply = await handler(req, payload);
    } catch (e) {
      reply = [{ ok: false, error: String(e?.message ?? e), kind: e?.kind ?? 'request',
        op_index: Number.isInteger(e?.opIndex) ? e.opIndex : null }];
    }
    await writeFrame(...reply);
  }
  // stdin closed (the client exited, however it died): leave now, even if a backend keeps
  // handles open (the wasm backend's threads would keep an orphan alive)
  process.exit(0);
}

main().catch((e) => {
  console.error(`threepio node_worker: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
