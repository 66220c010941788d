"""Recover: the incident service and state machine, detection (webhooks, metrics), context, plans, pass
criteria, check runners, planner and copilot.

Submodules are imported by name so that importing this package imports neither Strands nor MCP.
"""
