"""The Chinese font embedded in PDFs (roster's make-up certificate, scheduling's timetables). reportlab embeds (a
subset of) TrueType-outline fonts only; Noto CJK has CFF outlines and is refused, so the default is WenQuanYi
(Debian: fonts-wqy-microhei or fonts-wqy-zenhei).
TUCAI_CJK_FONT names another TrueType font (.ttf, or .ttc whose first face is used)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from services.kernel.errors import TucaiError

ENV_VAR = "TUCAI_CJK_FONT"
PACKAGE_HINT = "apt-get install -y fonts-wqy-microhei"
CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)


class CjkFontMissing(TucaiError):
    """No usable Chinese TrueType font: the PDF cannot be made without printing boxes instead of Chinese."""

    status = 503

    def __init__(self, en: str) -> None:
        super().__init__("cjk_font_missing", "服务器缺少中文字体，暂时无法生成 PDF，请联系管理员", en)


def find_cjk_font() -> Path:
    """The font file to embed: $TUCAI_CJK_FONT when set, else the first WenQuanYi font installed."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise CjkFontMissing(f"{ENV_VAR}={configured} is not a file; point it at a TrueType CJK font "
                                 f"or unset it and run: {PACKAGE_HINT}")
        return path
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise CjkFontMissing(f"no Chinese TrueType font found (looked for {', '.join(map(str, CANDIDATES))}); "
                         f"install one with: {PACKAGE_HINT}, or set {ENV_VAR} to a TrueType CJK font file")


@lru_cache(maxsize=8)
def register_cjk_font(path: Path) -> tuple[str, frozenset[int]]:
    """Register `path` with reportlab once; returns the font name to use and the code points it can draw."""
    path = Path(path)
    name = "TucaiCJK-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    try:
        font = TTFont(name, str(path), subfontIndex=0) if path.suffix.lower() in {".ttc", ".otc"} \
            else TTFont(name, str(path))
    except (TTFError, OSError) as exc:
        raise CjkFontMissing(f"{path} cannot be embedded ({exc}); reportlab needs TrueType outlines "
                             f"(Noto CJK has CFF outlines and does not work); install one with: {PACKAGE_HINT}") \
            from exc
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)
