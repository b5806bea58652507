#!/usr/bin/env bash
# Installs the project's tools into .tools/ (git-ignored), skipping whatever is
# already there at the right version. Copies elsewhere on PATH do not count:
# each check runs the binary inside .tools and compares its --version.
#
#   scripts/setup.sh build   wasm32 target, trunk, wasm-bindgen-cli, wasm-opt (binaryen)
#   scripts/setup.sh test    the above + Debian chromium/chromedriver + e2e npm packages
#
# Versions: see TOOLCHAIN.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$TOOLS/node_modules/.bin:$PATH"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
WASM_OPT_VERSION_LINE="wasm-opt version 132"

mode="${1:-build}"
case "$mode" in build|test) ;; *) echo "usage: $0 build|test" >&2; exit 2 ;; esac

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }
ok() { printf '    %s\n' "$*"; }

# --version output of .tools/<rel>, or nothing when it is missing or broken.
tool_version() { [ -x "$TOOLS/$1" ] && "$TOOLS/$1" --version 2>/dev/null | head -n1 || true; }

mkdir -p "$TOOLS"
cd "$ROOT"

# 1. wasm32 target (rustup, seconds).
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  ok "wasm32-unknown-unknown target: present"
else
  say "Installing the Rust target wasm32-unknown-unknown with rustup (about 30 s)"
  rustup target add wasm32-unknown-unknown
fi

# 2. trunk (compiled from crates.io: slow the first time).
if [ "$(tool_version bin/trunk)" = "trunk $TRUNK_VERSION" ]; then
  ok "trunk $TRUNK_VERSION: present in .tools"
else
  say "Installing trunk $TRUNK_VERSION into .tools with cargo install - compiles from source, about 5-7 minutes on an idle 2-core machine, up to ~13 when busy (first run only)"
  cargo install --root "$TOOLS" trunk --version "$TRUNK_VERSION" --locked
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock.
if [ ! -f Cargo.lock ]; then
  say "No Cargo.lock yet: generating it (seconds)"
  cargo generate-lockfile
fi
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)"
if [ -z "$WBG_VERSION" ]; then
  echo "error: could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(tool_version bin/wasm-bindgen)" = "wasm-bindgen $WBG_VERSION" ] &&
   [ "$(tool_version bin/wasm-bindgen-test-runner)" = "wasm-bindgen-test-runner $WBG_VERSION" ]; then
  ok "wasm-bindgen-cli $WBG_VERSION: present in .tools"
else
  say "Installing wasm-bindgen-cli $WBG_VERSION (the Cargo.lock version) into .tools with cargo install - about 1.5-3 minutes on an idle machine, up to ~9 when busy"
  # Without --locked on purpose: its lock file pins a crate version the registry lacks.
  cargo install --root "$TOOLS" wasm-bindgen-cli --version "=$WBG_VERSION" --force
fi

# 4. wasm-opt from npm's binaryen (Debian's binaryen is too old for rustc's output).
if [ "$(tool_version node_modules/.bin/wasm-opt | cut -d' ' -f1-3)" = "$WASM_OPT_VERSION_LINE" ]; then
  ok "wasm-opt (binaryen $BINARYEN_VERSION): present in .tools"
else
  say "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools - about 10 s"
  npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
fi

if [ "$mode" = test ]; then
  # 5. Debian chromium + chromedriver (headless browser for wasm-bindgen-test and e2e).
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    ok "chromium + chromedriver: present in /usr/bin"
  else
    say "Installing Debian chromium + chromium-driver with apt-get - about 1 minute"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium chromium-driver
  fi

  # 6. e2e npm packages (playwright-core; never `playwright install`: we use Debian's chromium).
  want="$(node -e 'console.log(require(process.argv[1]).packages["node_modules/playwright-core"].version)' "$ROOT/e2e/package-lock.json")"
  have="$(node -e 'try{console.log(require(process.argv[1]).version)}catch(e){}' "$ROOT/e2e/node_modules/playwright-core/package.json")"
  if [ -n "$want" ] && [ "$want" = "$have" ]; then
    ok "e2e npm packages (playwright-core $have): present"
  else
    say "Installing the e2e npm packages (playwright-core $want) with npm ci - about 10 s"
    (cd "$ROOT/e2e" && npm ci --no-audit --no-fund)
  fi
fi
ok "tools ready"
