// Loads the app without an inline script (the page's CSP forbids inline scripts).
// trunk (Trunk.toml: filehash = false, inject_scripts = false) emits kubeplay.js and
// kubeplay_bg.wasm next to this file.
//
// index.html loads this module `async` and it has no static import, so it runs as soon
// as it arrives, before the page has finished parsing: the WebAssembly starts compiling
// from the (preloaded) response while kubeplay.js is still loading, instead of after
// DOMContentLoaded. The app mounts once the document is parsed (it needs #app).
const url = new URL('kubeplay_bg.wasm', import.meta.url);
const fromBytes = async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer());
const compiled =
  typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(fetch(url)).catch((err) => {
        // A server that does not send application/wasm: compile from the bytes instead.
        console.warn('kubeplay: streaming compile failed, compiling from bytes:', err);
        return fromBytes();
      })
    : fromBytes();
const parsed =
  document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
    : Promise.resolve();

import('./kubeplay.js')
  .then(async ({ default: init }) => {
    await parsed;
    await init({ module_or_path: compiled });
    // kubectl explain's API descriptions (~95 KB gzip) are not needed for the first
    // render: fetched once the page runs, handed to the app on the next command.
    setTimeout(() => {
      fetch(new URL('explain-schema.txt', import.meta.url))
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((text) => {
          globalThis.kubeplayExplainSchema = text;
        })
        .catch((err) => console.warn('kubeplay: kubectl explain descriptions not loaded:', err));
    }, 1000);
  })
  .catch((err) => {
    console.error('kubeplay failed to start:', err);
  });
