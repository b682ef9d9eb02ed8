"""kgsynth: knowledge-graph-grounded synthesis of LLM training and evaluation data."""

__version__ = "0.1.0"
