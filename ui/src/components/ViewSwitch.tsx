// The section's grid/list toggle (the console's 96x32 pair of icon tabs). Arrow keys move
// between the two, as in Carbon's ContentSwitcher, whose look the styles keep.
import { Grid, List } from "@carbon/icons-react";
import { type KeyboardEvent, useRef } from "react";
import { useTranslation } from "react-i18next";
import { HoverTip } from "./HoverTip";

export type SectionView = "grid" | "list";

const OPTIONS = [
  { view: "grid", Icon: Grid },
  { view: "list", Icon: List },
] as const;

export function ViewSwitch(props: {
  view: SectionView;
  onChange: (view: SectionView) => void;
  label: string;
}) {
  const { t } = useTranslation("components");
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (event: KeyboardEvent, index: number) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const next = (index + (event.key === "ArrowRight" ? 1 : OPTIONS.length - 1)) % OPTIONS.length;
    const option = OPTIONS[next];
    if (!option) return;
    props.onChange(option.view);
    buttons.current[next]?.focus();
  };
  return (
    <div className="fhd-view-switch" role="tablist" aria-label={props.label}>
      {OPTIONS.map(({ view, Icon }, index) => {
        const label = t(`viewSwitch.${view}`);
        const selected = view === props.view;
        return (
          <button
            key={view}
            ref={(el) => {
              buttons.current[index] = el;
            }}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-label={label}
            tabIndex={selected ? 0 : -1}
            className={`fhd-view-switch__btn${selected ? " fhd-view-switch__btn--selected" : ""}`}
            onClick={() => props.onChange(view)}
            onKeyDown={(event) => onKey(event, index)}
          >
            <Icon size={16} aria-hidden="true" />
            <HoverTip label={label} side="top" />
          </button>
        );
      })}
    </div>
  );
}
