"""Roster's printable documents, as pure functions from plain data to bytes (no database, no HTTP).

- `class_list_xlsx`: one sheet per class in roster order with blank 拍摄序号 and fee columns, for the photographer
  and the class monitor on the day.
- `reviewed_list_xlsx`: the province-reviewed list of one school (summary, filterable table, 不通过 highlighted).
- `class_passes_pdf`: a class's capture passes, eight cards to an A4 sheet, each with its signed QR code.
- `makeup_certificate_pdf`: the 补拍证明, A4, with an embedded (subset) Chinese TrueType font, the certificate number
  and a QR code of the verification URL.
- `new_certificate_number` / `certificate_number_valid`: numbers like ``BP-10403-2026-000123-K`` whose final letter
  catches any single mistyped character and any swap of two adjacent characters.
"""

from services.kernel.fonts import CjkFontMissing, find_cjk_font
from services.roster.documents.certificate import (
    MakeupCertificate,
    MissingGlyphs,
    SchoolContact,
    certificate_qr,
    makeup_certificate_pdf,
)
from services.roster.documents.class_lists import (
    ClassList,
    ClassListRow,
    ReviewedRow,
    class_list_xlsx,
    reviewed_list_xlsx,
)
from services.roster.documents.numbers import (
    CertificateNumber,
    certificate_number_valid,
    new_certificate_number,
    normalize_certificate_number,
    parse_certificate_number,
)
from services.roster.documents.passes import PassCard, PassSheet, class_passes_pdf, pass_qr

__all__ = [
    "CertificateNumber",
    "CjkFontMissing",
    "ClassList",
    "ClassListRow",
    "MakeupCertificate",
    "MissingGlyphs",
    "PassCard",
    "PassSheet",
    "ReviewedRow",
    "SchoolContact",
    "certificate_number_valid",
    "certificate_qr",
    "class_list_xlsx",
    "class_passes_pdf",
    "find_cjk_font",
    "makeup_certificate_pdf",
    "new_certificate_number",
    "normalize_certificate_number",
    "parse_certificate_number",
    "pass_qr",
    "reviewed_list_xlsx",
]
