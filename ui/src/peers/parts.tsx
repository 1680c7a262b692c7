// Small pieces of the peer panel: an error with its sentence, fix and the node's own message,
// and a section's heading with its action button.
import { Add } from "@carbon/icons-react";
import { Button, InlineNotification } from "@carbon/react";
import { useTranslation } from "react-i18next";
import { describeError } from "../errors";

/** A failure as the operator can act on it: what happened, the fix, then the backend's exact
 * message (which names the node, the call and the signing identity). */
export function PeerError(props: {
  error: unknown;
  context: string;
  onClose?: (() => void) | undefined;
}) {
  const { t } = useTranslation("peers");
  const described = describeError(props.error);
  return (
    <InlineNotification
      className="fhd-peer-notice"
      data-testid="peer-error"
      data-code={described.code}
      kind="error"
      lowContrast
      hideCloseButton={!props.onClose}
      onCloseButtonClick={props.onClose}
      title={t("error.title", { context: props.context, sentence: described.sentence })}
      statusIconDescription={t("error.icon")}
      aria-label={t("error.close")}
    >
      {described.fix ? (
        <span className="fhd-peer-notice__fix" data-testid="peer-error-fix">
          {described.fix}
        </span>
      ) : null}
      {described.detail !== described.sentence ? (
        <span className="fhd-peer-notice__detail" data-testid="peer-error-detail">
          {described.detail}
        </span>
      ) : null}
    </InlineNotification>
  );
}

/** A section's title with its add button at the right, as the console's peer page has
 * "Channels … Join channel +". */
export function SectionHead(props: {
  id: string;
  title: string;
  action: string;
  onAction: () => void;
  disabled?: boolean;
}) {
  return (
    <div className="fhd-peer-section__head">
      <h3 className="fhd-peer-section__title" id={props.id}>
        {props.title}
      </h3>
      <Button
        kind="tertiary"
        size="sm"
        renderIcon={Add}
        disabled={props.disabled}
        onClick={props.onAction}
      >
        {props.action}
      </Button>
    </div>
  );
}
