import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, startBoot } from "./App";
import { EMPTY_WORKSPACE, type WorkspaceData } from "./data/model";
import { WorkspaceDataProvider } from "./data/WorkspaceData";
import "./i18n";
import "./styles/index.scss";

async function start(): Promise<void> {
  performance.mark("fhd:script");
  let data: WorkspaceData = EMPTY_WORKSPACE;
  // Only `npm run build:mock` sets this; in the production build the branch, and with it the
  // mock module, is removed.
  if (import.meta.env.VITE_IPC_MOCK === "1") {
    const mock = await import("./mocks/ipc");
    data = mock.installMockIpc(new URLSearchParams(window.location.search));
  }
  startBoot();
  const root = document.getElementById("root");
  if (!root) throw new Error("index.html has no #root");
  createRoot(root).render(
    <StrictMode>
      <WorkspaceDataProvider value={data}>
        <App />
      </WorkspaceDataProvider>
    </StrictMode>,
  );
}

void start();
