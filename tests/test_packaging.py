"""Installed from a wheel, away from the checkout, the package still finds its files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys
from formsvc import resources, case
from formsvc.validation import validate
root = sys.argv[1]
found = {name: str(getattr(resources, name)()) for name in ("templates_dir", "schemas_dir", "samples_dir", "data_dir")}
example = case.loads(open(sys.argv[2], "rb").read())
from formsvc.letters import options_from, render_letter
from formsvc import mahnantrag
letter = render_letter(example, options_from(example, {"language": "pl"}))
application = mahnantrag.render(example)
print(json.dumps({"found": found, "codes": validate(example).codes(),
                  "letter": letter.data[:5].decode(), "application": application.data[:5].decode(),
                  "templates": sorted(p.name for p in resources.templates_dir().iterdir()),
                  "samples": sorted(p.name for p in resources.samples_dir().iterdir())}))
"""


def test_wheel_carries_templates_schemas_samples_and_data(tmp_path):
    """A non-editable install finds every resource inside site-packages and renders a letter and an application."""
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(wheel_dir), str(ROOT)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("formsvc-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    example = ROOT.parent / "shared" / "spec" / "case-example.json"
    result = subprocess.run([sys.executable, "-c", PROBE, str(target), str(example)], cwd=tmp_path,
                            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    import json

    out = json.loads(result.stdout)
    for path in out["found"].values():
        assert path.startswith(str(target)), out["found"]
    assert out["codes"] == []
    assert out["letter"] == out["application"] == "%PDF-"
    assert {"letters", "mahnantrag"} <= set(out["templates"])
    assert {"valid", "invalid", "manifest.json"} <= set(out["samples"])
