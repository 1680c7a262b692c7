// The HA wizard's channels and chaincode, read from the plan's region-1 peers instead of typed:
// a multi-select of the channels they have joined (with heights), and a multi-select of their
// installed packages that a definition on the chosen channels uses (stored as package ids,
// `label:hash`; none chosen means every such package). When no region-1 peer answers, the
// reason is shown and the names are typed instead. A new organization has no peer to ask yet.
import { InlineLoading, InlineNotification, MultiSelect, TextInput } from "@carbon/react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { peerChaincodes, peerChannels } from "../api";
import type { InstalledChaincode } from "../bindings/InstalledChaincode";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import type { PeerChannels } from "../bindings/PeerChannels";
import { describeError } from "../errors";
import { joinList as joinNames } from "../i18n";
import {
  type ChannelChoice,
  consolePeerName,
  joinList,
  mergeChannels,
  mergePackages,
  packagesOnChannels,
  shortPackageId,
  splitList,
  usedByText,
} from "./logic";
import "./peers.scss";

/** What the region-1 peers said: for each, its channels and packages, or why not. */
interface Answers {
  /** The `CONSOLE/ID` names asked, in order. */
  asked: string[];
  channels: PeerChannels[];
  chaincodes: PeerChaincodes[];
  /** The first failure per peer, with the peer's name. */
  failures: { peer: string; error: unknown }[];
}

export function PlanPeerChoices(props: {
  mode: "existing" | "new";
  console: string;
  /** The chosen region-1 peers (component ids in `console`). */
  peers: readonly string[];
  /** The wallet identity whose TLS certificate the reads present (peers that require mutual
   * TLS), or null for none. */
  tlsIdentity: string | null;
  /** Display names by component id, for the messages. */
  names: Readonly<Record<string, string>>;
  channels: string;
  chaincodes: string;
  onChange: (patch: { channels?: string; chaincodes?: string }) => void;
}) {
  const { mode, console, peers, tlsIdentity } = props;
  const { t } = useTranslation("peers");
  const asked = useMemo(
    () => (mode === "existing" ? peers.map((id) => consolePeerName(console, id)) : []),
    [mode, console, peers],
  );
  const key = asked.join("\n");
  const [answers, setAnswers] = useState<Answers | null>(null);

  useEffect(() => {
    setAnswers(null);
    const names = key === "" ? [] : key.split("\n");
    if (names.length === 0) return;
    let live = true;
    const reads = names.map(async (peer) => {
      const [channels, chaincodes] = await Promise.allSettled([
        peerChannels(peer, null, tlsIdentity),
        peerChaincodes(peer, null, tlsIdentity),
      ]);
      return { peer, channels, chaincodes };
    });
    void Promise.all(reads).then((results) => {
      if (!live) return;
      const out: Answers = { asked: names, channels: [], chaincodes: [], failures: [] };
      for (const r of results) {
        if (r.channels.status === "fulfilled") out.channels.push(r.channels.value);
        if (r.chaincodes.status === "fulfilled") out.chaincodes.push(r.chaincodes.value);
        const failed = [r.channels, r.chaincodes].find((x) => x.status === "rejected");
        if (failed && failed.status === "rejected") {
          out.failures.push({ peer: r.peer, error: failed.reason });
        }
      }
      setAnswers(out);
    });
    return () => {
      live = false;
    };
  }, [key, tlsIdentity]);

  if (mode === "new") {
    return (
      <p className="fhd-plan-hint" data-testid="plan-choices-new-org">
        {t("choices.newOrg")}
      </p>
    );
  }
  if (peers.length === 0) {
    return (
      <p className="fhd-plan-hint" data-testid="plan-choices-no-peer">
        {t("choices.noPeer")}
      </p>
    );
  }
  if (!answers) {
    const who = joinNames(peers.map((id) => props.names[id] ?? id));
    return (
      <InlineLoading
        iconDescription={t("loadingIcon")}
        description={t("choices.reading", { peers: who })}
      />
    );
  }
  const label = (peer: string) => {
    const id = peer.slice(console.length + 1);
    return props.names[id] ?? peer;
  };
  if (answers.channels.length === 0) {
    return <TypedChoices {...props} failures={answers.failures} label={label} />;
  }
  return <Choices {...props} answers={answers} label={label} />;
}

function FailureNotice(props: {
  failures: Answers["failures"];
  label: (peer: string) => string;
  typed: boolean;
}) {
  const { t } = useTranslation("peers");
  const [first] = props.failures;
  if (!first) return null;
  const described = describeError(first.error);
  const who = joinNames(props.failures.map((f) => props.label(f.peer)));
  return (
    <InlineNotification
      kind="warning"
      lowContrast
      hideCloseButton
      className="fhd-peer-notice"
      data-testid="plan-choices-unreachable"
      data-code={described.code}
      title={t("choices.unreadable", { peers: who, sentence: described.sentence })}
      statusIconDescription={t("panel.notice.warning")}
      subtitle={[
        described.fix,
        described.detail !== described.sentence ? described.detail : "",
        props.typed ? t("choices.typeInstead") : "",
      ]
        .filter(Boolean)
        .join(" ")}
    />
  );
}

/** The fallback: the names typed, comma-separated. */
function TypedChoices(props: {
  channels: string;
  chaincodes: string;
  onChange: (patch: { channels?: string; chaincodes?: string }) => void;
  failures: Answers["failures"];
  label: (peer: string) => string;
}) {
  const { t } = useTranslation("peers");
  return (
    <div className="fhd-peer-choices">
      <FailureNotice failures={props.failures} label={props.label} typed />
      <TextInput
        id="plan-channels"
        labelText={t("choices.typedChannels")}
        value={props.channels}
        onChange={(e) => props.onChange({ channels: e.target.value })}
      />
      <TextInput
        id="plan-chaincodes"
        labelText={t("choices.typedPackages")}
        helperText={t("choices.typedPackagesHelp", {
          command: "peer lifecycle chaincode queryinstalled",
        })}
        value={props.chaincodes}
        onChange={(e) => props.onChange({ chaincodes: e.target.value })}
      />
    </div>
  );
}

/** Carbon's own texts of a multi-select, by its message id. */
const SELECT_TEXT: Record<string, string> = {
  "open.menu": "choices.select.openMenu",
  "close.menu": "choices.select.closeMenu",
  "clear.all": "choices.select.clearAll",
  "clear.selection": "choices.select.clearOne",
};

function Choices(props: {
  channels: string;
  chaincodes: string;
  onChange: (patch: { channels?: string; chaincodes?: string }) => void;
  answers: Answers;
  label: (peer: string) => string;
}) {
  const { answers, onChange } = props;
  const { t } = useTranslation("peers");
  const translateSelect = (id: string) => t(SELECT_TEXT[id] ?? "choices.select.openMenu");
  const selectTexts = {
    clearSelectionText: t("choices.select.clearHint"),
    clearAnnouncement: t("choices.select.cleared"),
    clearSelectionDescription: t("choices.select.total"),
  };
  const channelItems = useMemo(() => mergeChannels(answers.channels), [answers]);
  const allPackages = useMemo(() => mergePackages(answers.chaincodes), [answers]);
  const chosenChannels = splitList(props.channels);
  const selectedChannels = channelItems.filter((c) => chosenChannels.includes(c.channel));
  const channelNames = selectedChannels.map((c) => c.channel);
  const packageItems = packagesOnChannels(allPackages, channelNames);
  const chosenPackages = splitList(props.chaincodes);
  const selectedPackages = packageItems.filter((p) => chosenPackages.includes(p.packageId));

  // Names typed earlier (or of another peer) that these peers do not have are dropped.
  const keptChannels = joinList(channelNames);
  const keptPackages = joinList(selectedPackages.map((p) => p.packageId));
  useEffect(() => {
    const patch: { channels?: string; chaincodes?: string } = {};
    if (keptChannels !== joinList(splitList(props.channels))) patch.channels = keptChannels;
    if (keptPackages !== joinList(splitList(props.chaincodes))) patch.chaincodes = keptPackages;
    if (patch.channels !== undefined || patch.chaincodes !== undefined) onChange(patch);
  }, [keptChannels, keptPackages, props.channels, props.chaincodes, onChange]);

  return (
    <div className="fhd-peer-choices" data-testid="plan-choices">
      <FailureNotice failures={answers.failures} label={props.label} typed={false} />
      <MultiSelect<ChannelChoice>
        id="plan-channels"
        titleText={t("choices.channels")}
        label={channelNames.length > 0 ? channelNames.join(", ") : t("choices.chooseChannels")}
        helperText={t("choices.channelsHelp")}
        translateWithId={translateSelect}
        {...selectTexts}
        items={channelItems}
        itemToString={(c) =>
          c ? t("choices.channelItem", { channel: c.channel, height: c.height }) : ""
        }
        selectedItems={selectedChannels}
        selectionFeedback="fixed"
        onChange={({ selectedItems }) => {
          const channels = (selectedItems ?? []).map((c) => c.channel);
          const still = packagesOnChannels(allPackages, channels).map((p) => p.packageId);
          onChange({
            channels: joinList(channels),
            chaincodes: joinList(chosenPackages.filter((id) => still.includes(id))),
          });
        }}
      />
      <MultiSelect<InstalledChaincode>
        id="plan-chaincodes"
        titleText={t("choices.packages")}
        translateWithId={translateSelect}
        {...selectTexts}
        label={
          selectedPackages.length > 0
            ? selectedPackages.map((p) => p.label).join(", ")
            : channelNames.length > 0
              ? t("choices.everyPackage")
              : t("choices.channelsFirst")
        }
        helperText={
          channelNames.length === 0
            ? t("choices.packagesHelp")
            : packageItems.length === 0
              ? t("choices.noPackages")
              : t("choices.packagesCopied")
        }
        disabled={packageItems.length === 0}
        items={packageItems}
        itemToString={(p) =>
          p ? `${p.label} · ${shortPackageId(p.packageId)} · ${usedByText(p.references)}` : ""
        }
        selectedItems={selectedPackages}
        selectionFeedback="fixed"
        onChange={({ selectedItems }) =>
          onChange({ chaincodes: joinList((selectedItems ?? []).map((p) => p.packageId)) })
        }
      />
    </div>
  );
}
