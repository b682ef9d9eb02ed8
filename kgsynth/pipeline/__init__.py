"""Stages run in order: the orchestration above the individual stages."""
