"""Datadog's own OpenAPI spec, trimmed to what Evalforge calls, and checks of traffic against it.

The spec that `datadog-api-client` is generated from ships only in its sdist (`.generator/schemas/v{1,2}/
openapi.yaml`, about 10 MB together). `ensure_datadog_spec()` downloads the sdist of the installed client
version with pip, keeps the tarball, and writes trimmed JSON copies (just `EVALFORGE_OPERATIONS` and every
component they reference) under `<repo>/.cache/datadog-openapi/<version>/`, or under
$EVALFORGE_DATADOG_SPEC_CACHE when set. `DatadogOpenAPI` then validates recorded requests and responses with
openapi-core, so a shape mistake in the client code or in the test double fails a test instead of passing
against a wrong idea of Datadog.

Extending: add `path: (methods...)` to `EVALFORGE_OPERATIONS`; the cache notices the new list and re-trims
from the kept tarball without downloading again.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

CLIENT_DISTRIBUTION = "datadog-api-client"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_ROOT = REPO_ROOT / ".cache" / "datadog-openapi"
# Lets CI keep the cache somewhere it persists, and tests point it at an empty folder.
CACHE_ROOT_ENV = "EVALFORGE_DATADOG_SPEC_CACHE"
# Validation pretends every request went to Datadog's default site, so the spec's `servers` match.
SPEC_HOST_URL = "https://api.datadoghq.com"
_DOWNLOAD_TIMEOUT_SECONDS = 600
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Every Datadog operation Evalforge calls, by spec version: path -> methods. Keep it in step with the code.
EVALFORGE_OPERATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "v1": {
        "/api/v1/query": ("get",),  # MetricsApi.query_metrics
        "/api/v1/monitor/{monitor_id}": ("get", "put"),  # MonitorsApi.get_monitor, update_monitor
        "/api/v1/monitor/search": ("get",),  # MonitorsApi.search_monitors
        "/api/v1/monitor": ("get", "post"),  # MonitorsApi.list_monitors, create_monitor (datadog setup)
        # WebhooksIntegrationApi.create/get/update_webhooks_integration (datadog setup)
        "/api/v1/integration/webhooks/configuration/webhooks": ("post",),
        "/api/v1/integration/webhooks/configuration/webhooks/{webhook_name}": ("get", "put"),
    },
    "v2": {
        "/api/v2/llm-obs/v1/spans/events": ("get",),  # list_llm_obs_spans
        "/api/v2/llm-obs/v1/spans/events/search": ("post",),  # search_llm_obs_spans
        # Datasets live in a project, so exporting eval cases needs projects too.
        "/api/v2/llm-obs/v1/projects": ("get", "post"),  # list/create_llm_obs_project(s)
        "/api/v2/llm-obs/v1/{project_id}/datasets": ("get", "post"),  # list/create_llm_obs_dataset(s)
        "/api/v2/llm-obs/v1/{project_id}/datasets/{dataset_id}": ("patch",),  # update_llm_obs_dataset
        "/api/v2/llm-obs/v1/{project_id}/datasets/{dataset_id}/records": ("get", "post", "patch"),
        "/api/v2/query/timeseries": ("post",),  # MetricsApi.query_timeseries_data
    },
}


class DatadogSpecUnavailable(RuntimeError):
    """The spec could not be obtained (usually: no access to the package registry)."""


class SpecMismatch(AssertionError):
    """Traffic that does not match Datadog's OpenAPI spec."""


# -- obtaining and trimming -----------------------------------------------------------------------------


def installed_client_version() -> str:
    return importlib.metadata.version(CLIENT_DISTRIBUTION)


def ensure_datadog_spec(version: str | None = None) -> Path:
    """The directory holding trimmed `v1.json` and `v2.json` for `version` (default: the installed client).

    Downloads the client's sdist once per version; raises `DatadogSpecUnavailable` when that fails.
    """
    version = version or installed_client_version()
    spec_dir = Path(os.environ.get(CACHE_ROOT_ENV) or DEFAULT_CACHE_ROOT) / version
    spec_dir.mkdir(parents=True, exist_ok=True)
    manifest = _manifest()
    with _exclusive(spec_dir / ".lock"):
        if _read_json(spec_dir / "manifest.json") == manifest and all(
            (spec_dir / f"{api}.json").is_file() for api in EVALFORGE_OPERATIONS
        ):
            return spec_dir
        sdist = spec_dir / f"datadog_api_client-{version}.tar.gz"
        if not sdist.is_file():
            _download_sdist(version, sdist)
        for api, full_spec in _read_full_specs(sdist).items():
            _write_json_atomically(spec_dir / f"{api}.json", trim_spec(full_spec, EVALFORGE_OPERATIONS[api]))
        _write_json_atomically(spec_dir / "manifest.json", manifest)
    return spec_dir


def _manifest() -> dict[str, Any]:
    """What the cached trimmed copies were made from, in JSON form so it compares equal once read back."""
    listing = json.dumps(EVALFORGE_OPERATIONS, sort_keys=True)
    return {
        "operations_sha256": hashlib.sha256(listing.encode()).hexdigest(),
        "operations": json.loads(listing),
    }


def _download_sdist(version: str, destination: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="datadog-sdist-") as scratch:
        command = [
            sys.executable, "-m", "pip", "download", f"{CLIENT_DISTRIBUTION}=={version}",
            "--no-deps", "--no-binary", ":all:", "--disable-pip-version-check", "-d", scratch,
        ]  # fmt: skip
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=_DOWNLOAD_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DatadogSpecUnavailable(
                f"Could not run pip to download the {CLIENT_DISTRIBUTION} {version} sdist ({error})."
            ) from error
        downloaded = sorted(Path(scratch).glob("datadog_api_client-*.tar.gz"))
        if completed.returncode != 0 or not downloaded:
            tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-8:])
            raise DatadogSpecUnavailable(
                f"pip could not download the {CLIENT_DISTRIBUTION} {version} sdist that carries Datadog's "
                f"OpenAPI spec (exit {completed.returncode}). Check access to the package registry, or put "
                f"the sdist at {destination}. pip said:\n{tail}"
            )
        # Move next to the destination first so the final rename is atomic for concurrent readers.
        temporary = destination.with_name(destination.name + ".partial")
        shutil.move(downloaded[0], temporary)
        temporary.replace(destination)


def _read_full_specs(sdist: Path) -> dict[str, dict[str, Any]]:
    specs: dict[str, dict[str, Any]] = {}
    with tarfile.open(sdist, "r:gz") as archive:
        for member in archive.getmembers():
            # Members look like datadog_api_client-<version>/.generator/schemas/v2/openapi.yaml
            parts = Path(member.name).parts
            if len(parts) == 5 and parts[1:3] == (".generator", "schemas") and parts[4] == "openapi.yaml":
                if parts[3] not in EVALFORGE_OPERATIONS:
                    continue
                extracted = archive.extractfile(member)
                assert extracted is not None
                # The C loader parses the 9 MB v2 spec in seconds instead of a minute.
                specs[parts[3]] = yaml.load(extracted, Loader=yaml.CSafeLoader)
    missing = set(EVALFORGE_OPERATIONS) - set(specs)
    if missing:
        raise DatadogSpecUnavailable(
            f"{sdist.name} has no .generator/schemas/{{{','.join(sorted(missing))}}}/openapi.yaml; the client's "
            "packaging changed, so find where its spec moved."
        )
    return specs


def trim_spec(spec: Mapping[str, Any], operations: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """`spec` reduced to `operations` (path -> methods) plus every component they reference, transitively.

    Raises `KeyError` naming any path or method the spec does not have, so a typo cannot silently shrink
    what gets validated.
    """
    paths: dict[str, Any] = {}
    for path, methods in operations.items():
        if path not in spec["paths"]:
            raise KeyError(f"Datadog's spec has no path {path!r}.")
        path_item = spec["paths"][path]
        kept = {key: value for key, value in path_item.items() if key not in _HTTP_METHODS}
        for method in methods:
            if method not in path_item:
                raise KeyError(f"Datadog's spec has no {method.upper()} {path}.")
            kept[method] = path_item[method]
        paths[path] = kept

    components = spec.get("components", {})
    wanted: set[tuple[str, str]] = set()
    pending = list(_local_refs(paths))
    while pending:
        section, name = pending.pop()
        if (section, name) in wanted:
            continue
        wanted.add((section, name))
        pending.extend(_local_refs(components[section][name]))

    security_names = {
        name
        for requirement_list in [spec.get("security", [])]
        + [
            op.get("security", [])
            for item in paths.values()
            for key, op in item.items()
            if key in _HTTP_METHODS
        ]
        for requirement in requirement_list
        for name in requirement
    }
    trimmed_components: dict[str, dict[str, Any]] = {}
    for section, name in sorted(wanted):
        trimmed_components.setdefault(section, {})[name] = components[section][name]
    schemes = components.get("securitySchemes", {})
    trimmed_components["securitySchemes"] = {name: schemes[name] for name in sorted(security_names)}

    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec.get("servers", []),
        "security": spec.get("security", []),
        "paths": paths,
        "components": trimmed_components,
    }


def _local_refs(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            section, name = ref.removeprefix("#/components/").split("/", 1)
            yield section, name
        for value in node.values():
            yield from _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _local_refs(value)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Serialise cache writes across pytest processes sharing the repository."""
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json_atomically(path: Path, data: Any) -> None:
    temporary = path.with_suffix(path.suffix + ".partial")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True))
    temporary.replace(path)


# -- validating traffic ----------------------------------------------------------------------------------


class RecordedRequestLike(Protocol):
    """What the validator reads from a request (`tests.doubles.datadog_double.RecordedRequest` fits)."""

    method: str
    path: str
    query: Iterable[tuple[str, str]]
    headers: Mapping[str, str]
    body: bytes


class RecordedResponseLike(Protocol):
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class _OpenAPIRequest:
    """openapi-core's Request protocol over a recorded request."""

    recorded: RecordedRequestLike
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(self.recorded.query)), header=Headers(dict(self.recorded.headers))
        )

    @property
    def host_url(self) -> str:
        return SPEC_HOST_URL

    @property
    def path(self) -> str:
        return self.recorded.path

    @property
    def method(self) -> str:
        return self.recorded.method.lower()

    @property
    def body(self) -> bytes | None:
        return self.recorded.body or None

    @property
    def content_type(self) -> str:
        return _header(self.recorded.headers, "content-type") or "application/json"


@dataclass
class _OpenAPIResponse:
    recorded: RecordedResponseLike

    @property
    def status_code(self) -> int:
        return self.recorded.status

    @property
    def headers(self) -> Headers:
        return Headers(dict(self.recorded.headers))

    @property
    def content_type(self) -> str:
        return _header(self.recorded.headers, "content-type") or "application/json"

    @property
    def data(self) -> bytes | None:
        return self.recorded.body or None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


class DatadogOpenAPI:
    """Validators for Datadog's v1 and v2 APIs, built from the trimmed specs in `spec_dir`."""

    # Evalforge always authenticates with an API key plus an application key. openapi-core accepts a request
    # without them because the spec's alternative, OAuth, is a scheme it cannot check, so this is checked here.
    KEY_SCHEMES = ("apiKeyAuth", "appKeyAuth")

    def __init__(self, spec_dir: Path) -> None:
        self.spec_dir = spec_dir
        self._apis = {
            api: OpenAPI.from_dict(json.loads((spec_dir / f"{api}.json").read_text()))
            for api in EVALFORGE_OPERATIONS
        }

    def _api_for(self, path: str) -> tuple[str, OpenAPI]:
        api = "v1" if path.startswith("/api/v1/") else "v2"
        return api, self._apis[api]

    def validate_request(self, request: RecordedRequestLike) -> None:
        """Raise `SpecMismatch` unless `request` is a valid call of an operation in the trimmed spec."""
        api, openapi = self._api_for(request.path)
        described = f"{request.method} {request.path}?{_query_text(request)}"
        try:
            openapi.validate_request(_OpenAPIRequest(request))
        except Exception as error:  # openapi-core signals every mismatch as an exception of its own
            raise SpecMismatch(
                f"{described} does not match Datadog's {api} OpenAPI spec ({self.spec_dir.name}): {_explain(error)}"
            ) from error
        missing = [
            name for name in self._key_header_names(openapi) if not _header(request.headers, name.lower())
        ]
        if missing:
            raise SpecMismatch(
                f"{described} lacks the key header(s) {', '.join(missing)} that Datadog's apiKeyAuth/appKeyAuth "
                "security schemes require."
            )

    def _key_header_names(self, openapi: OpenAPI) -> list[str]:
        schemes = (openapi.spec / "components" / "securitySchemes").read_value()
        return [schemes[scheme]["name"] for scheme in self.KEY_SCHEMES]

    def validate_response(
        self,
        request: RecordedRequestLike,
        response: RecordedResponseLike,
        *,
        undocumented_status_ok: bool = False,
    ) -> bool:
        """Raise `SpecMismatch` unless `response` is what the spec documents for `request`'s operation.

        Datadog's spec documents no 5xx answers; with `undocumented_status_ok` such answers are skipped
        (returns False) instead of failing. Returns True when the response was checked.
        """
        api, openapi = self._api_for(request.path)
        try:
            openapi.validate_response(_OpenAPIRequest(request), _OpenAPIResponse(response))
        except ResponseNotFound as error:
            if undocumented_status_ok:
                return False
            raise SpecMismatch(
                f"Datadog's {api} spec documents no HTTP {response.status} answer for {request.method} {request.path}."
            ) from error
        except Exception as error:  # openapi-core signals every mismatch as an exception of its own
            raise SpecMismatch(
                f"The HTTP {response.status} answer to {request.method} {request.path} does not match Datadog's "
                f"{api} OpenAPI spec ({self.spec_dir.name}): {_explain(error)}\nBody: {response.body[:500]!r}"
            ) from error
        return True


def _query_text(request: RecordedRequestLike) -> str:
    return "&".join(f"{key}={value}" for key, value in request.query)


def _explain(error: BaseException) -> str:
    """openapi-core's error plus the schema errors hidden in its cause chain, with where they occurred."""
    parts = [f"{type(error).__name__}: {error}"]
    seen: set[int] = {id(error)}
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            for schema_error in schema_errors:
                where = "/".join(str(step) for step in getattr(schema_error, "absolute_path", [])) or "(root)"
                parts.append(f"at {where}: {getattr(schema_error, 'message', schema_error)}")
        else:
            parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    return "; ".join(parts)


@cache
def load_datadog_openapi(version: str | None = None) -> DatadogOpenAPI:
    """The validator for `version` (default: the installed client), obtaining the spec if needed."""
    return DatadogOpenAPI(ensure_datadog_spec(version))


def validate_request(request: RecordedRequestLike) -> None:
    load_datadog_openapi().validate_request(request)


def validate_response(
    request: RecordedRequestLike, response: RecordedResponseLike, *, undocumented_status_ok: bool = False
) -> bool:
    return load_datadog_openapi().validate_response(
        request, response, undocumented_status_ok=undocumented_status_ok
    )


# -- pytest fixture --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def datadog_openapi() -> DatadogOpenAPI:
    """Datadog's trimmed spec as validators. Skips when it cannot be obtained, except under CI=true, where
    contract checks must not silently disappear, so it fails instead."""
    try:
        return load_datadog_openapi()
    except DatadogSpecUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Datadog's OpenAPI spec is required under CI but unavailable: {error}", pytrace=False
            )
        pytest.skip(f"Datadog's OpenAPI spec is unavailable, so contract checks are skipped: {error}")
