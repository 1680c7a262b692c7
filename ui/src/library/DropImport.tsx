// Drag and drop anywhere on the window: Tauri reports the files' absolute paths
// (`onDragDropEvent`); while files hover over the window a full-window overlay says what a drop
// does, and a drop hands the paths on (console files are imported, a bundle opens; an open panel
// may take them instead, and says so through `title` and `hint`). Outside
// Tauri (unit tests) there is no webview to listen to, and nothing happens.
import { DocumentImport } from "@carbon/icons-react";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../i18n";

export default function DropImport(props: {
  onDrop: (paths: string[]) => void;
  /** Replaces the overlay's title (a panel that takes the drop says what it does). */
  title?: string | undefined;
  /** Replaces the line under the title. */
  hint?: string | undefined;
}) {
  const { t } = useTranslation("library");
  const [hovering, setHovering] = useState<{ files: number } | null>(null);
  const onDrop = useRef(props.onDrop);

  useEffect(() => {
    onDrop.current = props.onDrop;
  }, [props.onDrop]);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    const listen = async () => {
      try {
        const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
          const drag = event.payload;
          switch (drag.type) {
            case "enter":
              setHovering({ files: drag.paths.length });
              break;
            case "over":
              setHovering((h) => h ?? { files: 0 });
              break;
            case "leave":
              setHovering(null);
              break;
            case "drop":
              setHovering(null);
              onDrop.current(drag.paths);
              break;
          }
        });
        if (cancelled) unlisten();
        else stop = unlisten;
      } catch {
        // Not running in a Tauri webview: no file drops to listen to.
      }
    };
    void listen();
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);

  if (!hovering) return null;
  return (
    <div className="fhd-drop" data-testid="drop-overlay" role="status" aria-live="assertive">
      <div className="fhd-drop__inner">
        <DocumentImport size={48} className="fhd-drop__icon" aria-hidden="true" />
        <p className="fhd-drop__title">{props.title ?? t("drop.title")}</p>
        <p className="fhd-drop__hint">
          {props.hint ?? t("drop.hint")}
          {hovering.files > 0
            ? ` · ${t("drop.files", { count: hovering.files, n: formatNumber(hovering.files) })}`
            : ""}
        </p>
      </div>
    </div>
  );
}
