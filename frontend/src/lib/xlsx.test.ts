import { describe, expect, it } from "vitest";
import { crc32, toXlsx } from "./xlsx";

const decoder = new TextDecoder();

/** The stored entries of a ZIP, read back through its central directory. */
function entries(zip: Uint8Array): Map<string, string> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const found = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const offset = view.getUint32(at + 42, true);
    const name = decoder.decode(zip.slice(at + 46, at + 46 + nameLength));
    const localName = view.getUint16(offset + 26, true);
    const data = zip.slice(offset + 30 + localName, offset + 30 + localName + size);
    expect(crc32(data)).toBe(view.getUint32(at + 16, true));
    found.set(name, decoder.decode(data));
    at += 46 + nameLength;
  }
  return found;
}

describe("toXlsx", () => {
  it("is a workbook of the header and rows, text as text and numbers as numbers", () => {
    const files = entries(toXlsx(["学号", "姓名", "人数"], [["2023090101", "王*明", 3], ["=1+1", "A&B<c>", null]], "学生"));
    expect([...files.keys()]).toContain("xl/worksheets/sheet1.xml");
    const sheet = files.get("xl/worksheets/sheet1.xml") ?? "";
    expect(sheet).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve">2023090101</t></is></c>');
    expect(sheet).toContain('<c r="C2"><v>3</v></c>');
    expect(sheet).toContain("<t xml:space=\"preserve\">'=1+1</t>"); // never a formula: no <f>, and inert as CSV
    expect(sheet).not.toContain("<f>");
    expect(sheet).toContain("A&amp;B&lt;c&gt;");
    expect(files.get("xl/workbook.xml")).toContain('name="学生"');
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});
