"""Photo QA, a capture feature module: pure functions on bytes.

- `check_photo(data, profile)` → `Report` (every rule with code/passed/measured/threshold/message), < 50 ms;
- `frame_photo(original, profile)` → the standard 480×640 baseline JPEG;
- `identity.embed(data)` and `identity.find_mixups(...)`: the identity guard, off the hot path.

Names are resolved on first use, so importing a light submodule (profiles, the CLI) does not load OpenCV.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the static view of the lazy names below
    from services.capture.photoqa import identity
    from services.capture.photoqa.checks import CODES, CheckResult, Report, check_photo
    from services.capture.photoqa.framing import FramingError, frame_photo
    from services.capture.photoqa.profiles import CHSI, PROFILES, WHITE, Profile, get_profile

_EXPORTS = {
    "CODES": "checks", "CheckResult": "checks", "Report": "checks", "check_photo": "checks",
    "FramingError": "framing", "frame_photo": "framing",
    "CHSI": "profiles", "PROFILES": "profiles", "WHITE": "profiles", "Profile": "profiles", "get_profile": "profiles",
}
__all__ = ["CHSI", "CODES", "PROFILES", "WHITE", "CheckResult", "FramingError", "Profile", "Report", "check_photo",
           "frame_photo", "get_profile", "identity"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    if name == "identity":
        return import_module(f"{__name__}.identity")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
