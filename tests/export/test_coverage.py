"""Coverage report and dataset card."""

from __future__ import annotations

from kgsynth.export import coverage_report, dataset_card
from kgsynth.model import Sample
from tests.generate.graphs import Fixture


def test_coverage_shares_match_a_count_by_hand(mixed_samples: list[Sample], med_fixture: Fixture) -> None:
    english = [
        s
        for s in mixed_samples
        if s.language == "en" and s.path.entities[0].id in {e.id for e in med_fixture.entities.values()}
    ]
    report = coverage_report(english, med_fixture.graph)
    entities = {e.id for s in english for e in s.path.entities}
    relations = {r.id for s in english for r in s.path.relations}
    assert (report.samples, report.entities_used, report.relations_used) == (
        len(english),
        len(entities),
        len(relations),
    )
    assert report.entity_share == round(len(entities) / 22, 6)
    assert report.relation_share == round(len(relations) / 26, 6)
    assert report.relation_types_used == 4 and report.relation_type_share == 1.0


def test_coverage_counts_by_type_and_hops(mixed_samples: list[Sample], med_fixture: Fixture) -> None:
    report = coverage_report(mixed_samples, med_fixture.graph)
    assert sum(report.by_type.values()) == sum(report.by_hops.values()) == len(mixed_samples)
    assert report.by_hops[2] == sum(1 for s in mixed_samples if s.hops == 2)
    assert report.per_hops[2].samples == report.by_hops[2]
    assert report.by_language == {
        "en": sum(s.language == "en" for s in mixed_samples),
        "zh": sum(s.language == "zh" for s in mixed_samples),
    }


def test_coverage_of_no_samples_is_zero(med_fixture: Fixture) -> None:
    report = coverage_report([], med_fixture.graph)
    assert (report.samples, report.entity_share, report.relation_share) == (0, 0.0, 0.0)


def test_dataset_card_lists_counts_config_licence_and_reverify(
    mixed_samples: list[Sample], med_fixture: Fixture
) -> None:
    report = coverage_report(mixed_samples, med_fixture.graph)
    card = dataset_card(
        report,
        {"n": 1000, "seed": 7, "types": ["factoid", "yesno"]},
        source="kg.db",
        data_file="out.jsonl",
        drops={"near_duplicate": 4},
    )
    assert card.startswith("# kgsynth dataset\n")
    assert f"| factoid | {report.by_type['factoid']} |" in card
    assert f"| 2 | {report.by_hops[2]} |" in card
    assert f"| treats | {report.by_relation['treats']} |" in card
    assert '"seed": 7' in card
    assert "| near_duplicate | 4 |" in card
    assert "TODO: state the licence before publishing. The facts come from kg.db" in card
    assert "kgsynth check out.jsonl --store kg.db" in card
