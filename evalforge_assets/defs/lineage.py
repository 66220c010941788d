"""How the per-export and per-incident assets depend on the hourly failure signatures, for lineage.

Signatures are cumulative (each hour folds its captures into the same records), so an export or an incident
reads the signatures as they stand, which is the newest grouped hour: LastPartitionMapping says exactly that.
AllPartitionMapping would make every hour since EVALFORGE_PARTITION_START an upstream of every export and
incident (thousands of partitions in staleness and launch checks); Dagster rejects the default (identity)
mapping between dynamic and hourly partitions.
"""

import dagster as dg

FROM_CURRENT_SIGNATURES = dg.AssetDep("failure_signatures", partition_mapping=dg.LastPartitionMapping())
