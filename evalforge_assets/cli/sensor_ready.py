"""Whether the Dagster daemon has evaluated a sensor yet, asked over the webserver's GraphQL (plain httpx)."""

from __future__ import annotations

import httpx

from evalforge_assets.orchestration import LOCATION_NAME, REPOSITORY_NAME

_SENSOR_TICKS = """
query SensorTicks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { ticks(limit: 1) { status timestamp } } }
  }
}"""
# STARTED is a tick in progress; the others are evaluations that finished (FAILURE included: it ran).
_FINISHED = {"SUCCESS", "SKIPPED", "FAILURE"}


def sensor_has_ticked(dagster_url: str, sensor_name: str, timeout: float = 3.0) -> bool:
    """True once the daemon has finished at least one evaluation of `sensor_name`; False while Dagster is still
    loading, the sensor is unknown, or the webserver does not answer."""
    selector = {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                "sensorName": sensor_name}
    try:
        response = httpx.post(f"{dagster_url.rstrip('/')}/graphql", timeout=timeout,
                              json={"query": _SENSOR_TICKS, "variables": {"selector": selector}})
        found = response.json()["data"]["sensorOrError"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return False  # not answering, or not ready to: the caller asks again
    if found.get("__typename") != "Sensor":
        return False
    return any(tick["status"] in _FINISHED for tick in found["sensorState"]["ticks"])
