"""Exports: the export sensor turns API requests into dynamic partitions of export_packages, which builds eval
cases, guardrail rules and runbooks and delivers them (files or GCS, Datadog datasets, a signed webhook)."""
