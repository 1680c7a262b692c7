// The words Carbon's components would otherwise say in English (close buttons, status icons),
// in the current language: spread them into the component, `{...notificationText("error")}`.
import { i18n } from "../i18n";

type NotificationKind = "error" | "success" | "info" | "warning" | "info-square" | "warning-alt";

/** An InlineNotification's or ToastNotification's close button and status icon. */
export function notificationText(kind: NotificationKind = "error"): {
  "aria-label": string;
  statusIconDescription: string;
} {
  const base = kind.replace(/-.*$/, "") as "error" | "success" | "info" | "warning";
  return {
    "aria-label": i18n.t("components:toast.close"),
    statusIconDescription: i18n.t(`components:toast.kind.${base}`),
  };
}

/** An InlineLoading's spinner, for screen readers. */
export function loadingText(): { iconDescription: string } {
  return { iconDescription: i18n.t("common:loading") };
}
