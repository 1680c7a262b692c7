// Small pieces the library panels share: the footer buttons, the "JSON information (i)" label
// and the orange "Important" box of the console's export panel.
import { Information } from "@carbon/icons-react";
import { Button, Toggletip, ToggletipButton, ToggletipContent } from "@carbon/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A footer button of a side panel or modal: "cancel" is the console's grey (#697077). */
export function PanelButton(props: {
  kind: "cancel" | "primary" | "danger";
  children: string;
  onClick: () => void;
  disabled?: boolean;
  id?: string;
  /** Takes the focus when the panel opens. */
  primaryFocus?: boolean;
}) {
  return (
    <Button
      id={props.id}
      data-modal-primary-focus={props.primaryFocus ? true : undefined}
      kind={props.kind === "cancel" ? "secondary" : props.kind}
      className={props.kind === "cancel" ? "fhd-panel-cancel" : undefined}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </Button>
  );
}

/** A bold field label with an (i) toggletip, as the console's "JSON information (i)". */
export function FieldLabel(props: { id: string; label: string; info: string }) {
  const { t } = useTranslation("library");
  return (
    <div className="fhd-field-label">
      <span className="fhd-field-label__text" id={props.id}>
        {props.label}
      </span>
      <Toggletip align="bottom" className="fhd-infotip fhd-field-label__tip">
        <ToggletipButton label={t("parts.about", { label: props.label })}>
          <Information size={16} />
        </ToggletipButton>
        <ToggletipContent>
          <p>{props.info}</p>
        </ToggletipContent>
      </Toggletip>
    </div>
  );
}

/** The console's warning about private keys: an orange "Important" label over an outlined box. */
export function ImportantBox(props: { id: string; children: ReactNode }) {
  const { t } = useTranslation("library");
  return (
    <div className="fhd-important" role="note" aria-labelledby={`${props.id}-label`}>
      <p className="fhd-important__label" id={`${props.id}-label`}>
        {t("parts.important")}
      </p>
      <div className="fhd-important__box">{props.children}</div>
    </div>
  );
}

/** The usual side-panel footer: Cancel, then the primary action (its busy text while it runs). */
export function SubmitFooter(props: {
  id: string;
  busy: boolean;
  label: string;
  busyLabel: string;
  onCancel: () => void;
  onSubmit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <PanelButton kind="cancel" onClick={props.onCancel}>
        {t("common:cancel")}
      </PanelButton>
      <PanelButton kind="primary" id={props.id} disabled={props.busy} onClick={props.onSubmit}>
        {props.busy ? props.busyLabel : props.label}
      </PanelButton>
    </>
  );
}
