"""The capture job: one hour (or a range of hours) from raw spans to stored, grouped failures."""


import dagster as dg

capture_job = dg.define_asset_job(
    "capture_job",
    selection=dg.AssetSelection.groups("capture", "grouping"),
    description="Fetch, capture and group the failures of the selected hours.",
)
