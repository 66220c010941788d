"""Recovery: one dynamic partition per incident; context → plan → validation runs, driven by sensors."""
