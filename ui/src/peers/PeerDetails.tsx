// The peer panel's main view: the peer's channels (height, the organization's anchor peers in
// each, "Make anchor peer") and its installed chaincode packages (label, package id, the
// definitions that use each), as the console's peer page lists channels and smart contracts.
import {
  Button,
  InlineLoading,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
} from "@carbon/react";
import type { ChannelAnchors } from "../bindings/ChannelAnchors";
import { isAnchorPeer, orgAnchorPeers, type PeerTarget, shortPackageId, usedByText } from "./logic";
import { PeerError, SectionHead } from "./parts";
import type { PeerData, Read } from "./usePeerData";

export function PeerDetails(props: {
  target: PeerTarget;
  data: PeerData;
  /** Channels whose "Make anchor peer" is running. */
  anchoring: readonly string[];
  onJoin: () => void;
  onInstall: () => void;
  onMakeAnchor: (channel: string) => void;
}) {
  const { target, data } = props;
  return (
    <>
      <section className="fhd-peer-section" aria-labelledby="peer-channels-title">
        <SectionHead
          id="peer-channels-title"
          title="Channels"
          action="Join channel…"
          onAction={props.onJoin}
        />
        <ChannelsTable {...props} />
      </section>
      <section className="fhd-peer-section" aria-labelledby="peer-chaincodes-title">
        <SectionHead
          id="peer-chaincodes-title"
          title="Installed chaincode"
          action="Install chaincode…"
          onAction={props.onInstall}
        />
        {data.chaincodes.state === "loading" ? (
          <InlineLoading description="Reading the installed packages…" />
        ) : data.chaincodes.state === "failed" ? (
          <PeerError
            error={data.chaincodes.error}
            context="The installed chaincode could not be read"
          />
        ) : data.chaincodes.value.packages.length === 0 ? (
          <p className="fhd-peer-empty">
            No chaincode installed. Install the packages of the organization from another of its
            peers, so their package ids match the approved definitions.
          </p>
        ) : (
          <TableContainer className="fhd-peer-table" data-testid="peer-chaincodes">
            <Table size="md" aria-label={`Chaincode installed on ${target.displayName}`}>
              <TableHead>
                <TableRow>
                  <TableHeader>Label</TableHeader>
                  <TableHeader>Package ID</TableHeader>
                  <TableHeader>Used by</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.chaincodes.value.packages.map((p) => (
                  <TableRow key={p.packageId} data-testid="peer-package" data-package={p.packageId}>
                    <TableCell className="fhd-peer-nowrap">{p.label}</TableCell>
                    <TableCell className="fhd-peer-mono" title={p.packageId}>
                      {shortPackageId(p.packageId)}
                    </TableCell>
                    <TableCell>{usedByText(p.references)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </section>
    </>
  );
}

function ChannelsTable(props: {
  target: PeerTarget;
  data: PeerData;
  anchoring: readonly string[];
  onMakeAnchor: (channel: string) => void;
}) {
  const { target, data } = props;
  if (data.channels.state === "loading") {
    return <InlineLoading description="Reading the channels…" />;
  }
  if (data.channels.state === "failed") {
    return <PeerError error={data.channels.error} context="The channels could not be read" />;
  }
  const channels = data.channels.value.channels;
  if (channels.length === 0) {
    return (
      <p className="fhd-peer-empty">
        No channels. Join the peer to a channel of its organization: block 0 comes from another of
        its peers.
      </p>
    );
  }
  const msp = target.mspId ?? data.channels.value.peer.mspId;
  return (
    <TableContainer className="fhd-peer-table" data-testid="peer-channels">
      <Table size="md" aria-label={`Channels of ${target.displayName}`}>
        <TableHead>
          <TableRow>
            <TableHeader>Channel</TableHeader>
            <TableHeader>Height</TableHeader>
            <TableHeader>{`Anchor peers of ${msp}`}</TableHeader>
            <TableHeader>
              <span className="cds--visually-hidden">Actions</span>
            </TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {channels.map((c) => (
            <TableRow
              key={c.channel}
              data-testid="peer-channel"
              data-channel={c.channel}
              data-height={c.height}
            >
              <TableCell className="fhd-peer-nowrap">{c.channel}</TableCell>
              <TableCell className="fhd-peer-nowrap">{c.height}</TableCell>
              <AnchorCells
                channel={c.channel}
                read={data.anchors[c.channel]}
                mspId={msp}
                target={target}
                busy={props.anchoring.includes(c.channel)}
                onMakeAnchor={props.onMakeAnchor}
              />
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function AnchorCells(props: {
  channel: string;
  read: Read<ChannelAnchors> | undefined;
  mspId: string;
  target: PeerTarget;
  busy: boolean;
  onMakeAnchor: (channel: string) => void;
}) {
  const { read, target } = props;
  if (!read || read.state === "loading") {
    return (
      <>
        <TableCell>
          <InlineLoading description="Reading…" />
        </TableCell>
        <TableCell />
      </>
    );
  }
  if (read.state === "failed") {
    return (
      <TableCell colSpan={2}>
        <PeerError error={read.error} context="The channel's configuration could not be read" />
      </TableCell>
    );
  }
  const anchors = orgAnchorPeers(read.value, props.mspId);
  const isAnchor = isAnchorPeer(anchors, target.apiUrl ?? read.value.peer.apiUrl);
  return (
    <>
      <TableCell data-testid="peer-anchors" className="fhd-peer-mono">
        {anchors.length > 0 ? anchors.join(", ") : "None"}
      </TableCell>
      <TableCell className="fhd-peer-action">
        {isAnchor ? (
          <Tag type="green" size="sm" data-testid="peer-is-anchor">
            Anchor peer
          </Tag>
        ) : props.busy ? (
          <InlineLoading description="Updating the channel…" />
        ) : (
          <Button
            kind="ghost"
            size="sm"
            data-testid="peer-make-anchor"
            aria-label={`Make ${target.displayName} an anchor peer of ${props.channel}`}
            onClick={() => props.onMakeAnchor(props.channel)}
          >
            Make anchor peer
          </Button>
        )}
      </TableCell>
    </>
  );
}
