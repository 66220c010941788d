"""One dynamic partition per export request: the partition key is the export id."""


import dagster as dg

EXPORT_PARTITIONS_NAME = "exports"

export_partitions = dg.DynamicPartitionsDefinition(name=EXPORT_PARTITIONS_NAME)
