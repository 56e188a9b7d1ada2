"""The domain stays plain Python."""
import subprocess
import sys


def test_domain_imports_no_framework():
    code = ("import sys; import analysis_svc.domain.alerts, analysis_svc.domain.periods, "
            "analysis_svc.domain.stats; "
            "print(sorted({'flask','kafka','sqlalchemy','marshmallow'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
