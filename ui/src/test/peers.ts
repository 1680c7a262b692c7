// A backend for unit tests of the peer views: the mock build's consoles and the Fabric network
// behind their peers (mocks/consoles.ts, mocks/peers.ts), through `mockBackend`.
import { MockConsoles } from "../mocks/consoles";
import { MockLibrary } from "../mocks/library";
import { isPeerCommand, MockPeers } from "../mocks/peers";
import { mockBackend, type RecordedCall } from "./ipc";

/** Serves console_list, console_components and the peer_* / channel_* commands (`extra` is
 * asked first), and records every call. */
export function mockPeerBackend(extra?: (cmd: string, args: unknown) => unknown): RecordedCall[] {
  const library = new MockLibrary([]);
  const consoles = new MockConsoles(library);
  const peers = new MockPeers(consoles, library);
  return mockBackend({
    extra: (cmd, args) => {
      const handled = extra?.(cmd, args);
      if (handled !== undefined) return handled;
      if (cmd === "console_list") return consoles.list();
      if (cmd === "console_components") return consoles.components((args as { name: string }).name);
      return isPeerCommand(cmd) ? peers.answer(cmd, args) : undefined;
    },
  });
}
