// The visible stack of toasts (see Notifications.tsx).
import { ToastNotification } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { Toast } from "./Notifications";
import "../styles/deferred.scss";

export default function ToastStack(props: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  const { t } = useTranslation("components");
  return (
    <div className="fhd-toasts" aria-live="polite">
      {props.toasts.map((toast) => (
        <ToastNotification
          key={toast.id}
          kind={toast.kind}
          title={toast.title}
          subtitle={toast.subtitle}
          caption={toast.caption}
          aria-label={t("toast.close")}
          statusIconDescription={t(`toast.kind.${toast.kind}`)}
          timeout={toast.kind === "success" ? 6000 : 0}
          onClose={() => {
            props.onDismiss(toast.id);
            return false;
          }}
        />
      ))}
    </div>
  );
}
