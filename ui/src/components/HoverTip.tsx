// A hover/focus label for icon-only controls, drawn by CSS alone (`.fhd-tip`): the start page has
// a dozen of them, and Carbon's Tooltip (a popover with its own state and positioning per
// instance) made up a large share of the first render. Screen readers get the control's own
// aria-label; this is for sighted users, so it is hidden from the accessibility tree.
export function HoverTip(props: { label: string; side: "right" | "top" | "bottom-end" }) {
  return (
    <span className={`fhd-tip fhd-tip--${props.side}`} aria-hidden="true">
      {props.label}
    </span>
  );
}
