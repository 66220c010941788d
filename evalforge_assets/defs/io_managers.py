"""Raw spans of each hour kept as one gzipped JSONL file, in a local folder or a GCS bucket.

The asset value is `{partition_key: [items]}` so a single-run backfill over many hours writes (and a
downstream step reads) one file per hour, exactly as hour-by-hour runs do.

At rest the files are protected (capture/raw_protection.py): redacted by default, or encrypted when a key is
configured (then named `.jsonl.gz.fernet`); local files are owner-only; and they expire, through
`delete_written_before`, which the raw retention job calls.
"""


import gzip
import io
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from evalforge_assets import fastjson
from evalforge_assets.capture.build import UserHasher
from evalforge_assets.capture.raw_protection import RawCipher, RawKeyError, redact_raw_item
from evalforge_assets.capture.sources.base import MalformedItem
from evalforge_assets.capture.span_bounds import screen_item
from evalforge_assets.private_files import ensure_private_dir, write_private_bytes
from evalforge_assets.settings import LOCAL_HASH_SECRET

_MALFORMED = "__evalforge_malformed__"
PLAIN_SUFFIX = ".jsonl.gz"
ENCRYPTED_SUFFIX = ".jsonl.gz.fernet"


def encode_items(items: list[Any]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=3, mtime=0) as gz:
        for item in items:
            if isinstance(item, MalformedItem):
                item = {_MALFORMED: {"raw_text": item.raw_text, "reason": item.reason, "origin": item.origin,
                                     "identity": item.identity}}
            gz.write(fastjson.dumps(item))
            gz.write(b"\n")
    return buffer.getvalue()


def decode_items(data: bytes) -> list[Any]:
    items: list[Any] = []
    for line in gzip.decompress(data).splitlines():
        item = fastjson.loads(line)
        if isinstance(item, dict) and _MALFORMED in item:
            fields = item[_MALFORMED]
            identity = fields.get("identity")
            item = MalformedItem(raw_text=fields["raw_text"], reason=fields["reason"], origin=fields["origin"],
                                 identity=tuple(identity) if identity else None)
        items.append(item)
    return items


class RawSpansIOManager(dg.ConfigurableIOManager):
    """Stores `{partition_key: items}` as `<asset>/<partition_key>.jsonl.gz` under base_dir or in gcs_bucket,
    redacted (user ids as keyed pseudonyms under hash_secret), or encrypted with encryption_key when set."""

    base_dir: str
    gcs_bucket: str | None = None
    encryption_key: str | None = None
    hash_secret: str = LOCAL_HASH_SECRET

    def _suffix(self) -> str:
        return ENCRYPTED_SUFFIX if self.encryption_key else PLAIN_SUFFIX

    def _blob_name(self, asset: str, partition_key: str, suffix: str | None = None) -> str:
        return f"{asset}/{partition_key.replace(':', '')}{suffix or self._suffix()}"

    def _cipher(self) -> RawCipher:
        try:
            return RawCipher(self.encryption_key or "")
        except RawKeyError as exc:
            raise dg.Failure(str(exc)) from exc

    def _bucket(self) -> Any:
        from google.cloud import storage

        return storage.Client().bucket(self.gcs_bucket)

    def _write(self, name: str, data: bytes) -> str:
        if self.gcs_bucket:
            self._bucket().blob(name).upload_from_string(data)
            return f"gs://{self.gcs_bucket}/{name}"
        path = Path(self.base_dir) / name
        ensure_private_dir(Path(self.base_dir), tighten_existing=True)
        ensure_private_dir(path.parent, tighten_existing=True)
        write_private_bytes(path, data)
        return str(path)

    def _read(self, name: str) -> bytes | None:
        if self.gcs_bucket:
            blob = self._bucket().blob(name)
            return blob.download_as_bytes() if blob.exists() else None
        path = Path(self.base_dir) / name
        return path.read_bytes() if path.exists() else None

    def protect(self, partition_key: str, items: list[Any]) -> bytes:
        """One hour's items as the bytes kept at rest: redacted, or encrypted when a key is set."""
        if self.encryption_key:
            # Verbatim, but still screened: an item past the span bounds cannot even be serialized safely.
            screened = [screen_item(item, origin=f"raw_llm_spans {partition_key}[{n}]")
                        for n, item in enumerate(items)]
            return self._cipher().encrypt(encode_items(screened))
        hasher = UserHasher(self.hash_secret)
        return encode_items([redact_raw_item(item, hasher, origin=f"raw_llm_spans {partition_key}[{n}]")
                             for n, item in enumerate(items)])

    def load_partition(self, asset: str, partition_key: str) -> list[Any]:
        """The items kept for one hour, decrypted when they were encrypted."""
        encrypted = self._read(self._blob_name(asset, partition_key, ENCRYPTED_SUFFIX))
        if encrypted is not None:
            if not self.encryption_key:
                raise dg.Failure(
                    f"Raw spans for {asset} {partition_key} are encrypted, but EVALFORGE_RAW_ENCRYPTION_KEY is not "
                    "set. Set it to the key they were written with.")
            try:
                return decode_items(self._cipher().decrypt(encrypted, partition_key))
            except RawKeyError as exc:
                raise dg.Failure(str(exc)) from exc
        plain = self._read(self._blob_name(asset, partition_key, PLAIN_SUFFIX))
        if plain is None:
            raise dg.Failure(
                f"Raw spans for {asset} {partition_key} are missing (never written, or expired after "
                "EVALFORGE_RAW_RETENTION_HOURS). Materialize raw_llm_spans for this partition first.")
        return decode_items(plain)

    def delete_written_before(self, cutoff: datetime) -> list[str]:
        """Delete every raw span file written before `cutoff`; returns what was deleted."""
        deleted: list[str] = []
        if cutoff.tzinfo is None:
            cutoff = cutoff.replace(tzinfo=UTC)  # GCS times are aware; a naive cutoff is taken as UTC
        if self.gcs_bucket:
            for blob in self._bucket().client.list_blobs(self.gcs_bucket):
                if blob.name.endswith((PLAIN_SUFFIX, ENCRYPTED_SUFFIX)) and blob.updated and blob.updated < cutoff:
                    blob.delete()
                    deleted.append(f"gs://{self.gcs_bucket}/{blob.name}")
            return deleted
        root = Path(self.base_dir)
        if not root.exists():
            return deleted
        cutoff_seconds = cutoff.astimezone(UTC).timestamp()
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name.endswith((PLAIN_SUFFIX, ENCRYPTED_SUFFIX)) \
                    and path.stat().st_mtime < cutoff_seconds:
                path.unlink(missing_ok=True)
                deleted.append(str(path))
        return deleted

    def _remove(self, name: str) -> None:
        if self.gcs_bucket:
            blob = self._bucket().blob(name)
            if blob.exists():
                blob.delete()
            return
        (Path(self.base_dir) / name).unlink(missing_ok=True)

    def handle_output(self, context: dg.OutputContext, obj: dict[str, list[Any]]) -> None:
        asset = context.asset_key.to_user_string()
        other = PLAIN_SUFFIX if self.encryption_key else ENCRYPTED_SUFFIX
        written: dict[str, str] = {}
        for key, items in obj.items():
            written[key] = self._write(self._blob_name(asset, key), self.protect(key, items))
            # A file of the other protection left from before a key was set (or removed) would be read first.
            self._remove(self._blob_name(asset, key, other))
        context.add_output_metadata({"files": dg.MetadataValue.json(sorted(written.values())),
                                     "at_rest": "encrypted" if self.encryption_key else "redacted"})

    def load_input(self, context: dg.InputContext) -> Mapping[str, list[Any]]:
        asset = context.asset_key.to_user_string()
        return LazyPartitions(list(context.asset_partition_keys), lambda key: self.load_partition(asset, key))


class LazyPartitions(Mapping[str, list[Any]]):
    """Partition key → items, read when asked for and not kept: a backfill over weeks of hours holds one
    hour of raw spans in memory at a time instead of all of them."""

    def __init__(self, keys: list[str], load: Callable[[str], list[Any]]) -> None:
        self._keys = keys
        self._load = load

    def __getitem__(self, key: str) -> list[Any]:
        if key not in self._keys:
            raise KeyError(key)
        return self._load(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
