"""Code tables a roster is validated against: 层次, 学制, 学习形式, 民族, 政治面貌, 证件类型.

`DEFAULT` holds the national tables (research/domain.md §5.4). A province may override any table; the lead stores
overrides as JSON and builds the tables with `CodeTables.from_dict(...)`. Look-ups accept a code or a name (and the
common variants registrars type), ignore spaces, full-width characters and case, and return the canonical value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

# How a document number is checked: GB 11643 (居民身份证), GB 11643 with an 81/82/83 prefix (港澳台居民居住证),
# or only for its characters (passports, travel permits, HKID, ...).
CHECK_GB11643 = "gb11643"
CHECK_RESIDENCE_PERMIT = "residence_permit"
CHECK_FREE = "free"
RESIDENT_ID = "居民身份证"


def lookup_key(text: str) -> str:
    """The key tables are matched on: NFKC (full-width to half-width), no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass(frozen=True)
class DocumentType:
    name: str
    code: str | None = None  # 身份证件类型代码 (SFZJLX, as in the 学籍 systems), when the type has one
    check: str = CHECK_FREE
    aliases: tuple[str, ...] = ()

    @property
    def mainland(self) -> bool:
        return self.check == CHECK_GB11643


LEVELS = ("博士研究生", "硕士研究生", "第二学士学位", "本科", "专科", "高起本", "专升本", "高起专")
LEVEL_ALIASES = {
    # the 培养层次 digits of the diploma number (§5.4); "1"/"2" are zero-padded, matching GongfuTea's 1 博士 2 硕士
    "01": "博士研究生", "02": "硕士研究生", "04": "第二学士学位", "05": "本科", "06": "专科",
    "博士": "博士研究生", "博士生": "博士研究生", "博士研究生层次": "博士研究生",
    "硕士": "硕士研究生", "硕士生": "硕士研究生", "学术型硕士": "硕士研究生", "专业型硕士": "硕士研究生",
    "专业学位硕士": "硕士研究生", "第二学士": "第二学士学位", "双学士": "第二学士学位",
    "本科生": "本科", "普通本科": "本科", "专科生": "专科", "高职": "专科", "高职专科": "专科", "专科(高职)": "专科",
    "高职(专科)": "专科", "大专": "专科", "高中起点本科": "高起本", "专科起点本科": "专升本", "高中起点专科": "高起专",
}
DURATIONS = ("1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "5.5", "6", "7", "8")
STUDY_MODES = ("全日制", "非全日制", "普通全日制", "函授", "业余", "脱产", "网络教育", "开放教育", "自学考试")
STUDY_MODE_ALIASES = {"全脱产": "脱产", "非全": "非全日制", "在职": "非全日制", "网络": "网络教育", "远程": "网络教育",
                      "夜大": "业余", "自考": "自学考试", "普通": "普通全日制"}

# GB/T 3304 (中国各民族名称的罗马字母拼写法和代码): 56 ethnic groups, 97 其他, 98 外国血统中国籍人士.
ETHNICITIES = {
    "01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "06": "苗族",
    "07": "彝族", "08": "壮族", "09": "布依族", "10": "朝鲜族", "11": "满族", "12": "侗族",
    "13": "瑶族", "14": "白族", "15": "土家族", "16": "哈尼族", "17": "哈萨克族", "18": "傣族",
    "19": "黎族", "20": "傈僳族", "21": "佤族", "22": "畲族", "23": "高山族", "24": "拉祜族",
    "25": "水族", "26": "东乡族", "27": "纳西族", "28": "景颇族", "29": "柯尔克孜族", "30": "土族",
    "31": "达斡尔族", "32": "仫佬族", "33": "羌族", "34": "布朗族", "35": "撒拉族", "36": "毛南族",
    "37": "仡佬族", "38": "锡伯族", "39": "阿昌族", "40": "普米族", "41": "塔吉克族", "42": "怒族",
    "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族", "46": "德昂族", "47": "保安族", "48": "裕固族",
    "49": "京族", "50": "塔塔尔族", "51": "独龙族", "52": "鄂伦春族", "53": "赫哲族", "54": "门巴族",
    "55": "珞巴族", "56": "基诺族", "97": "其他", "98": "外国血统中国籍人士",
}
ETHNICITY_ALIASES = {"维族": "05", "蒙族": "02", "其它": "97", "其他民族": "97", "外国血统": "98", "入籍": "98",
                     "崩龙族": "46", "毛难族": "36"}

# GB/T 4762 (政治面貌代码): short names as registrars write them; the full names are aliases.
POLITICAL = {
    "01": "中共党员", "02": "中共预备党员", "03": "共青团员", "04": "民革党员", "05": "民盟盟员",
    "06": "民建会员", "07": "民进会员", "08": "农工党党员", "09": "致公党党员", "10": "九三学社社员",
    "11": "台盟盟员", "12": "无党派人士", "13": "群众",
}
POLITICAL_ALIASES = {
    "中国共产党党员": "01", "党员": "01", "共产党员": "01", "中国共产党预备党员": "02", "预备党员": "02",
    "中国共产主义青年团团员": "03", "团员": "03", "共青团": "03", "中国国民党革命委员会会员": "04", "民革会员": "04",
    "中国民主同盟盟员": "05", "中国民主建国会会员": "06", "中国民主促进会会员": "07", "中国农工民主党党员": "08",
    "中国致公党党员": "09", "台湾民主自治同盟盟员": "11", "无党派民主人士": "12", "无党派": "12", "普通群众": "13",
}

DOCUMENT_TYPES = (
    # SFZJLX codes as in the 学籍 systems (1 居民身份证 … A 护照, Z 其他)
    DocumentType(RESIDENT_ID, "1", CHECK_GB11643,
                 ("身份证", "居民身份证号", "二代身份证", "第二代居民身份证", "大陆居民身份证")),
    DocumentType("军官证", "2"),
    DocumentType("士兵证", "3"),
    DocumentType("文职干部证", "4"),
    DocumentType("部队离退休证", "5"),
    DocumentType("香港特区护照/身份证明", "6", aliases=("香港身份证", "香港永久性居民身份证", "香港特区护照")),
    DocumentType("澳门特区护照/身份证明", "7", aliases=("澳门身份证", "澳门永久性居民身份证", "澳门特区护照")),
    DocumentType("台湾居民来往大陆通行证", "8", aliases=("台胞证", "台湾居民来往内地通行证", "台湾同胞来往内地通行证")),
    DocumentType("境外永久居住证", "9"),
    DocumentType("护照", "A", aliases=("外国护照", "普通护照", "passport")),
    DocumentType("户口簿", "B"),
    DocumentType("港澳居民来往内地通行证", None, aliases=("回乡证", "港澳通行证")),
    DocumentType("港澳台居民居住证", None, CHECK_RESIDENCE_PERMIT,
                 ("港澳居民居住证", "台湾居民居住证", "港澳台居住证")),
    DocumentType("外国人永久居留身份证", None, aliases=("外国人永久居留证", "永居证", "外国人永居身份证")),
    DocumentType("其他", "Z", aliases=("其它",)),
)


@dataclass
class CodeTables:
    levels: tuple[str, ...] = LEVELS
    level_aliases: dict[str, str] = field(default_factory=lambda: dict(LEVEL_ALIASES))
    durations: tuple[str, ...] = DURATIONS
    study_modes: tuple[str, ...] = STUDY_MODES
    study_mode_aliases: dict[str, str] = field(default_factory=lambda: dict(STUDY_MODE_ALIASES))
    ethnicities: dict[str, str] = field(default_factory=lambda: dict(ETHNICITIES))  # code -> name
    ethnicity_aliases: dict[str, str] = field(default_factory=lambda: dict(ETHNICITY_ALIASES))  # alias -> code
    political: dict[str, str] = field(default_factory=lambda: dict(POLITICAL))  # code -> name
    political_aliases: dict[str, str] = field(default_factory=lambda: dict(POLITICAL_ALIASES))  # alias -> code
    document_types: tuple[DocumentType, ...] = DOCUMENT_TYPES

    def __post_init__(self) -> None:
        self.levels = tuple(self.levels)
        self.durations = tuple(_duration_key(d) or str(d) for d in self.durations)
        self.study_modes = tuple(self.study_modes)
        self.document_types = tuple(self.document_types)
        self._levels = _name_index(self.levels, self.level_aliases)
        self._modes = _name_index(self.study_modes, self.study_mode_aliases)
        self._ethnicities = _code_index(self.ethnicities, self.ethnicity_aliases, strip_suffix="族")
        self._political = _code_index(self.political, self.political_aliases)
        self._documents: dict[str, DocumentType] = {}
        for doc in self.document_types:
            for key in (doc.name, doc.code, *doc.aliases):
                if key:
                    self._documents.setdefault(lookup_key(key), doc)
        self._durations = set(self.durations)

    # ---- look-ups: canonical value, or None when the value is not in the table --------------------------------
    def level(self, text: str) -> str | None:
        return self._levels.get(_pad_code(lookup_key(text)))

    def study_mode(self, text: str) -> str | None:
        return self._modes.get(lookup_key(text))

    def duration(self, text: str) -> str | None:
        key = _duration_key(text)
        return key if key in self._durations else None

    def ethnicity(self, text: str) -> tuple[str, str] | None:
        code = self._ethnicities.get(_pad_code(lookup_key(text)))
        return (code, self.ethnicities[code]) if code else None

    def political_status(self, text: str) -> tuple[str, str] | None:
        code = self._political.get(_pad_code(lookup_key(text)))
        return (code, self.political[code]) if code else None

    def document_type(self, text: str) -> DocumentType | None:
        return self._documents.get(lookup_key(text))

    # ---- JSON round trip (per-province overrides) -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": list(self.levels), "level_aliases": dict(self.level_aliases),
            "durations": list(self.durations),
            "study_modes": list(self.study_modes), "study_mode_aliases": dict(self.study_mode_aliases),
            "ethnicities": dict(self.ethnicities), "ethnicity_aliases": dict(self.ethnicity_aliases),
            "political": dict(self.political), "political_aliases": dict(self.political_aliases),
            "document_types": [
                {"name": d.name, "code": d.code, "check": d.check, "aliases": list(d.aliases)}
                for d in self.document_types
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: CodeTables | None = None) -> CodeTables:
        """Tables from a JSON object; each key present replaces that table of `base` (default: DEFAULT).

        Example override for a graduate-only campaign: `{"levels": ["博士研究生", "硕士研究生"]}`.
        Unknown keys raise ValueError, so a typo in a province's settings is not silently ignored.
        """
        merged = (base or DEFAULT).to_dict()
        unknown = set(data) - set(merged)
        if unknown:
            raise ValueError(f"unknown code table(s): {', '.join(sorted(unknown))}")
        merged.update(data)
        docs = tuple(
            d if isinstance(d, DocumentType) else DocumentType(
                name=d["name"], code=d.get("code"), check=d.get("check", CHECK_FREE),
                aliases=tuple(d.get("aliases", ())))
            for d in merged["document_types"]
        )
        for doc in docs:
            if doc.check not in (CHECK_GB11643, CHECK_RESIDENCE_PERMIT, CHECK_FREE):
                raise ValueError(f"document type {doc.name!r}: unknown check {doc.check!r}")
        return cls(
            levels=tuple(merged["levels"]), level_aliases=dict(merged["level_aliases"]),
            durations=tuple(str(d) for d in merged["durations"]),
            study_modes=tuple(merged["study_modes"]), study_mode_aliases=dict(merged["study_mode_aliases"]),
            ethnicities={_pad_code(str(k)): v for k, v in merged["ethnicities"].items()},
            ethnicity_aliases=dict(merged["ethnicity_aliases"]),
            political={_pad_code(str(k)): v for k, v in merged["political"].items()},
            political_aliases=dict(merged["political_aliases"]),
            document_types=docs,
        )


def _pad_code(key: str) -> str:
    """"1" -> "01", "1.0" -> "01" (a code Excel stored as a number)."""
    if key.endswith(".0") and key[:-2].isdigit():
        key = key[:-2]
    return key.zfill(2) if key.isdigit() and len(key) == 1 else key


def _name_index(names: tuple[str, ...], aliases: dict[str, str]) -> dict[str, str]:
    allowed = set(names)
    index = {lookup_key(alias): name for alias, name in aliases.items() if name in allowed}
    index.update({lookup_key(name): name for name in names})
    return index


def _code_index(table: dict[str, str], aliases: dict[str, str], strip_suffix: str = "") -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in table.items():
        index[lookup_key(code)] = code
        index[lookup_key(name)] = code
        if strip_suffix and name.endswith(strip_suffix) and len(name) > len(strip_suffix):
            index.setdefault(lookup_key(name[: -len(strip_suffix)]), code)  # 汉 -> 汉族, 蒙古 -> 蒙古族
    for alias, code in aliases.items():
        if _pad_code(str(code)) in table:
            index.setdefault(lookup_key(alias), _pad_code(str(code)))
    return index


_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}


def _duration_key(text: object) -> str | None:
    """"4", 4.0, "4年", "四年", "2.5", "两年半", "2年半" -> "4" / "2.5"; None when it is not a number of years."""
    key = lookup_key(str(text))
    for suffix in ("学年", "年制", "年"):
        if key.endswith(suffix) and not key.endswith("半" + suffix):
            key = key[: -len(suffix)]
            break
    half = key.endswith("年半") or key.endswith("半")
    if half:
        key = key[:-2] if key.endswith("年半") else key[:-1]
    if key in _CN_NUMBERS:
        value = float(_CN_NUMBERS[key])
    else:
        try:
            value = float(key)
        except ValueError:
            return None
    if value != value or value < 0 or value > 20:  # NaN, nonsense
        return None
    value += 0.5 if half else 0.0
    return str(int(value)) if value == int(value) else f"{value:g}"


DEFAULT = CodeTables()
