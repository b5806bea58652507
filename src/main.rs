//! The page's entry point: on wasm32 it starts the Yew app; natively it only
//! explains how to run the playground.

#[cfg(target_arch = "wasm32")]
fn main() {
    kubeplay::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "kubeplay runs in the browser: `make serve` builds it and serves http://127.0.0.1:8080"
    );
}
