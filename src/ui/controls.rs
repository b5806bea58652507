//! The toolbar: the clock (Pause/Play, Step, Speed, simulated time), the cluster
//! settings (Load-balancer controller, kube-proxy mode) and the namespace filter.

use yew::prelude::*;

use super::app::Action;
use super::view::UiAction;
use crate::cluster::ProxyMode;

/// The clock speeds offered (issue 6: 1x, 4x, 16x).
pub const SPEEDS: [u32; 3] = [1, 4, 16];

/// The `value` of the `<select>` an event came from.
pub(crate) fn select_value(e: &Event) -> Option<String> {
    let target = e.target()?;
    js_sys::Reflect::get(&target, &wasm_bindgen::JsValue::from_str("value"))
        .ok()?
        .as_string()
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub paused: bool,
    pub speed: u32,
    /// Simulated milliseconds since the cluster started.
    pub now: i64,
    pub load_balancer: bool,
    pub proxy_mode: ProxyMode,
    pub namespace: String,
    pub namespaces: Vec<String>,
    pub dispatch: Callback<Action>,
}

fn on_select(dispatch: &Callback<Action>, f: fn(String) -> Option<UiAction>) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let value = select_value(&e);
        if let Some(a) = value.and_then(f) {
            dispatch.emit(Action::Ui(a));
        }
    })
}

/// `1:05.5` style simulated time.
fn clock(ms: i64) -> String {
    let s = ms.max(0) / 100;
    format!("{}:{:02}.{}", s / 600, (s / 10) % 60, s % 10)
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let d = props.dispatch.clone();
    let toggle = {
        let d = d.clone();
        let paused = props.paused;
        Callback::from(move |_: MouseEvent| d.emit(Action::Ui(UiAction::Pause(!paused))))
    };
    let step = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Ui(UiAction::StepClock)))
    };
    let lb = {
        let d = d.clone();
        let on = props.load_balancer;
        Callback::from(move |_: MouseEvent| d.emit(Action::Ui(UiAction::LoadBalancer(!on))))
    };
    let speed = on_select(&d, |v| {
        v.trim_end_matches('x')
            .parse::<u32>()
            .ok()
            .map(UiAction::Speed)
    });
    let proxy = on_select(&d, |v| {
        Some(UiAction::ProxyMode(match v.as_str() {
            "ipvs" => ProxyMode::Ipvs,
            "nftables" => ProxyMode::Nftables,
            _ => ProxyMode::Iptables,
        }))
    });
    let ns = on_select(&d, |v| Some(UiAction::Namespace(v)));
    let mode = props.proxy_mode.as_str();
    html! {
        <div class="kp-controls" role="toolbar" aria-label="Simulation controls">
            <div class="kp-group">
                <button type="button" class="kp-btn" onclick={toggle}
                        aria-label={if props.paused { "Play" } else { "Pause" }}>
                    { if props.paused { "Play" } else { "Pause" } }
                </button>
                <button type="button" class="kp-btn" onclick={step} aria-label="Step"
                        title="Advance the simulated clock by 1 second">{ "Step" }</button>
                <label class="kp-field">{ "Speed" }
                    <select aria-label="Speed" onchange={speed}>
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={format!("{s}x")} selected={props.speed == *s}>{ format!("{s}x") }</option>
                        }) }
                    </select>
                </label>
                <span class="kp-clock" aria-label="Simulated time" title="Simulated time since the cluster started">
                    { format!("t = {}", clock(props.now)) }
                </span>
            </div>
            <div class="kp-group">
                <button type="button" role="switch" class="kp-switch"
                        aria-checked={props.load_balancer.to_string()}
                        aria-label="Load-balancer controller" onclick={lb}
                        title="A MetalLB-like controller assigns external IPs to LoadBalancer Services">
                    <span class="kp-switch-track" aria-hidden="true"><span class="kp-switch-thumb" /></span>
                    { "Load-balancer controller" }
                </button>
                <label class="kp-field">{ "kube-proxy mode" }
                    <select aria-label="kube-proxy mode" onchange={proxy}>
                        { for ["iptables", "ipvs", "nftables"].iter().map(|m| html! {
                            <option value={*m} selected={mode == *m}>{ *m }</option>
                        }) }
                    </select>
                </label>
                <label class="kp-field">{ "Namespace" }
                    <select aria-label="Namespace" onchange={ns}>
                        { for props.namespaces.iter().map(|n| html! {
                            <option value={n.clone()} selected={props.namespace == *n}>{ n.clone() }</option>
                        }) }
                        <option value="all" selected={props.namespace == "all"}>{ "all" }</option>
                    </select>
                </label>
            </div>
        </div>
    }
}
