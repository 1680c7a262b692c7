// Shown instead of the pages on the very first start: what the app is for and three ways in.
// Any choice stores `onboarded: true`, so the next start goes straight to the pages.
import { ArrowRight, DocumentImport, Earth, FolderOpen } from "@carbon/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNotifier } from "../components/Notifications";
import { ReadyMarker } from "../ready";
import { navigate, type Route } from "../router";
import { useAppState } from "../state";

/** One way in; its texts are `pages:firstRun.<key>.title` and `.text`. */
interface Choice {
  id: string;
  key: "console" | "offline" | "empty";
  route: Route;
  icon: typeof Earth;
}

const CHOICES: Choice[] = [
  { id: "first-run-console", key: "console", route: "consoles", icon: Earth },
  { id: "first-run-offline", key: "offline", route: "nodes", icon: DocumentImport },
  { id: "first-run-empty", key: "empty", route: "nodes", icon: FolderOpen },
];

export default function FirstRun() {
  const { t } = useTranslation("pages");
  const { settings, saveSettings } = useAppState();
  const { notifyError } = useNotifier();
  const [busy, setBusy] = useState(false);

  const choose = async (choice: Choice) => {
    setBusy(true);
    try {
      await saveSettings({ ...settings, onboarded: true });
      navigate(choice.route);
    } catch (error) {
      notifyError(error, t("firstRun.saveFailed"));
      setBusy(false);
    }
  };

  return (
    <div className="fhd-first-run">
      <section className="fhd-welcome" aria-labelledby="welcome-title">
        <h1 id="welcome-title" className="fhd-welcome__title">
          {t("firstRun.title")}
        </h1>
        <p className="fhd-welcome__lead">{t("firstRun.lead")}</p>
        <h2 className="fhd-welcome__next">{t("firstRun.next")}</h2>
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
                    <span className="fhd-welcome__choice-title">
                      {t(`firstRun.${choice.key}.title`)}
                    </span>
                    <span className="fhd-welcome__choice-hint">
                      {t(`firstRun.${choice.key}.text`)}
                    </span>
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
