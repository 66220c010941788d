"""Strands agents on MiniMax M2.5, each with a deterministic counterpart used without a model or on failure.

- `llm`: `build_model(settings)` (MiniMax or None), `new_agent`, `invoke`, `strip_think`
- `planner`: `generate_plan(PlanningContext, model)` → `PlanOutcome`
- `copilot`: `answer_question(store, settings, incident_id, question, model)` → `CopilotAnswer`
- `generators`: `LlmArtifactGenerator`, `artifact_generator_from_settings(settings)`

Submodules are imported by name so that importing this package does not import Strands.
"""
