"""Shared fixtures: stores (SQLite and the Firestore emulator), the Datadog test double and its OpenAPI spec."""

pytest_plugins = [
    "tests.fixtures.signals",  # first: every child a test starts must be stoppable by SIGTERM
    "tests.fixtures.firestore_emulator",
    "tests.fixtures.postgres",
    "tests.fixtures.stores",
    "tests.doubles.datadog_double",
    "tests.doubles.datadog_spec",
    "tests.doubles.datadog_datasets",
    "tests.doubles.slack_api",
    "tests.fixtures.provisioning",  # after the plugins whose helpers it imports
]
