// The Bundles page (lazy-loaded, with its styles): build a bundle for a console this desk cannot
// reach, or receive one — inspect, verify, apply. Sub-views live in the hash: `#/bundles`
// (build), `#/bundles/receive`, `#/bundles/receive/<file>` (a bundle opened by dialog or dropped
// anywhere on the window).
import { useSyncExternalStore } from "react";
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
  return (
    <div className="fhd-bundle-page" data-testid="bundles-page" data-view={view.view}>
      <h1 className="fhd-page-title">Bundles</h1>
      <p className="fhd-bundle-lead">
        A bundle carries components to a console you cannot reach from here: one file, encrypted by
        default, optionally signed, with the steps to do in that console.
      </p>
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
