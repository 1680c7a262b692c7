// The mock build's running sandbox (`?sandbox=1`): the regions of the three sandbox consoles
// (Dallas us-south, Frankfurt eu-de, Tokyo jp-tok), each with its CA and peers, stopped and
// started as `fabric-ha sandbox region stop|start` does (after a short wait, as the real start
// waits for every peer). Without the flag no sandbox runs: an empty list.
import type { IpcError } from "../bindings/IpcError";
import type { SandboxRegion } from "../bindings/SandboxRegion";

/** How long a stop or start takes in the mock. */
const ACT_MS = 300;

function seed(): SandboxRegion[] {
  const region = (name: string, port: number, peers: string[], ca?: string): SandboxRegion => ({
    region: name,
    consoleUrl: `https://127.0.0.1:${port}`,
    running: true,
    nodes: [
      ...(ca ? [{ id: ca, kind: "ca", pid: port + 10 }] : []),
      ...peers.map((id, i) => ({ id, kind: "peer", pid: port + 20 + i })),
    ],
  });
  return [
    region("us-south", 3001, ["org1peer0", "org1peer1"], "org1ca"),
    region("eu-de", 3002, ["org1peer2"]),
    region("jp-tok", 3003, ["org1peer3", "org1peer4"]),
  ];
}

export class MockSandbox {
  private readonly all: SandboxRegion[];

  constructor(running: boolean) {
    this.all = running ? seed() : [];
  }

  regions(): SandboxRegion[] {
    return this.all.map((r) => ({ ...r }));
  }

  async act(op: "stop" | "start", name: string): Promise<SandboxRegion> {
    const region = this.all.find((r) => r.region === name);
    if (!region) {
      const known = this.all.map((r) => r.region).join(", ");
      const error: IpcError = {
        code: "InvalidInput",
        message: `region: the sandbox has no region ${name} (regions: ${known})`,
        details: null,
      };
      throw error;
    }
    if ((op === "stop") !== region.running) {
      const error: IpcError = {
        code: "InvalidInput",
        message: `region: region ${name} is ${op === "stop" ? "stopped" : "running"} already`,
        details: null,
      };
      throw error;
    }
    await new Promise((ok) => setTimeout(ok, ACT_MS));
    region.running = op === "start";
    region.nodes = region.nodes.map((n, i) => ({
      ...n,
      pid: region.running ? 40_000 + i : null,
    }));
    return { ...region };
  }
}
