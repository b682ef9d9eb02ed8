"""ontology stage."""
