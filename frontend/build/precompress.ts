/**
 * Precompression of the built SPA: after `vite build`, every compressible file of the output folder (all of it,
 * whatever entry produced it — the consoles, the student pages, /m) gets a Brotli `.br` and a gzip `.gz` beside it,
 * compressed once at the highest levels. The gateway (embedded mode) and nginx (`gzip_static`) send those files
 * to clients that accept the encoding, so no request pays for compressing and the bytes are the smallest the
 * formats give. A variant that is not smaller than the file is not written (the server then sends the file).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** Text formats worth compressing; images, fonts (woff2) and archives are compressed already. */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml|map|wasm)$/i;
/** Below this a response fits a packet or two either way (nginx's gzip_min_length). */
export const MIN_BYTES = 1024;

export interface Compressed {
  file: string;
  bytes: number;
  br?: number;
  gz?: number;
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Write `.br` and `.gz` beside every compressible file under `dir`; returns what was written. */
export function precompress(dir: string): Compressed[] {
  const out: Compressed[] = [];
  for (const path of files(dir)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const data = readFileSync(path);
    if (data.length < MIN_BYTES) continue;
    const entry: Compressed = { file: path, bytes: data.length };
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    if (br.length < data.length) {
      writeFileSync(`${path}.br`, br);
      entry.br = br.length;
    }
    const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
    if (gz.length < data.length) {
      writeFileSync(`${path}.gz`, gz);
      entry.gz = gz.length;
    }
    out.push(entry);
  }
  return out;
}

/** The Vite plugin: precompress the output folder once the bundle is written (`vite build` only). */
export function precompressPlugin(): Plugin {
  let outDir = "dist";
  return {
    name: "tucai-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir.startsWith("/") ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const done = precompress(outDir);
      const sum = (key: "bytes" | "br" | "gz") => done.reduce((n, c) => n + (c[key] ?? 0), 0);
      this.info?.(`precompressed ${done.length} files: ${sum("bytes")} B → br ${sum("br")} B, gz ${sum("gz")} B`);
    },
  };
}
