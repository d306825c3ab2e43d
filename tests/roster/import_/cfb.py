"""A minimal OLE compound file (CFB v3) writer, to build what Excel writes for password-protected workbooks: an
.xlsx with a password is an OLE container holding `EncryptionInfo` and `EncryptedPackage` streams, and an encrypted
.xls has a FILEPASS record in its `Workbook` stream. Streams are padded to 4,096 bytes so no mini stream is needed."""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    if len(names) > 3:
        raise ValueError("this writer keeps the directory in one sector: at most 3 streams")
    data = {n: streams[n] + bytes(max(0, 4096 - len(streams[n]))) for n in names}
    fat: list[int] = [FAT_SECTOR, END]  # sector 0: the FAT, sector 1: the directory
    starts: dict[str, int] = {}
    body = b""
    for name in names:
        padded = data[name] + bytes(-len(data[name]) % SECTOR)
        count = len(padded) // SECTOR
        starts[name] = len(fat)
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(END)
        body += padded
    if len(fat) > SECTOR // 4:
        raise ValueError("this writer keeps the FAT in one sector")
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<I", header, 76, 0)
    for k in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * k, FREE)
    entries = [_entry("Root Entry", 5, child=1 if names else NONE, start=END, size=0)]
    for k, name in enumerate(names, start=1):
        entries.append(_entry(name, 2, right=k + 1 if k < len(names) else NONE, start=starts[name],
                              size=len(streams[name]) if len(streams[name]) >= 4096 else 4096))
    while len(entries) < 4:
        entries.append(_entry("", 0))
    return bytes(header) + struct.pack(f"<{SECTOR // 4}I", *fat) + b"".join(entries) + body


def _entry(name: str, kind: int, *, right: int = NONE, child: int = NONE, start: int = 0, size: int = 0) -> bytes:
    entry = bytearray(128)
    if name:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry[0:len(raw)] = raw
        struct.pack_into("<H", entry, 64, len(raw))
    entry[66] = kind
    entry[67] = 1  # black
    struct.pack_into("<III", entry, 68, NONE, right, child)
    struct.pack_into("<II", entry, 116, start, size)
    return bytes(entry)


def encrypted_xlsx() -> bytes:
    """What Excel saves for an .xlsx with an open password (ECMA-376 agile encryption; contents are dummies)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return cfb_bytes({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + bytes(9000)})


def biff_record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def encrypted_xls() -> bytes:
    """A BIFF8 workbook whose globals carry FILEPASS (RC4): Excel's "password to open" on an .xls."""
    bof = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 2) + bytes(48))
    return cfb_bytes({"Workbook": bof + filepass + biff_record(0x000A)})


def word_document() -> bytes:
    return cfb_bytes({"WordDocument": b"\xec\xa5" + bytes(100)})
