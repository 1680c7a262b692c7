// A console's stale records in the HA check's console row: its copy of a peer whose
// certificates are not the peer's (other than in the peer's own console, or a TLS certificate
// the peer does not serve), what to do, and "Update" where the peer's own console has the
// current record (the console's edit route, changing nothing else). The check runs again after.
import { Button, InlineLoading } from "@carbon/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { consoleUpdateRecords } from "../api";
import type { HaConsole } from "../bindings/HaConsole";
import type { HaStale } from "../bindings/HaStale";
import { useNotifier } from "../components/Notifications";
import "./stale.scss";

function StaleRecord(props: { console: string; stale: HaStale; onUpdated: () => void }) {
  const { t } = useTranslation("stale");
  const { notify, notifyError } = useNotifier();
  const [busy, setBusy] = useState(false);
  const { stale } = props;
  const from = stale.updateFrom;
  const what = [...stale.fields, ...(stale.notServed ? [t("notServed")] : [])];
  const update = async () => {
    if (!from) return;
    setBusy(true);
    try {
      await consoleUpdateRecords({
        console: props.console,
        source: { kind: "console", from: from.console, componentIds: [from.componentId] },
      });
      notify({
        kind: "success",
        title: t("updated", { peer: stale.peer, console: props.console }),
      });
      props.onUpdated();
    } catch (e) {
      notifyError(e, t("updateFailed", { peer: stale.peer, console: props.console }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="fhd-ha-stale" data-testid={`stale-${props.console}-${stale.componentId}`}>
      <span className="fhd-ha-stale__text">
        {t("record", { id: stale.componentId, peer: stale.peer, what: what.join(", ") })}
      </span>
      {from ? (
        busy ? (
          <InlineLoading description={t("updating")} />
        ) : (
          <Button size="sm" kind="tertiary" onClick={() => void update()}>
            {t("update", { console: from.console })}
          </Button>
        )
      ) : (
        <span className="fhd-ha-stale__todo">{t("reexport")}</span>
      )}
    </li>
  );
}

/** The stale records of one console row; nothing when its records are current. */
export function StaleRecords(props: { row: HaConsole; onUpdated: () => void }) {
  const { row } = props;
  if (row.stale.length === 0) return null;
  return (
    <ul className="fhd-ha-stale-list">
      {row.stale.map((s) => (
        <StaleRecord
          key={s.componentId}
          console={row.console}
          stale={s}
          onUpdated={props.onUpdated}
        />
      ))}
    </ul>
  );
}
