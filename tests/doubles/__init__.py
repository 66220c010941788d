"""Local stand-ins for external services (Datadog, ...) that speak their real wire formats."""
