"""One dynamic partition per incident (thousands at most, never one per request)."""

import dagster as dg

incident_partitions = dg.DynamicPartitionsDefinition(name="incidents")
