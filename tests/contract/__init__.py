"""Contract tests: Evalforge against the wire formats and specs of the services it talks to."""
