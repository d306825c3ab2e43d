/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { precompressPlugin } from "./build/precompress";
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * The student's phone entry (/m, /m/*) is its own HTML page and bundle (m.html, src/mobile/): it never pulls the
 * console's antd. The dev server serves it for those paths as the gateway and nginx do in production.
 */
const mobileEntry: Plugin = {
  name: "tucai-mobile-entry",
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const path = (req.url ?? "").split("?")[0];
      if ((path === "/m" || path.startsWith("/m/")) && !path.includes(".")) req.url = "/m.html";
      next();
    });
  },
};

// The SPA is served by the same origin as the API (`/api/<service>/...`). In development, point the proxy at a
// running `tucai serve` (default http://127.0.0.1:8000, override with TUCAI_API).
const api = process.env.TUCAI_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  // precompressPlugin: .br and .gz beside every built text file (both entries), served by the gateway and nginx.
  plugins: [react(), mobileEntry, precompressPlugin()],
  server: {
    proxy: { "/api": { target: api, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    rolldownOptions: {
      input: { main: here("index.html"), m: here("m.html") },
      output: {
        // Long-lived vendor chunks (cache well across deployments); antd stays split per component by usage.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
            { name: "router", test: /node_modules[\\/](react-router|@remix-run|cookie)[\\/]/, priority: 20 },
            { name: "query", test: /node_modules[\\/](@tanstack|openapi-fetch|openapi-react-query)[\\/]/, priority: 20 },
          ],
        },
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "build/**/*.test.ts"],
  },
});
