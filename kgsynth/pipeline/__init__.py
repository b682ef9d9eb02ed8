"""Stages run in order: the orchestration above the individual stages.

``synthesize(store, SynthesisSpec(...))`` walks the graph, renders samples from the walks and
applies quality control until exactly ``n`` samples are accepted (or says why it cannot).
"""

from kgsynth.pipeline.synthesize import SynthesisReport, SynthesisResult, SynthesisSpec, synthesize

__all__ = ["SynthesisReport", "SynthesisResult", "SynthesisSpec", "synthesize"]
