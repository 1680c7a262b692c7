import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `--mode mock` (npm run build:mock) loads .env.mock, which sets VITE_IPC_MOCK=1: main.tsx then
// installs the IPC mock before rendering. The production build never contains the mock module.
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  clearScreen: false,
  // Tauri's dev URL (tauri.conf.json devUrl); a fixed port so the shell finds it.
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  css: {
    preprocessorOptions: {
      scss: {
        // Carbon's sources still use a few deprecated Sass features; they are not ours to fix.
        quietDeps: true,
        silenceDeprecations: ["import", "global-builtin", "if-function"],
      },
    },
  },
  build: {
    outDir: mode === "mock" ? "dist-mock" : "dist",
    emptyOutDir: true,
    target: "es2022",
    // Every asset is a file under 'self'; small ones may inline as data: (allowed by the CSP).
    assetsInlineLimit: 4096,
    reportCompressedSize: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything the start page imports statically goes in one chunk: WebKit loads one
          // file faster than the thirty small ones the default split makes of it. Lazy pages
          // keep their own chunks.
          groups: [{ name: "start", tags: ["$initial"], includeDependenciesRecursively: false }],
        },
      },
    },
  },
}));
