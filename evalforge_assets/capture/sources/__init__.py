"""Where spans come from: Datadog's LLM Observability export API, exported files, or the seeded sample."""
