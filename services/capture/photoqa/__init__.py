"""Photo QA, a capture feature module: pure functions on bytes.

- `check_photo(data, profile)` → `Report` (every rule with code/passed/measured/threshold/message), < 50 ms;
- `frame_photo(original, profile)` → the standard 480×640 baseline JPEG;
- `identity.embed(data)` and `identity.find_mixups(...)`: the identity guard, off the hot path.
"""

from services.capture.photoqa.checks import CODES, CheckResult, Report, check_photo
from services.capture.photoqa.framing import FramingError, frame_photo
from services.capture.photoqa.profiles import CHSI, PROFILES, WHITE, Profile, get_profile

__all__ = ["CHSI", "CODES", "PROFILES", "WHITE", "CheckResult", "FramingError", "Profile", "Report", "check_photo",
           "frame_photo", "get_profile"]
