"""The hazard log (docs/hazard-log.yml) names real tests, and its controls' sources are trustworthy."""
import ast
from pathlib import Path

import pytest
import yaml

from actions.medical.knowledge import load

ROOT = Path(__file__).resolve().parents[2]
HAZARDS = yaml.safe_load((ROOT / "docs" / "hazard-log.yml").read_text())["hazards"]
NAMED = sorted({test for hazard in HAZARDS for test in hazard["tests"]})
PRIMARY = ("NHS", "NICE", "MSD Manual")


def test_every_hazard_has_a_cause_an_effect_controls_tests_and_a_residual_risk():
    for hazard in HAZARDS:
        assert {"id", "hazard", "cause", "effect", "controls", "tests", "residual"} <= set(hazard), hazard["id"]
        assert hazard["controls"] and hazard["tests"], hazard["id"]


@pytest.mark.parametrize("test", NAMED)
def test_each_test_the_hazard_log_names_exists(test):
    path, name = test.split("::")
    tree = ast.parse((ROOT / path).read_text())
    assert name in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}, test


def test_new_rules_cite_a_primary_source_with_an_address():
    kb = load()
    dated = {s["id"] for s in kb.sources.values() if s.get("url") and s.get("checked")}
    assert dated, "primary sources carry an address and the date checked"
    for source in (kb.sources[i] for i in dated):
        assert source["url"].startswith("https://") and source["publisher"] in PRIMARY, source["id"]
