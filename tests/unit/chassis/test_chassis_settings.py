from dataclasses import dataclass

import pytest

from chassis.settings import BaseSettings, SettingsError, as_bool, as_pem, as_port, env, from_env
from chassis.tokens import generate_keypair


@dataclass(frozen=True, kw_only=True)
class Example(BaseSettings):
    port: int = env("EXAMPLE_PORT", 8000, as_port)
    secret: str = env("EXAMPLE_SECRET")
    debug: bool = env("EXAMPLE_DEBUG", False, as_bool)


def test_reads_the_environment_over_defaults():
    settings = from_env(Example, {"EXAMPLE_SECRET": "s", "EXAMPLE_PORT": "9001",
                                  "KAFKA_BOOTSTRAP_SERVERS": "k:1"})
    assert (settings.port, settings.secret, settings.debug) == (9001, "s", False)
    assert settings.kafka_bootstrap_servers == "k:1"


@pytest.mark.parametrize("environ, message", [
    ({}, "EXAMPLE_SECRET: required but not set"),
    ({"EXAMPLE_SECRET": "s", "EXAMPLE_PORT": "abc"}, "EXAMPLE_PORT: must be a whole number"),
    ({"EXAMPLE_SECRET": "s", "EXAMPLE_PORT": "70000"}, "EXAMPLE_PORT: must be a port"),
    ({"EXAMPLE_SECRET": "s", "EXAMPLE_DEBUG": "maybe"}, "EXAMPLE_DEBUG: must be true or false"),
])
def test_a_bad_variable_is_named_in_one_line(environ, message):
    with pytest.raises(SettingsError) as err:
        from_env(Example, environ)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_pem_from_text_or_file(tmp_path):
    private, _ = generate_keypair()
    path = tmp_path / "key.pem"
    path.write_text(private)
    assert as_pem(private) == as_pem(str(path)) == private
    with pytest.raises((ValueError, OSError)):
        as_pem(str(tmp_path / "missing.pem"))
