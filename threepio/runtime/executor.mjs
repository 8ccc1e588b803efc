/**
 * threepio TF.js op-list executor (browser-safe ES module, no Node APIs; its only import is
 * the sibling data module ./commands.mjs, the allowlist of commands).
 *
 * Runs a translated threepio plan (`"namespace": "tfjs"`, layout in threepio/plan_json.py)
 * with a `tf` object supplied by the caller (tfjs-core with any registered backend). In a page
 * without a bundler, load the UMD builds first (they define the global `tf`; see README, "In
 * the browser"):
 *
 *   <script src="/node_modules/@tensorflow/tfjs-core/dist/tf-core.es2017.js"></script>
 *   <script src="/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.js">
 *   </script>
 *   <script type="module">
 *     import { loadPlan, runPlan } from './executor.mjs';
 *     const plan = loadPlan(tf, await (await fetch('step.tfjs.json')).json());
 *     const [loss] = runPlan(tf, plan, [x, y]);   // tensors in plan input order
 *     plan.dispose();                             // frees the plan's constants
 *   </script>
 *
 * API
 *   loadPlan(tf, planJson) -> compiled plan
 *       planJson is an object or a JSON string. Checks format, version and namespace, that every
 *       target is `tf.<path>` resolving (through own properties only) to a function, that kwargs
 *       are empty (TF.js ops are positional) and that every value is defined before use.
 *       Constants become tensors once, here; `compiled.dispose()` frees them.
 *   runPlan(tf, compiled, inputs, {keepAll = false} = {}) -> Tensor[] | {outputs, values}
 *       inputs: Tensor[] in plan input order, or an object name -> Tensor; count, dtype and
 *       shape are checked. Returns the outputs in plan output order; with keepAll, also
 *       `values`: every op output name -> tensor. The caller owns (and disposes) the returned
 *       tensors; the executor never disposes inputs. Intermediates are disposed right after their
 *       last use (nothing is disposed with keepAll).
 *   loadPlan(tf, planJson, {allow}) refuses commands outside COMMANDS (commands.mjs, generated
 *       from mappings/tfjs.yaml) unless `allow` says otherwise.
 *   resolveTarget(tf, 'tf.image.resizeBilinear') -> {fn, self} | reason string
 *       The lookup loadPlan uses (`__proto__`, `constructor` and `prototype` are refused).
 *
 * Errors are plain Error objects with a `kind`: 'load' (bad plan), 'input' (inputs do not match
 * the plan), 'guard' (a condition the plan was traced under does not hold for these inputs:
 * the message says which) or 'op' (an op failed; the message starts
 * `while executing op <i> %out = tf.xxx(...) (src: <source>): ` and the error carries `opIndex`).
 *
 * Constants are base64 little-endian bytes: a little-endian host is assumed (every platform
 * TF.js runs on in practice).
 */

import { COMMANDS } from './commands.mjs';

const FORMAT = 'threepio.plan';
const VERSION = 1;
const DTYPES = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };
const OP_DTYPES = ['float32', 'int32', 'bool', 'complex64', 'string'];  // intermediates may be any
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function fail(kind, message, extra = {}) {
  return Object.assign(new Error(message), { kind }, extra);
}

/** A use of a named value inside a compiled argument. */
class Ref {
  constructor(name) { this.name = name; }
}

/** Resolve `tf.a.b` by walking own properties only; returns {fn, self} or a reason string. */
export function resolveTarget(tf, target) {
  if (typeof target !== 'string' || !target.startsWith('tf.')) {
    return 'target must start with "tf."';
  }
  let self = null;
  let obj = tf;
  for (const part of target.split('.').slice(1)) {
    if (part === '' || FORBIDDEN.has(part)) return `"${part}" is not an allowed name`;
    if (obj == null || (typeof obj !== 'object' && typeof obj !== 'function')
        || !Object.prototype.hasOwnProperty.call(obj, part)) {
      return `tf has no "${part}" here (not in this TF.js version?)`;
    }
    self = obj;
    obj = obj[part];
  }
  if (typeof obj !== 'function') return `it is a ${typeof obj}, not a function`;
  return { fn: obj, self };
}

function decodeBase64(s) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(s);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Check a value declaration's dtype (when present) is one of `allowed`. */
function checkType(v, what, allowed = Object.keys(DTYPES)) {
  if (v == null || typeof v.name !== 'string') throw fail('load', `${what}: missing "name"`);
  if (v.dtype !== undefined && !allowed.includes(v.dtype)) {
    throw fail('load', `${what} %${v.name} has dtype ${v.dtype}, which is not supported here `
      + `(expected one of ${allowed.join(', ')}): translate the plan for tfjs`);
  }
}

/** Compile a JSON argument: refs -> Ref, {dtype} -> string, {float} -> number. */
function compileArg(a, defined, where) {
  if (Array.isArray(a)) return a.map((x) => compileArg(x, defined, where));
  if (a !== null && typeof a === 'object') {
    const keys = Object.keys(a);
    if (keys.length === 1 && typeof a.ref === 'string') {
      if (!defined.has(a.ref)) throw fail('load', `${where}: uses %${a.ref} before it is defined`);
      return new Ref(a.ref);
    }
    if (keys.length === 1 && typeof a.dtype === 'string') return a.dtype;
    if (keys.length === 1 && a.float in { inf: 1, '-inf': 1, nan: 1 }) {
      return { inf: Infinity, '-inf': -Infinity, nan: NaN }[a.float];
    }
    throw fail('load', `${where}: unrecognised argument object ${JSON.stringify(a).slice(0, 80)}`);
  }
  return a;
}

function formatArg(a) {
  if (a instanceof Ref) return `%${a.name}`;
  if (Array.isArray(a)) return `[${a.map(formatArg).join(', ')}]`;
  if (typeof a === 'string') return JSON.stringify(a);
  return String(a);
}

function collectRefs(a, out) {
  if (a instanceof Ref) out.push(a.name);
  else if (Array.isArray(a)) a.forEach((x) => collectRefs(x, out));
  return out;
}

function resolveArg(a, env) {
  if (a instanceof Ref) return env.get(a.name);
  if (Array.isArray(a)) return a.map((x) => resolveArg(x, env));
  return a;
}

/**
 * Validate and compile a plan (object or JSON string); materializes its constants.
 * Only the TF.js commands threepio's rules emit (COMMANDS, commands.mjs) may be called, so a
 * plan from an untrusted source cannot reach tf.io or anything else; `{allow: [...]}` replaces
 * that list and `{allow: '*'}` lifts it (for hand-written plans in tests).
 */
export function loadPlan(tf, planJson, { allow = COMMANDS } = {}) {
  const allowed = allow === '*' ? null : new Set(allow);
  const p = typeof planJson === 'string' ? JSON.parse(planJson) : planJson;
  if (p == null || p.format !== FORMAT) {
    throw fail('load', `not a threepio plan (expected "format": "${FORMAT}")`);
  }
  if (p.version !== VERSION) {
    throw fail('load', `plan format version ${p.version} is not supported (expected ${VERSION})`);
  }
  if (p.namespace !== 'tfjs') {
    throw fail('load', `plan ${p.name} has namespace "${p.namespace}"; `
      + 'this executor runs only "tfjs" plans');
  }
  const defined = new Set();
  const define = (name, where) => {
    if (defined.has(name)) throw fail('load', `${where}: value %${name} is defined twice`);
    defined.add(name);
  };
  const inputs = (p.inputs || []).map((v, i) => {
    checkType(v, `input ${i}`);
    define(v.name, `input ${i}`);
    return { name: v.name, dtype: v.dtype, shape: v.shape };
  });
  for (const [i, c] of (p.constants || []).entries()) {
    checkType(c, `constant ${i}`);
    if (c.dtype === undefined || !Array.isArray(c.shape) || typeof c.data !== 'string') {
      throw fail('load', `constant ${i} %${c.name}: needs dtype, shape and base64 data`);
    }
    define(c.name, `constant ${i}`);
  }
  const lastUse = new Map();
  const ops = (p.ops || []).map((o, i) => {
    const where = `op ${i} (${o.target})`;
    if (allowed !== null && !allowed.has(o.target)) {
      throw fail('load', `op ${i}: ${JSON.stringify(o.target)} is not an allowed command (not one `
        + 'that threepio\'s rules emit)', { opIndex: i });
    }
    const r = resolveTarget(tf, o.target);
    if (typeof r === 'string') {
      throw fail('load', `op ${i}: cannot resolve target ${JSON.stringify(o.target)}: ${r}`,
        { opIndex: i });
    }
    if (o.kwargs && Object.keys(o.kwargs).length) {
      throw fail('load', `${where}: has kwargs ${JSON.stringify(Object.keys(o.kwargs))}, but TF.js `
        + 'ops take positional arguments only', { opIndex: i });
    }
    if (!Array.isArray(o.args) || !Array.isArray(o.outputs) || o.outputs.length === 0) {
      throw fail('load', `${where}: needs an "args" array and at least one output`, { opIndex: i });
    }
    const args = compileArg(o.args, defined, where);
    for (const name of collectRefs(args, [])) lastUse.set(name, i);
    o.outputs.forEach((v, j) => {
      checkType(v, `${where} output ${j}`, OP_DTYPES);
      define(v.name, where);
    });
    const outs = o.outputs.map((v) => v.name);
    const text = `%${outs.join(', %')} = ${o.target}(${args.map(formatArg).join(', ')})`;
    return { index: i, ...r, args, outputs: outs, types: o.outputs, source: o.source ?? 'unknown',
      text: text.length > 300 ? `${text.slice(0, 297)}...` : text, frees: [] };
  });
  const outputs = p.outputs || [];
  for (const name of outputs) {
    if (!defined.has(name)) throw fail('load', `output %${name} is not defined`);
  }
  const guards = p.guards || [];
  for (const g of guards) {
    if (!g || typeof g.value !== 'string' || typeof g.message !== 'string' || !defined.has(g.value)) {
      throw fail('load', `guard ${JSON.stringify(g)}: needs a defined "value" and a "message"`);
    }
  }
  // Each op output that is not a plan output (or a guard) is freed after its last use (or at
  // once if unused); guards are checked, and freed, when the ops are done.
  const keep = new Set([...outputs, ...guards.map((g) => g.value)]);
  for (const op of ops) {
    for (const name of op.outputs) {
      if (!keep.has(name)) ops[lastUse.has(name) ? lastUse.get(name) : op.index].frees.push(name);
    }
  }
  const constants = new Map();
  try {
    for (const c of p.constants || []) {
      const bytes = decodeBase64(c.data);
      const T = DTYPES[c.dtype];
      const n = c.shape.reduce((a, b) => a * b, 1);
      if (bytes.length !== n * T.BYTES_PER_ELEMENT) {
        throw fail('load', `constant %${c.name}: ${bytes.length} bytes of data, `
          + `${c.dtype}[${c.shape}] needs ${n * T.BYTES_PER_ELEMENT}`);
      }
      const data = new T(bytes.buffer, bytes.byteOffset, n);
      constants.set(c.name, tf.keep(tf.tensor(data, c.shape, c.dtype)));
    }
  } catch (e) {
    for (const t of constants.values()) t.dispose();
    throw e;
  }
  return {
    name: p.name, inputs, constants, ops, outputs, guards,
    dispose() { for (const t of constants.values()) t.dispose(); constants.clear(); },
  };
}

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkInputs(tf, compiled, inputs) {
  const given = Array.isArray(inputs) ? inputs : compiled.inputs.map((v) => {
    if (!Object.prototype.hasOwnProperty.call(inputs, v.name)) {
      throw fail('input', `plan ${compiled.name}: input %${v.name} is missing`);
    }
    return inputs[v.name];
  });
  if (given.length !== compiled.inputs.length) {
    throw fail('input', `plan ${compiled.name} takes ${compiled.inputs.length} inputs `
      + `(${compiled.inputs.map((v) => `%${v.name}`).join(', ')}), got ${given.length}`);
  }
  compiled.inputs.forEach((v, i) => {
    const t = given[i];
    if (!(t instanceof tf.Tensor)) throw fail('input', `input %${v.name}: expected a tf.Tensor`);
    if (v.dtype !== undefined && t.dtype !== v.dtype) {
      throw fail('input', `input %${v.name}: expected dtype ${v.dtype}, got ${t.dtype}`);
    }
    if (v.shape !== undefined && !sameShape(t.shape, v.shape)) {
      throw fail('input', `input %${v.name}: expected shape [${v.shape}], got [${t.shape}]`);
    }
  });
  return given;
}

/** Turn an op's return value into exactly `op.outputs.length` tensors. */
function normalize(tf, op, result) {
  const n = op.outputs.length;
  if (result instanceof Promise) {
    result.catch(() => {});  // never leave a rejection unhandled
    throw new Error('the op returned a Promise; async ops are not supported');
  }
  let list;
  if (n === 1) {
    const single = Array.isArray(result) && result.length === 1 && result[0] instanceof tf.Tensor;
    list = single ? result : [result];
  } else if (Array.isArray(result)) {
    list = result;
  } else if (result !== null && typeof result === 'object' && !(result instanceof tf.Tensor)) {
    list = Object.values(result);
  } else {
    throw new Error(`expected ${n} results, got a single value`);
  }
  if (list.length !== n) throw new Error(`expected ${n} results, got ${list.length}`);
  return list.map((t, j) => {
    if (t instanceof tf.Tensor) return t;
    if (typeof t === 'number' || typeof t === 'boolean' || Array.isArray(t)) {
      const dtype = op.types[j].dtype ?? (typeof t === 'boolean' ? 'bool' : undefined);
      return tf.tensor(t, undefined, dtype);
    }
    throw new Error(`result ${j} is a ${t === null ? 'null' : typeof t}, not a tensor`);
  });
}

/** Run a compiled plan; see the header comment. */
export function runPlan(tf, compiled, inputs, { keepAll = false } = {}) {
  const given = checkInputs(tf, compiled, inputs);
  const env = new Map();
  // Tensor -> number of live names bound to it: ops may return one of their inputs unchanged.
  const live = new Map();
  const bind = (name, t) => { env.set(name, t); live.set(t, (live.get(t) || 0) + 1); };
  const owned = new Set([...given, ...compiled.constants.values()]);
  const release = (name) => {
    const t = env.get(name);
    env.delete(name);
    const n = live.get(t) - 1;
    if (n > 0) live.set(t, n);
    else { live.delete(t); if (!owned.has(t)) t.dispose(); }
  };
  compiled.inputs.forEach((v, i) => bind(v.name, given[i]));
  for (const [name, t] of compiled.constants) bind(name, t);
  const values = {};
  try {
    for (const op of compiled.ops) {
      let results;
      try {
        const args = resolveArg(op.args, env);
        results = tf.tidy(() => normalize(tf, op, Reflect.apply(op.fn, op.self, args)));
      } catch (e) {
        const why = e && e.message ? e.message : String(e);
        throw fail('op', `while executing op ${op.index} ${op.text} (src: ${op.source}): ${why}`,
          { opIndex: op.index, target: op.target, cause: e });
      }
      op.outputs.forEach((name, j) => {
        bind(name, results[j]);
        if (keepAll) values[name] = results[j];
      });
      if (!keepAll) op.frees.forEach(release);
    }
  } catch (e) {
    for (const name of [...env.keys()]) release(name);
    throw e;
  }
  // Guards: conditions PyTorch read from the data while tracing; the plan holds only where
  // they are true (anything else would be a silently different branch).
  const failed = compiled.guards.find((g) => !env.get(g.value).dataSync().every((v) => v));
  const outs = new Set(compiled.outputs);
  for (const g of compiled.guards) if (!outs.has(g.value) && env.has(g.value)) release(g.value);
  if (failed) {
    for (const name of [...env.keys()]) release(name);
    throw fail('guard', `plan ${compiled.name}: guard %${failed.value} does not hold: `
      + `${failed.message}`, { guard: failed.value });
  }
  // A constant returned as an output is cloned, so the caller may dispose what it gets.
  const consts = new Set(compiled.constants.values());
  const own = (t) => (consts.has(t) ? tf.clone(t) : t);
  if (keepAll) for (const name of Object.keys(values)) values[name] = own(values[name]);
  const outputs = compiled.outputs.map((name) => own(env.get(name)));
  return keepAll ? { outputs, values } : outputs;
}
