"""The LLM tests' real llama.cpp servers come from ``tests/conftest.py`` (one of each per session)."""
