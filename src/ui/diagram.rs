//! The diagram: one labelled shape per parsed object, laid out in a grid.

use yew::prelude::*;

use super::app::Shape;

const COLS: usize = 3;
const W: usize = 180;
const H: usize = 64;
const GAP: usize = 20;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub shapes: Vec<Shape>,
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let n = props.shapes.len();
    let rows = n.div_ceil(COLS).max(1);
    let cols = n.clamp(1, COLS);
    let width = GAP + cols * (W + GAP);
    let height = GAP + rows * (H + GAP);
    html! {
        <section class="kp-diagram">
            <svg
                role="group"
                aria-label="Objects"
                viewBox={format!("0 0 {width} {height}")}
                width={width.to_string()}
                height={height.to_string()}
            >
                { for props.shapes.iter().enumerate().map(|(i, s)| shape(i, s)) }
            </svg>
            if n == 0 {
                <p class="kp-empty">{ "No objects yet: write a manifest and press Apply." }</p>
            }
        </section>
    }
}

fn shape(i: usize, s: &Shape) -> Html {
    let x = GAP + (i % COLS) * (W + GAP);
    let y = GAP + (i / COLS) * (H + GAP);
    let class = format!("kp-shape kp-kind-{}", s.kind.to_ascii_lowercase());
    html! {
        <g class={class} role="img" aria-label={format!("{} {}", s.kind, s.name)}
           transform={format!("translate({x} {y})")}>
            <rect width={W.to_string()} height={H.to_string()} rx="8" />
            <text class="kp-kind" x="12" y="24">{ s.kind.clone() }</text>
            <text class="kp-name" x="12" y="48">{ s.name.clone() }</text>
        </g>
    }
}
