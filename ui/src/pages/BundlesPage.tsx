// The Bundles page (lazy-loaded, with its styles): build a bundle for a console this desk cannot
// reach, or receive one — inspect, verify, apply. Sub-views live in the hash: `#/bundles`
// (build), `#/bundles/receive`, `#/bundles/receive/<file>` (a bundle opened by dialog or dropped
// anywhere on the window).
import { useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { BuildView } from "../bundles/BuildView";
import { BundlesTabs } from "../bundles/parts";
import { ReceiveStart, ReceiveView } from "../bundles/ReceiveView";
import { parseBundlesHash } from "../bundles/route";
import "../styles/deferred.scss";
import "../consoles/consoles.scss";
import "../bundles/bundles.scss";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export default function BundlesPage() {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const view = parseBundlesHash(hash);
  const { t } = useTranslation("pages");
  return (
    <div className="fhd-bundle-page" data-testid="bundles-page" data-view={view.view}>
      <h1 className="fhd-page-title">{t("bundles.title")}</h1>
      <p className="fhd-bundle-lead">{t("bundles.lead")}</p>
      <BundlesTabs active={view.view} />
      {view.view === "build" ? (
        <BuildView />
      ) : view.file === null ? (
        <ReceiveStart />
      ) : (
        <ReceiveView key={view.file} file={view.file} />
      )}
    </div>
  );
}
