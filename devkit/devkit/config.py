"""Where the local servers live, read from the environment with working defaults."""
import os
from pathlib import Path

from devkit import var_dir


def bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092").split(",")[0]


def broker_args() -> dict:
    port = int(bootstrap().rsplit(":", 1)[1])
    return {
        "port": port,
        "controller_port": int(os.environ.get("KAFKA_CONTROLLER_PORT", port + 1)),
        "data_dir": Path(os.environ.get("KAFKA_DATA_DIR", var_dir() / "dev-kafka")),
    }


def mail_args() -> dict:
    """The mail catcher `make run` starts: SMTP and index page ports."""
    return {"smtp_port": int(os.environ.get("MAIL_SMTP_PORT", "1025")),
            "http_port": int(os.environ.get("MAIL_UI_PORT", "1080"))}


def postgres_args() -> dict:
    return {
        "port": int(os.environ.get("DEV_PG_PORT", "55432")),
        "data_dir": Path(os.environ.get("PG_DATA_DIR", var_dir() / "dev-pg")),
    }


def rt_args() -> dict:
    """The Request Tracker `devkit rt start` runs (RT_PORT, RT_DATA_DIR)."""
    return {"port": int(os.environ.get("RT_PORT", "8991")),
            "data_dir": Path(os.environ.get("RT_DATA_DIR", var_dir() / "dev-rt"))}
