// "Join channel…": the channel's name and, optionally, the peer block 0 comes from (by default
// the backend asks the organization's other peers which one has joined it). While the joined
// peer catches up with that peer, a bar shows its height.
import { InlineLoading, ProgressBar, Select, SelectItem, TextInput } from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { JoinProgress } from "../bindings/JoinProgress";
import type { OrgPeers } from "../bindings/OrgPeers";
import { catchUpText, type PeerTarget } from "./logic";
import { PeerError } from "./parts";
import type { Read } from "./usePeerData";

export interface JoinFormState {
  channel: string;
  /** A peer's `knownAs` name, or "" for "found by the app". */
  from: string;
  busy: boolean;
  /** The last catch-up height, once the join was accepted. */
  progress: JoinProgress | null;
  error: unknown;
  /** The channel field's own complaint (empty name). */
  invalid: string | null;
}

export const EMPTY_JOIN: JoinFormState = {
  channel: "",
  from: "",
  busy: false,
  progress: null,
  error: null,
  invalid: null,
};

/** How the other peers are offered: their first `CONSOLE/ID` (or library id) names them. */
export function peerOption(node: OrgPeers["others"][number]): { value: string; text: string } {
  const name = node.knownAs[0] ?? node.name;
  return { value: name, text: `${node.name} (${name})` };
}

export function JoinForm(props: {
  target: PeerTarget;
  form: JoinFormState;
  orgPeers: Read<OrgPeers> | null;
  onChange: (patch: Partial<JoinFormState>) => void;
}) {
  const { form, target } = props;
  const { t } = useTranslation("peers");
  const others = props.orgPeers?.state === "done" ? props.orgPeers.value.others : [];
  return (
    <div className="fhd-peer-form" data-testid="peer-join-form">
      <p className="fhd-panel__intro">
        {target.mspId
          ? t("join.intro", { peer: target.displayName, msp: target.mspId })
          : t("join.introNoMsp", { peer: target.displayName })}
      </p>
      <TextInput
        id="peer-join-channel"
        labelText={t("join.channel")}
        // i18n-ignore: an example channel name
        placeholder="mychannel"
        value={form.channel}
        disabled={form.busy}
        invalid={form.invalid !== null}
        invalidText={form.invalid ?? undefined}
        onChange={(e) => props.onChange({ channel: e.target.value, invalid: null })}
      />
      <Select
        id="peer-join-from"
        labelText={t("join.from")}
        helperText={props.orgPeers?.state === "failed" ? t("join.fromFailed") : t("join.fromHelp")}
        value={form.from}
        disabled={form.busy}
        onChange={(e) => props.onChange({ from: e.target.value })}
      >
        <SelectItem value="" text={t("join.fromDefault")} />
        {others.map((node) => {
          const option = peerOption(node);
          return <SelectItem key={node.apiUrl} value={option.value} text={option.text} />;
        })}
      </Select>
      {form.busy ? (
        form.progress ? (
          <JoinBar progress={form.progress} />
        ) : (
          <InlineLoading
            iconDescription={t("loadingIcon")}
            description={t("join.joining", { peer: target.displayName, channel: form.channel })}
          />
        )
      ) : null}
      {form.error !== null ? (
        <PeerError
          error={form.error}
          context={
            form.channel.trim()
              ? t("join.failed", { peer: target.displayName, channel: form.channel.trim() })
              : t("join.failedNoChannel", { peer: target.displayName })
          }
        />
      ) : null}
    </div>
  );
}

function JoinBar(props: { progress: JoinProgress }) {
  const { t } = useTranslation("peers");
  const bar = catchUpText(props.progress);
  return (
    <div data-testid="peer-join-progress" data-height={props.progress.height}>
      <ProgressBar label={t("join.bar")} helperText={bar.text} value={bar.value} max={bar.max} />
    </div>
  );
}
