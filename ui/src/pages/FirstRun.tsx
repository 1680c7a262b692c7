// Shown instead of the pages on the very first start: what the app is for and three ways in.
// Any choice stores `onboarded: true`, so the next start goes straight to the pages.
import { ArrowRight, DocumentImport, Earth, FolderOpen } from "@carbon/icons-react";
import { useState } from "react";
import { useNotifier } from "../components/Notifications";
import { ReadyMarker } from "../ready";
import { navigate, type Route } from "../router";
import { useAppState } from "../state";

interface Choice {
  id: string;
  title: string;
  text: string;
  route: Route;
  icon: typeof Earth;
}

const CHOICES: Choice[] = [
  {
    id: "first-run-console",
    title: "Add a console",
    text: "Connect a Fabric Operations Console to see its peers, CAs, ordering services and organizations.",
    route: "consoles",
    icon: Earth,
  },
  {
    id: "first-run-offline",
    title: "Work offline",
    text: "Drop exported JSON files onto this window: nodes, MSP definitions and identities from a console export.",
    route: "nodes",
    icon: DocumentImport,
  },
  {
    id: "first-run-empty",
    title: "Continue with an empty workspace",
    text: "Look around first; you can add consoles and files at any time.",
    route: "nodes",
    icon: FolderOpen,
  },
];

export default function FirstRun() {
  const { settings, saveSettings } = useAppState();
  const { notifyError } = useNotifier();
  const [busy, setBusy] = useState(false);

  const choose = async (choice: Choice) => {
    setBusy(true);
    try {
      await saveSettings({ ...settings, onboarded: true });
      navigate(choice.route);
    } catch (error) {
      notifyError(error, "Could not save your choice");
      setBusy(false);
    }
  };

  return (
    <div className="fhd-first-run">
      <section className="fhd-welcome" aria-labelledby="welcome-title">
        <h1 id="welcome-title" className="fhd-welcome__title">
          Welcome to Fabric HA Desktop
        </h1>
        <p className="fhd-welcome__lead">
          Keep an organization's Hyperledger Fabric peers running when a whole region goes down:
          redundant peers in every region's console, set up from one desktop.
        </p>
        <h2 className="fhd-welcome__next">What would you like to do first?</h2>
        <ul className="fhd-welcome__choices">
          {CHOICES.map((choice) => {
            const Icon = choice.icon;
            return (
              <li key={choice.id}>
                <button
                  type="button"
                  id={choice.id}
                  className="fhd-welcome__choice"
                  disabled={busy}
                  onClick={() => void choose(choice)}
                >
                  <Icon size={24} className="fhd-welcome__choice-icon" aria-hidden="true" />
                  <span className="fhd-welcome__choice-text">
                    <span className="fhd-welcome__choice-title">{choice.title}</span>
                    <span className="fhd-welcome__choice-hint">{choice.text}</span>
                  </span>
                  <ArrowRight size={20} className="fhd-welcome__choice-arrow" aria-hidden="true" />
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      <ReadyMarker />
    </div>
  );
}
