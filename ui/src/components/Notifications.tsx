// Toasts stacked at the top-right under the header, in the console's style (white card, coloured
// left edge, bold sentence, timestamp, ×). Every IPC failure ends up here unless a form shows it
// inline.
import {
  createContext,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useContext,
  useMemo,
  useState,
} from "react";
import { describeError } from "../errors";
import { formatDate, i18n } from "../i18n";

// Toasts are rare: their component loads with the first one, not at startup.
const ToastStack = lazy(() => import("./ToastStack"));

export interface Toast {
  id: number;
  kind: "error" | "success" | "info" | "warning";
  title: string;
  subtitle?: string;
  /** When it happened, as shown under the text. */
  caption: string;
}

interface Notifier {
  notify: (toast: Omit<Toast, "id" | "caption">) => void;
  /** Shows an IPC (or any) error as a toast with its sentence and fix. */
  notifyError: (error: unknown, context?: string) => void;
}

const NotifierContext = createContext<Notifier>({
  notify: () => {},
  notifyError: () => {},
});

let nextId = 1;

export function NotificationsProvider(props: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);

  const dismiss = useCallback((id: number) => {
    setToasts((all) => all.filter((t) => t.id !== id));
  }, []);

  const notify = useCallback((toast: Omit<Toast, "id" | "caption">) => {
    const id = nextId++;
    const caption = formatDate(new Date(), { dateStyle: "medium", timeStyle: "medium" });
    setToasts((all) => [...all, { ...toast, id, caption }]);
  }, []);

  const notifyError = useCallback(
    (error: unknown, context?: string) => {
      const described = describeError(error);
      const parts = [
        described.fix,
        described.detail !== described.sentence
          ? i18n.t("components:toast.details", { detail: described.detail })
          : "",
      ];
      notify({
        kind: "error",
        title: context
          ? i18n.t("components:toast.contextTitle", { context, sentence: described.sentence })
          : described.sentence,
        subtitle: parts.filter(Boolean).join(" "),
      });
    },
    [notify],
  );

  const value = useMemo(() => ({ notify, notifyError }), [notify, notifyError]);

  return (
    <NotifierContext.Provider value={value}>
      {props.children}
      {toasts.length > 0 ? (
        <Suspense fallback={null}>
          <ToastStack toasts={toasts} onDismiss={dismiss} />
        </Suspense>
      ) : null}
    </NotifierContext.Provider>
  );
}

export function useNotifier(): Notifier {
  return useContext(NotifierContext);
}
