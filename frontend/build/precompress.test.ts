import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { precompress } from "./precompress";

describe("precompress", () => {
  it("writes .br and .gz beside every compressible file of the whole output, and they decode to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "dist-"));
    mkdirSync(join(dir, "assets"));
    mkdirSync(join(dir, "m"));
    const script = "console.log('图采');\n".repeat(500);
    writeFileSync(join(dir, "assets", "app-1.js"), script);
    writeFileSync(join(dir, "m", "index.html"), `<html>${"<p>手机</p>".repeat(300)}</html>`);
    writeFileSync(join(dir, "assets", "tiny.css"), "a{}"); // too small to gain
    writeFileSync(join(dir, "assets", "photo.png"), Buffer.alloc(4096)); // compressed format: left alone
    const done = precompress(dir);
    expect(done.map((c) => c.file).sort()).toEqual([join(dir, "assets", "app-1.js"), join(dir, "m", "index.html")]);
    for (const file of [join(dir, "assets", "app-1.js"), join(dir, "m", "index.html")]) {
      const plain = readFileSync(file);
      expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(plain)).toBe(true);
      expect(gunzipSync(readFileSync(`${file}.gz`)).equals(plain)).toBe(true);
      expect(readFileSync(`${file}.br`).length).toBeLessThan(plain.length / 5);
    }
    expect(existsSync(join(dir, "assets", "tiny.css.br"))).toBe(false);
    expect(existsSync(join(dir, "assets", "photo.png.gz"))).toBe(false);
    // Running again (a rebuild into the same folder) never compresses the variants themselves.
    precompress(dir);
    expect(existsSync(join(dir, "assets", "app-1.js.br.br"))).toBe(false);
  });
});
