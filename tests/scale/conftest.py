"""The pair of Rasa instances behind HAProxy (tests/cluster.py), started once for tests/scale."""
import pytest

from tests.cluster import running_cluster
from tests.servers import ROOT

LOGS = ROOT / "test-results" / "scale-logs"


@pytest.fixture(scope="package")
def running():
    with running_cluster(LOGS) as cluster:
        yield cluster


@pytest.fixture
def cluster(running):
    """Each instance on its own (no balancer), as `Bot`s."""
    return [running.bot(rasa) for rasa in running.instances]
