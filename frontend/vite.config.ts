/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { precompressPlugin } from "./build/precompress";

// The SPA is served by the same origin as the API (`/api/<service>/...`). In development, point the proxy at a
// running `tucai serve` (default http://127.0.0.1:8000, override with TUCAI_API).
const api = process.env.TUCAI_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  // precompressPlugin: .br and .gz beside every built text file, served by the gateway and nginx.
  plugins: [react(), precompressPlugin()],
  server: {
    proxy: { "/api": { target: api, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    rolldownOptions: {
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
