"""An import's CSV file, read back from the JetStream object store a chunk at a time.

The gateway stores the upload in `IMPORTS_BUCKET` under the import's id. `header` reads only as
many chunks as the first line needs. `spooled` copies the object chunk by chunk (one direct get
each, so at most one chunk is in memory, never the file) into a temporary file, checks the
SHA-256 digest the object store recorded, and `records` reads that file back with csv.reader,
one record at a time. Either way a file that is not UTF-8 or not CSV is an ImportFileUnreadable
saying where.
"""

from __future__ import annotations

import base64
import codecs
import csv
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from nats.aio.client import Client as NatsClient
from nats.js.api import ObjectInfo, ObjectStoreConfig
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from parley.contracts.crm.imports import IMPORTS_BUCKET

_STREAM = f"OBJ_{IMPORTS_BUCKET}"
_MAX_HEADER = 1 << 20  # a first line longer than 1 MiB is no header
_FILE_TTL = 7 * 24 * 3600.0  # uploads are kept a week: time to look at a failed one
_DELIMITERS = (",", ";", "\t")  # spreadsheets in much of Europe save CSV with ';'


class ImportFileMissing(Exception):
    pass


class ImportFileUnreadable(Exception):
    """Why the file cannot be read as CSV, in words a person can act on."""


@dataclass(frozen=True)
class Spooled:
    path: Path
    delimiter: str


async def open_bucket(nc: NatsClient) -> ObjectStore:
    """The imports bucket, created if nobody has yet (the gateway or crm, whoever is first)."""
    js = nc.jetstream()
    try:
        return await js.object_store(IMPORTS_BUCKET)
    except BucketNotFoundError:
        config = ObjectStoreConfig(
            bucket=IMPORTS_BUCKET, description="Uploaded contact CSV files", ttl=_FILE_TTL
        )
        return await js.create_object_store(IMPORTS_BUCKET, config=config)


class ImportFiles:
    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    async def info(self, name: str) -> ObjectInfo:
        store = await open_bucket(self._nc)
        try:
            return await store.get_info(name)
        except ObjectNotFoundError:
            raise ImportFileMissing(f"no file named {name!r} in {IMPORTS_BUCKET}") from None

    async def header(self, name: str) -> tuple[list[str], str]:
        """The first record of the file and its delimiter, from as few chunks as it needs."""
        info = await self.info(name)
        raw = b""
        async for chunk in self._chunks(info):
            raw += chunk
            if b"\n" in raw or len(raw) > _MAX_HEADER:
                break
        line = raw.split(b"\n", 1)[0]  # only the first line is read as text here
        if len(line) > _MAX_HEADER:
            raise ImportFileUnreadable("has no header line: its first line is over 1 MiB")
        text = _decode(codecs.getincrementaldecoder("utf-8-sig")(), line, final=True, line=1)
        first = text.rstrip("\r")
        delimiter = sniff_delimiter(first)
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error as err:
            raise ImportFileUnreadable(f"is not a readable CSV file at its header: {err}") from err
        return header, delimiter

    @asynccontextmanager
    async def spooled(self, name: str) -> AsyncIterator[Spooled]:
        """The whole object in a temporary file (removed on exit), its digest checked."""
        info = await self.info(name)
        handle, raw_path = tempfile.mkstemp(prefix="parley-import-", suffix=".csv")
        path = Path(raw_path)
        try:
            digest = hashlib.sha256()
            first = b""
            with os.fdopen(handle, "wb") as out:
                async for chunk in self._chunks(info):
                    digest.update(chunk)
                    if len(first) < 64 * 1024:
                        first += chunk[: 64 * 1024]
                    out.write(chunk)
            _check_digest(info, digest.digest())
            first_line = first.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
            yield Spooled(path, sniff_delimiter(first_line))
        finally:
            with suppress(FileNotFoundError):
                os.remove(raw_path)  # a metadata call: not worth a thread

    async def _chunks(self, info: ObjectInfo) -> AsyncIterator[bytes]:
        """The object's chunks in order: one direct get each, nothing read ahead."""
        if not info.size:
            return
        js = self._nc.jetstream()
        subject = f"$O.{IMPORTS_BUCKET}.C.{info.nuid}"
        sequence = 1
        for _ in range(info.chunks or 0):
            try:
                msg = await js.get_msg(
                    _STREAM, seq=sequence, subject=subject, next=True, direct=True
                )
            except NotFoundError:
                raise ImportFileUnreadable("is incomplete in the object store") from None
            yield msg.data or b""
            sequence = int(msg.seq or sequence) + 1


def records(spooled: Spooled) -> Iterator[tuple[int, list[str]]]:
    """(row, cells) of every record, the header as row 0: one record in memory at a time."""
    try:
        with spooled.path.open(encoding="utf-8-sig", newline="") as text:
            reader = csv.reader(text, delimiter=spooled.delimiter, strict=False)
            row = -1
            try:
                for row, cells in enumerate(reader):
                    yield row, cells
            except UnicodeDecodeError as err:
                raise ImportFileUnreadable(f"is not UTF-8 text (near row {row + 1})") from err
            except csv.Error as err:
                raise ImportFileUnreadable(
                    f"is not a readable CSV file at row {row + 1}: {err}"
                ) from err
    except OSError as err:
        raise ImportFileUnreadable(f"could not be read back: {err}") from err


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header line uses most (a comma when it has none of them)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool, line: int) -> str:
    try:
        return decoder.decode(chunk, final)
    except UnicodeDecodeError as err:
        raise ImportFileUnreadable(f"is not UTF-8 text (line {line})") from err


def _check_digest(info: ObjectInfo, actual: bytes) -> None:
    recorded = (info.digest or "").split("=", 1)[-1]
    if not recorded:
        return
    try:
        expected = base64.urlsafe_b64decode(recorded + "=" * (-len(recorded) % 4))
    except ValueError:
        return
    if expected != actual:
        raise ImportFileUnreadable("does not match the digest it was stored with")
