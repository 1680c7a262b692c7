/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** "1" in the browser-test bundle (`npm run build:mock`): IPC is served by src/mocks/ipc.ts. */
  readonly VITE_IPC_MOCK?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
