// "Join channel…": the channel's name and, optionally, the peer block 0 comes from (by default
// the backend asks the organization's other peers which one has joined it). While the joined
// peer catches up with that peer, a bar shows its height.
import { InlineLoading, ProgressBar, Select, SelectItem, TextInput } from "@carbon/react";
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
  const others = props.orgPeers?.state === "done" ? props.orgPeers.value.others : [];
  return (
    <div className="fhd-peer-form" data-testid="peer-join-form">
      <p className="fhd-panel__intro">
        {`${target.displayName} gets the channel's block 0 from a peer of ${target.mspId ?? "its organization"} that has joined it, then pulls the blocks from the ordering service until it has caught up with that peer.`}
      </p>
      <TextInput
        id="peer-join-channel"
        labelText="Channel name"
        placeholder="mychannel"
        value={form.channel}
        disabled={form.busy}
        invalid={form.invalid !== null}
        invalidText={form.invalid ?? undefined}
        onChange={(e) => props.onChange({ channel: e.target.value, invalid: null })}
      />
      <Select
        id="peer-join-from"
        labelText="Block 0 from (optional)"
        helperText={
          props.orgPeers?.state === "failed"
            ? "The organization's other peers could not be listed; the app still looks for one."
            : "By default the app asks the organization's other peers which one has joined the channel."
        }
        value={form.from}
        disabled={form.busy}
        onChange={(e) => props.onChange({ from: e.target.value })}
      >
        <SelectItem value="" text="A peer of the organization that has joined it" />
        {others.map((node) => {
          const option = peerOption(node);
          return <SelectItem key={node.apiUrl} value={option.value} text={option.text} />;
        })}
      </Select>
      {form.busy ? (
        form.progress ? (
          <JoinBar progress={form.progress} />
        ) : (
          <InlineLoading description={`Joining ${target.displayName} to ${form.channel}…`} />
        )
      ) : null}
      {form.error !== null ? (
        <PeerError
          error={form.error}
          context={`${target.displayName} could not join ${form.channel.trim() || "the channel"}`}
        />
      ) : null}
    </div>
  );
}

function JoinBar(props: { progress: JoinProgress }) {
  const bar = catchUpText(props.progress);
  return (
    <div data-testid="peer-join-progress" data-height={props.progress.height}>
      <ProgressBar
        label="Catching up with the ledger"
        helperText={bar.text}
        value={bar.value}
        max={bar.max}
      />
    </div>
  );
}
