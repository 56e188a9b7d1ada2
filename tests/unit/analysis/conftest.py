import pytest

from analysis_svc.testing import FakeAnalyser


@pytest.fixture
def analyser():
    return FakeAnalyser()
