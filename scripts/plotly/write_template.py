"""Write surveys/plotly_template.json: the default template the installed Python plotly puts in
every figure's layout, which surveys.charts copies into its figures without importing plotly.
Run after upgrading plotly (tests/test_chart_json.py fails until then): .venv/bin/python
scripts/plotly/write_template.py
"""

import json
import sys
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from surveys.plotly_json import TEMPLATE_PATH  # noqa: E402

found = json.loads(go.Figure().to_json())["layout"]["template"]
TEMPLATE_PATH.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"Wrote {TEMPLATE_PATH.relative_to(ROOT)}")
