import { defineConfig } from "vite";

// Output is served by sealdeskd itself (console_dir): hashed asset names, no inline scripts or
// styles (the server's CSP forbids both), no module-preload polyfill (it would be inline).
export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: "es2022",
  },
});
