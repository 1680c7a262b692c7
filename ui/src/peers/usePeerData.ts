// What the peer panel reads from the peer: its channels with heights, its installed packages,
// and, once the channels are known, each channel's anchor peers (from the config block the
// peer itself holds). Every read signs with `identity` (null: the organization's admin the
// backend picks) and presents `tlsIdentity`'s TLS certificate (null: none; for peers that
// require mutual TLS); `version` re-reads everything.
import { useEffect, useState } from "react";
import { channelAnchors, peerChaincodes, peerChannels } from "../api";
import type { ChannelAnchors } from "../bindings/ChannelAnchors";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import type { PeerChannels } from "../bindings/PeerChannels";

/** One read: still running, its answer, or why it failed. */
export type Read<T> =
  | { state: "loading" }
  | { state: "done"; value: T }
  | { state: "failed"; error: unknown };

export interface PeerData {
  channels: Read<PeerChannels>;
  chaincodes: Read<PeerChaincodes>;
  /** By channel name. */
  anchors: Record<string, Read<ChannelAnchors>>;
}

const LOADING = { state: "loading" } as const;

function settle<T>(promise: Promise<T>): Promise<Read<T>> {
  return promise.then(
    (value): Read<T> => ({ state: "done", value }),
    (error: unknown): Read<T> => ({ state: "failed", error }),
  );
}

export function usePeerData(
  peer: string,
  identity: string | null,
  tlsIdentity: string | null,
  version: number,
): PeerData {
  const [data, setData] = useState<PeerData>({
    channels: LOADING,
    chaincodes: LOADING,
    anchors: {},
  });

  useEffect(() => {
    // `version` is a dependency on purpose: a bump re-reads the peer.
    void version;
    let live = true;
    setData((d) => ({
      channels: LOADING,
      chaincodes: LOADING,
      // Keep the anchors shown while they are read again.
      anchors: d.anchors,
    }));
    void settle(peerChannels(peer, identity, tlsIdentity)).then((channels) => {
      if (!live) return;
      const names = channels.state === "done" ? channels.value.channels.map((c) => c.channel) : [];
      setData((d) => ({
        ...d,
        channels,
        anchors: Object.fromEntries(names.map((n) => [n, d.anchors[n] ?? LOADING])),
      }));
      for (const channel of names) {
        void settle(channelAnchors(channel, peer, identity, tlsIdentity)).then((read) => {
          if (live) setData((d) => ({ ...d, anchors: { ...d.anchors, [channel]: read } }));
        });
      }
    });
    void settle(peerChaincodes(peer, identity, tlsIdentity)).then((chaincodes) => {
      if (live) setData((d) => ({ ...d, chaincodes }));
    });
    return () => {
      live = false;
    };
  }, [peer, identity, tlsIdentity, version]);

  return data;
}
