"""The synthetic report generator used by the benchmarks: valid, sized, reproducible."""

from __future__ import annotations

import yaml

from iapreport.loader import load_text
from iapreport.synthetic import generate


def test_synthetic_reports_are_valid_sized_and_reproducible():
    data = generate(40, seed=3, meetings=2)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    result = load_text(text, "synthetic.yaml")
    assert result.problems == []
    assert len(list(result.report.recommendations())) == 40
    assert all(len(r.updates) == 2 for _, r in result.report.recommendations())
    assert generate(40, seed=3, meetings=2) == data and generate(40, seed=4, meetings=2) != data
    # about the Kazakhstan sample's size per recommendation (≈ 14 KB of bilingual YAML)
    assert 8_000 < len(yaml.safe_dump(generate(29), allow_unicode=True).encode()) / 29 < 25_000
