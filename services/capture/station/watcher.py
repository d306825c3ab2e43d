"""Uploads each new file of a camera's hot folder against the station's open check-in.

The check-in is taken when the file appears (the student in front at that moment), not when the upload finally
goes out, so a photo queued while offline cannot drift to the next student. The queue is a JSON file beside the
folder, rewritten atomically after every change: a restart resumes it, and the content hash (the server's
idempotency key per check-in) turns a re-sent upload whose answer was lost into the stored photo, not a copy.
Files are only read, never moved or overwritten."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

import httpx

SUFFIXES = {".jpg", ".jpeg"}
STATE_FILE = ".tucai-station-queue.json"


@dataclass
class Entry:
    path: str
    sha256: str
    taken_at: str
    checkin_id: str | None = None
    sequence_no: int | None = None
    state: str = "queued"  # queued | uploaded | refused
    detail: str = ""


class Front(TypedDict):
    """The fields the watcher reads of the station board's open check-in (capture's FrontCheckin)."""

    id: str
    sequence_no: int


class Watcher:
    def __init__(self, folder: Path, station: str, client: httpx.Client, say: Callable[[str], None] = print) -> None:
        self.folder, self.station, self.client, self.say = folder, station, client, say
        self.state_path = folder / STATE_FILE
        self.entries: dict[str, Entry] = {}
        if self.state_path.exists():
            self.entries = {k: Entry(**v) for k, v in json.loads(self.state_path.read_text()).items()}

    def _save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: asdict(v) for k, v in self.entries.items()}, ensure_ascii=False))
        os.replace(tmp, self.state_path)

    def scan(self) -> None:
        """Queue files not seen before (by content hash), bound to the check-in open right now."""
        for path in sorted(self.folder.iterdir()):
            if path.suffix.lower() not in SUFFIXES or not path.is_file():
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in self.entries:
                continue
            taken = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
            entry = Entry(path=path.name, sha256=digest, taken_at=taken)
            try:
                front = self._front()
                if front:
                    entry.checkin_id, entry.sequence_no = front["id"], front["sequence_no"]
            except httpx.HTTPError:
                pass  # offline: bound at upload time, guarded by the photo's time against the check-in's
            self.entries[digest] = entry
            self.say(f"新照片 {path.name}（序号 {entry.sequence_no or '待定'}）")
        self._save()

    def _front(self) -> Front | None:
        response = self.client.get(f"/api/capture/v1/stations/{self.station}")
        response.raise_for_status()
        front: Front | None = response.json()["front"]
        return front

    def flush(self) -> None:
        """Upload what is queued; stop at the first network failure and keep the rest for later."""
        for entry in [e for e in self.entries.values() if e.state == "queued"]:
            try:
                if entry.checkin_id is None:
                    front = self._front()
                    if front is None:
                        continue  # nobody checked in: wait for the photographer to scan the student
                    entry.checkin_id, entry.sequence_no = str(front["id"]), int(str(front["sequence_no"]))
                self._upload(entry)
            except httpx.HTTPError as exc:
                self.say(f"网络不可用，稍后重试：{type(exc).__name__}")
                break
            finally:
                self._save()
        done = sum(e.state != "queued" for e in self.entries.values())
        self.say(f"进度 {done}/{len(self.entries)}")

    def _upload(self, entry: Entry) -> None:
        data = (self.folder / entry.path).read_bytes()
        response = self.client.post(
            f"/api/capture/v1/checkins/{entry.checkin_id}/photos",
            files={"file": (entry.path, data, "image/jpeg")},
            data={"sequence_no": str(entry.sequence_no), "taken_at": entry.taken_at})
        if response.status_code >= 500:
            raise httpx.HTTPStatusError("server error", request=response.request, response=response)
        body = response.json()
        if response.status_code in (200, 201):
            entry.state = "uploaded"
            verdict = "合格" if body["accepted"] else "未通过检测，请重拍"
            self.say(f"{entry.path} → 序号 {entry.sequence_no} 第 {body['version']} 版：{verdict}")
        else:
            entry.state, entry.detail = "refused", str(body.get("code"))
            self.say(f"{entry.path} 被拒收：{body.get('message_zh', body.get('code'))}")

    def run(self, interval: float) -> None:
        while True:
            self.scan()
            self.flush()
            time.sleep(interval)
