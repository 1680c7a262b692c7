// The console's side panel: the right ~41 % of the window at full height over a dark scrim, a
// × at the top-right, a 32 px title, a scrolling body and a footer of two equal buttons (grey
// Cancel, blue primary). Built on Carbon's ComposedModal for its focus trap and Escape handling.
// The body scrolls in a box of its own, never as Carbon's modal body: Carbon scrolls a focused
// element of a scrolling modal body to its centre when focus moves, which moves a button (or a
// field) away between the mouse going down and up — and the click is lost.
import { ComposedModal, ModalBody, ModalFooter, ModalHeader } from "@carbon/react";
import type { ReactNode } from "react";
import "../styles/deferred.scss";
import { useTranslation } from "react-i18next";

/** Confirmation modals opened from a panel carry this class, so the panel's focus trap lets
 * focus move into them. */
export const CONFIRM_MODAL_CLASS = "fhd-confirm-modal";

export function SidePanel(props: {
  id: string;
  title: string;
  /** Small line above the title (e.g. the kind of component). */
  label?: string;
  onClose: () => void;
  children: ReactNode;
  /** The footer's buttons (`PanelButton`s), left to right. */
  footer: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <ComposedModal
      open
      id={props.id}
      className="fhd-side-panel"
      containerClassName="fhd-side-panel__container"
      aria-label={props.title}
      selectorsFloatingMenus={[`.${CONFIRM_MODAL_CLASS}`]}
      onClose={() => {
        props.onClose();
        return true;
      }}
    >
      <ModalHeader
        title={props.title}
        label={props.label}
        iconDescription={t("common:close")}
        className="fhd-side-panel__header"
      />
      <ModalBody className="fhd-side-panel__body" hasForm>
        <div className="fhd-side-panel__scroll">{props.children}</div>
      </ModalBody>
      <ModalFooter className="fhd-side-panel__footer">{props.footer}</ModalFooter>
    </ComposedModal>
  );
}
