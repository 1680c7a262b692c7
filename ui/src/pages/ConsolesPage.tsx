// The Consoles page (lazy-loaded, with its styles): the registry of consoles, one console's live
// tiles, and all regions side by side. Sub-views live in the hash: `#/consoles`,
// `#/consoles/c/<name>`, `#/consoles/regions`.
import { useSyncExternalStore } from "react";
import { AllRegions } from "../consoles/AllRegions";
import { ConsoleDetail } from "../consoles/ConsoleDetail";
import { ConsoleRegistry } from "../consoles/ConsoleRegistry";
import { ConsolesUiProvider } from "../consoles/ConsolesUi";
import { parseConsolesHash } from "../consoles/logic";
import "../styles/deferred.scss";
import "../consoles/consoles.scss";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export default function ConsolesPage() {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const view = parseConsolesHash(hash);
  return (
    <ConsolesUiProvider>
      {view.view === "regions" ? (
        <AllRegions />
      ) : view.view === "console" ? (
        <ConsoleDetail key={view.name} name={view.name} />
      ) : (
        <ConsoleRegistry />
      )}
    </ConsolesUiProvider>
  );
}
