/**
 * Load TF.js in a browser page without a bundler, on one backend.
 *
 *   import { loadTf } from '/browser/tfjs.mjs';
 *   const { tf, info } = await loadTf('wasm');          // 'cpu', 'wasm' or 'webgl'
 *
 * The TF.js packages' UMD builds (served by browser/serve.py under /tfjs/) are added as
 * classic <script> elements, in order: tf-core, the cpu backend, then the wasm or webgl backend.
 * They define the global `tf`, which is returned once `tf.setBackend(backend)` succeeded.
 * A page may just as well write the <script src="/tfjs/..."> tags itself.
 *
 * `info`: {backend, version, webgl: {available, version, renderer, vendor} | null,
 * wasm: {simd, threads} | null}. Rejects with an Error when the backend cannot start (WebGL
 * missing, for instance); `probeWebgl()` says whether the page can create a WebGL context at all.
 */

const BUNDLES = {
  cpu: ['tf-core.es2017.js', 'tf-backend-cpu.es2017.js'],
  wasm: ['tf-core.es2017.js', 'tf-backend-cpu.es2017.js', 'tf-backend-wasm.es2017.js'],
  webgl: ['tf-core.es2017.js', 'tf-backend-cpu.es2017.js', 'tf-backend-webgl.es2017.js'],
};

function addScript(src) {
  return new Promise((resolve, reject) => {
    const existing = document.querySelector(`script[data-tfjs="${src}"]`);
    if (existing) { resolve(); return; }
    const s = document.createElement('script');
    s.src = src;
    s.dataset.tfjs = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

/** Whether this page can create a WebGL context, and which renderer it gets (SwiftShader...). */
export function probeWebgl() {
  const canvas = document.createElement('canvas');
  for (const [kind, version] of [['webgl2', 2], ['webgl', 1]]) {
    const gl = canvas.getContext(kind);
    if (gl) {
      const dbg = gl.getExtension('WEBGL_debug_renderer_info');
      return {
        available: true, version,
        renderer: String(gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
        vendor: String(gl.getParameter(dbg ? dbg.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
        float_textures: !!(gl.getExtension('EXT_color_buffer_float')
          || gl.getExtension('OES_texture_float')),
      };
    }
  }
  return { available: false, version: 0, renderer: null, vendor: null, float_textures: false };
}

/** Load the bundles for `backend` from `base` and switch TF.js to it. */
export async function loadTf(backend, { base = '/tfjs/' } = {}) {
  if (!(backend in BUNDLES)) throw new Error(`unknown TF.js backend ${backend}`);
  for (const file of BUNDLES[backend]) await addScript(base + file);
  const { tf } = globalThis;
  if (backend === 'wasm') tf.wasm.setWasmPaths(new URL(base, location.href).href);
  let ok = false;
  try {
    ok = await tf.setBackend(backend);
  } catch (e) {
    throw new Error(`TF.js backend ${backend} failed to start: ${e.message ?? e}`);
  }
  if (!ok || tf.getBackend() !== backend) {
    throw new Error(`TF.js backend ${backend} failed to start (running on ${tf.getBackend()})`);
  }
  await tf.ready();
  const info = { backend, version: tf.version_core, webgl: null, wasm: null };
  if (backend === 'webgl') {
    info.webgl = { ...probeWebgl(), tfjs_webgl_version: tf.env().getNumber('WEBGL_VERSION'),
      float32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') };
  }
  if (backend === 'wasm') {
    info.wasm = { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') };
  }
  return { tf, info };
}
