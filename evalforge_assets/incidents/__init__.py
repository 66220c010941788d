"""Incidents: the one place every detection path, the API and the Dagster assets change incident state."""

from evalforge_assets.incidents.service import IncidentService, SignalReading
