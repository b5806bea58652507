// Loads the app without an inline script (the page's CSP forbids inline scripts).
// trunk (Trunk.toml: filehash = false, inject_scripts = false) emits kubeplay.js
// and kubeplay_bg.wasm next to this file; init() fetches the .wasm and runs main().
import init from './kubeplay.js';

init().catch((err) => {
  console.error('kubeplay failed to start:', err);
});
