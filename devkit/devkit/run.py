"""`make run`: Kafka, topics, dev secrets, mail catcher, the three services; Ctrl-C stops it all."""
import os
import signal
import subprocess
import sys
import time
import urllib.request

from devkit import assets_dir, config, var_dir
from devkit.kafka import Broker, create_topics
from devkit.secrets import BANNER, dev_secrets
from devkit.services import SERVICES, ProcessGroup, commands, installed, script

READY_TIMEOUT = float(os.environ.get("READY_TIMEOUT", "120"))


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop()


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_ready(group: ProcessGroup, service) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready(service.url):
        died = group.exited()
        if died:
            name = next(iter(died))
            raise RuntimeError(f"{name} exited with {died[name]}:\n{group.log_tail(name)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{service.name} not ready on {service.url}/readyz within {READY_TIMEOUT}s:\n"
                               f"{group.log_tail(service.name)}")
        time.sleep(0.25)


def start_broker() -> Broker | None:
    """Start the dev broker; returns it if this run started it (so this run stops it)."""
    broker = Broker(**config.broker_args())
    if broker.is_healthy():
        print(f"kafka: using the running broker on {broker.bootstrap}")
        return None
    print(f"kafka: starting on {broker.bootstrap} (log {broker.log_path})")
    return broker.start()


def start_mail(env: dict) -> object | None:
    if os.environ.get("SMTP_HOST") or os.environ.get("SMTP_PORT"):
        return None
    from devkit.mailcatcher import MailCatcher
    catcher = MailCatcher().start()
    env.update(SMTP_HOST=catcher.host, SMTP_PORT=str(catcher.smtp_port))
    return catcher


def seed_demo(env: dict) -> None:
    """Hook for demo data: `suite-demo seed` when installed and DEMO is not 0."""
    demo = script("suite-demo")
    if os.environ.get("DEMO", "1") == "0" or not demo:
        print("demo: skipped" if demo else "demo: suite-demo not installed, skipped")
        return
    print("demo: seeding (DEMO=0 switches this off)")
    subprocess.run([demo, "seed"], env=env, check=False, timeout=600)


def run() -> int:
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    group, broker, catcher = ProcessGroup(), None, None
    try:
        group.clear_stale()
        broker = start_broker()
        create_topics(config.bootstrap())
        secrets = dev_secrets()
        env = {**os.environ, **secrets, "KAFKA_BOOTSTRAP_SERVERS": config.bootstrap(),
               "ASSETS_DIR": str(assets_dir()), "PYTHONUNBUFFERED": "1"}
        catcher = start_mail(env)
        services = [s for s in SERVICES if installed(s)]
        for service in services:
            for name, argv in commands(service).items():
                print(f"{name}: {' '.join(argv)} (log var/log/{name}.log)")
                group.start(name, argv, env)
        for service in services:
            wait_ready(group, service)
        seed_demo(env)
        summary(services, secrets, catcher)
        while not group.exited():
            time.sleep(1)  # idle: Ctrl-C or SIGTERM interrupts
        died = group.exited()
        print(f"stopping: {', '.join(died)} exited")
        return 1
    except Stop:
        print("\nstopping ...")
        return 0
    except Exception as error:
        print(f"make run failed: {error}", flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        group.stop_all()
        if catcher:
            catcher.stop()
        if broker:
            broker.stop()
        print("stopped everything this run started")


def summary(services, secrets: dict, catcher) -> None:
    print("\n=== the suite is running (Ctrl-C stops it) ===")
    for service in services:
        print(f"  {service.name:<13} {service.url}")
    if catcher:
        print(f"  mail          smtp 127.0.0.1:{catcher.smtp_port}, index {catcher.index_url}, files {var_dir() / 'mail'}")
    print(f"  kafka         {config.bootstrap()}")
    if secrets:
        print(f"\n  {BANNER}:")
        for name, value in secrets.items():
            print(f"  {name}={value}")
    print(flush=True)
