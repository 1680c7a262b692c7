// A section's add/import button. Features that are not built yet pass `disabledReason`: the
// button stays visible but disabled, and a tooltip says why (no fake behaviour behind it).
import { Add } from "@carbon/icons-react";
import { Button, Tooltip } from "@carbon/react";
import { i18n } from "../i18n";

/** The tooltip of a button whose feature is not built yet, in the current language. */
export function comingLaterReason(): string {
  return i18n.t("components:action.comingLater");
}

export interface SectionAction {
  label: string;
  /** "primary" is the console's blue; "secondary" its darker blue (#0043CE). */
  kind?: "primary" | "secondary";
  /** Icon after the label; defaults to "+". */
  icon?: typeof Add;
  onClick?: () => void;
  /** When set, the button is disabled and this text is its tooltip. */
  disabledReason?: string;
}

export function ActionButton(props: { action: SectionAction }) {
  const { action } = props;
  const kindClass = action.kind === "secondary" ? "fhd-btn--secondary" : "fhd-btn--primary";
  const button = (
    <Button
      kind="primary"
      size="lg"
      className={`fhd-action-btn ${kindClass}`}
      renderIcon={action.icon ?? Add}
      disabled={action.disabledReason !== undefined}
      onClick={action.onClick}
    >
      {action.label}
    </Button>
  );
  if (action.disabledReason === undefined) return button;
  // A disabled <button> gets no pointer or focus events, so the tooltip hangs on a wrapper
  // that can be hovered and focused.
  return (
    <Tooltip description={action.disabledReason} align="bottom" className="fhd-disabled-tooltip">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the wrapper is focusable so keyboard users can read why the button is disabled. */}
      <span className="fhd-disabled-trigger" tabIndex={0} data-disabled-action={action.label}>
        {button}
      </span>
    </Tooltip>
  );
}

/** Buttons of features that are not built yet: visible, disabled, explained by a tooltip. */
export function comingLater(
  ...actions: (string | Omit<SectionAction, "disabledReason">)[]
): SectionAction[] {
  return actions.map((action) =>
    typeof action === "string"
      ? { label: action, disabledReason: comingLaterReason() }
      : { ...action, disabledReason: comingLaterReason() },
  );
}
