import pytest

from chassis.kafka import KafkaPublisher

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings


@pytest.fixture
def make_services(db_url, kafka_bootstrap):
    """Factory: analysis-svc's bus on a fresh database, real broker and analyser."""
    made = []

    def make(**overrides):
        settings = Settings(database_url=db_url, kafka_bootstrap_servers=kafka_bootstrap,
                            admin_token="admin-secret", model_dir="", **overrides)
        services = build(settings, publisher=KafkaPublisher(kafka_bootstrap, "analysis-test"))
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()
