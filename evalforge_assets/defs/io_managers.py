"""Raw spans of each hour kept as one gzipped JSONL file, in a local folder or a GCS bucket.

The asset value is `{partition_key: [items]}` so a single-run backfill over many hours writes (and a
downstream step reads) one file per hour, exactly as hour-by-hour runs do.
"""


import gzip
import io
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from evalforge_assets import fastjson
from evalforge_assets.capture.sources.base import MalformedItem

_MALFORMED = "__evalforge_malformed__"


def encode_items(items: list[Any]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=3, mtime=0) as gz:
        for item in items:
            if isinstance(item, MalformedItem):
                item = {_MALFORMED: {"raw_text": item.raw_text, "reason": item.reason, "origin": item.origin}}
            gz.write(fastjson.dumps(item))
            gz.write(b"\n")
    return buffer.getvalue()


def decode_items(data: bytes) -> list[Any]:
    items: list[Any] = []
    for line in gzip.decompress(data).splitlines():
        item = fastjson.loads(line)
        if isinstance(item, dict) and _MALFORMED in item:
            item = MalformedItem(**item[_MALFORMED])
        items.append(item)
    return items


class RawSpansIOManager(dg.ConfigurableIOManager):
    """Stores `{partition_key: items}` as `<asset>/<partition_key>.jsonl.gz` under base_dir or in gcs_bucket."""

    base_dir: str
    gcs_bucket: str | None = None

    def _blob_name(self, asset: str, partition_key: str) -> str:
        return f"{asset}/{partition_key.replace(':', '')}.jsonl.gz"

    def _write(self, name: str, data: bytes) -> str:
        if self.gcs_bucket:
            from google.cloud import storage

            storage.Client().bucket(self.gcs_bucket).blob(name).upload_from_string(data)
            return f"gs://{self.gcs_bucket}/{name}"
        path = Path(self.base_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a reader never sees half a file
        return str(path)

    def _read(self, name: str) -> bytes:
        if self.gcs_bucket:
            from google.cloud import storage

            return storage.Client().bucket(self.gcs_bucket).blob(name).download_as_bytes()
        path = Path(self.base_dir) / name
        if not path.exists():
            raise dg.Failure(
                f"Raw spans for {name} are missing at {path}. Materialize raw_llm_spans for this partition first."
            )
        return path.read_bytes()

    def handle_output(self, context: dg.OutputContext, obj: dict[str, list[Any]]) -> None:
        asset = context.asset_key.to_user_string()
        written = {key: self._write(self._blob_name(asset, key), encode_items(items)) for key, items in obj.items()}
        context.add_output_metadata({"files": dg.MetadataValue.json(sorted(written.values()))})

    def load_input(self, context: dg.InputContext) -> Mapping[str, list[Any]]:
        asset = context.asset_key.to_user_string()
        return LazyPartitions(list(context.asset_partition_keys),
                              lambda key: decode_items(self._read(self._blob_name(asset, key))))


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
