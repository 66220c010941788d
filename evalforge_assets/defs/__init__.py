"""Dagster definitions: partitions, resources, IO managers, assets, checks, sensors and schedules."""
