"""`make run`: Kafka, topics, dev secrets, mail catcher, the services and their workers, the demo."""
import os
import signal
import subprocess
import time
import urllib.request

from devkit import assets_dir, config, var_dir
from devkit.kafka import Broker, create_topics
from devkit.secrets import BANNER, dev_secrets
from devkit.services import SERVICES, ProcessGroup, commands, installed, script, service_env

READY_TIMEOUT = float(os.environ.get("READY_TIMEOUT", "180"))
TRICKLE_INTERVAL = os.environ.get("DEMO_TRICKLE_INTERVAL", "5")


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


def wait_ready(group: ProcessGroup, services) -> None:
    deadline, waiting = time.monotonic() + READY_TIMEOUT, list(services)
    while waiting:
        waiting = [s for s in waiting if not ready(s.url)]
        died = group.exited()
        if died:
            name = next(iter(died))
            raise RuntimeError(f"{name} exited with {died[name]}:\n{group.log_tail(name)}")
        if waiting and time.monotonic() > deadline:
            names = ", ".join(f"{s.name} ({s.url}/readyz)" for s in waiting)
            raise RuntimeError(f"not ready within {READY_TIMEOUT:.0f}s: {names}\n"
                               f"{group.log_tail(waiting[0].name)}")
        time.sleep(0.25)


def _owner_mark():
    return var_dir() / "run" / "kafka.owned"


def start_broker() -> Broker | None:
    """Start the dev broker; returns it if this run owns it (and so stops it)."""
    broker = Broker(**config.broker_args())
    if broker.is_healthy():
        if _owner_mark().exists():
            print(f"kafka: adopting the broker an earlier run left on {broker.bootstrap}")
            return broker
        print(f"kafka: using the running broker on {broker.bootstrap} (left running at the end)")
        return None
    print(f"kafka: starting on {broker.bootstrap} (log {broker.log_path})")
    _owner_mark().write_text(broker.bootstrap)
    return broker.start()


def start_mail(env: dict) -> object | None:
    if os.environ.get("SMTP_HOST") or os.environ.get("SMTP_PORT"):
        return None
    from devkit.mailcatcher import MailCatcher
    catcher = MailCatcher(**config.mail_args()).start()
    env.update(SMTP_HOST=catcher.host, SMTP_PORT=str(catcher.smtp_port))
    return catcher


def start_demo(group: ProcessGroup, env: dict) -> str:
    """`suite-demo seed` (once per var/, i.e. into empty databases) and a `suite-demo trickle` child."""
    demo = script("suite-demo")
    if os.environ.get("DEMO", "1") == "0":
        return "off (DEMO=0)"
    if not demo:
        return "suite-demo not installed"
    print("demo: seeding a year of history if this var/ has none (DEMO=0 switches the demo off)")
    subprocess.run([demo, "seed"], env=env, check=False, timeout=900)
    group.start("suite-demo-trickle", [demo, "trickle", "--interval", TRICKLE_INTERVAL], env, optional=True)
    return f"a year of history (seeded once per var/); a live answer every {TRICKLE_INTERVAL} s"


def run() -> int:
    started = time.monotonic()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    group, broker, catcher = ProcessGroup(), None, None
    try:
        group.clear_stale()
        broker = start_broker()
        create_topics(config.bootstrap())
        secrets = dev_secrets()
        env = service_env({**os.environ, **secrets, "KAFKA_BOOTSTRAP_SERVERS": config.bootstrap(),
                           "ASSETS_DIR": str(assets_dir()), "DEMO_STATE_DIR": str(var_dir()),
                           "PYTHONUNBUFFERED": "1"})
        catcher = start_mail(env)
        services = [s for s in SERVICES if installed(s)]
        for service in services:
            for name, argv in commands(service).items():
                print(f"{name}: {service.name} {' '.join(argv[1:])} (log var/log/{name}.log)")
                group.start(name, argv, service.process_env(name, env))
        wait_ready(group, services)
        print(f"ready in {time.monotonic() - started:.0f} s")
        demo = start_demo(group, env)
        summary(services, secrets, catcher, demo, time.monotonic() - started)
        while not group.exited(essential_only=True):
            time.sleep(1)  # idle: Ctrl-C or SIGTERM interrupts
        died = group.exited(essential_only=True)
        name = next(iter(died))
        print(f"stopping: {name} exited with {died[name]}:\n{group.log_tail(name)}")
        return 1
    except Stop:
        print("\nstopping ...")
        return 0
    except Exception as error:
        print(f"make run failed: {error}", flush=True)
        return 1
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        group.stop_all()
        if catcher:
            catcher.stop()
        if broker:
            broker.stop()
            _owner_mark().unlink(missing_ok=True)
        print("stopped everything this run started", flush=True)


def summary(services, secrets: dict, catcher, demo: str, elapsed: float) -> None:
    print(f"\n=== the suite is running ({elapsed:.0f} s; Ctrl-C stops it) ===")
    for service in services:
        print(f"  {service.name:<14} {service.url}   (worker metrics "
              f"http://127.0.0.1:{service.worker_metrics_port}/metrics)")
        for label, path in service.pages.items():
            print(f"    {label:<12} {service.url}{path}")
    if catcher:
        print(f"  mail catcher   {catcher.index_url}  (SMTP {catcher.host}:{catcher.smtp_port}, "
              f"files {var_dir() / 'mail'})")
    print(f"  kafka          {config.bootstrap()}")
    print(f"  logs           {var_dir() / 'log'}")
    print(f"  demo           {demo}")
    if secrets:
        print(f"\n  {BANNER}:")
        for name, value in secrets.items():
            print(f"  {name}={value}")
    print("\n  Dashboard: sign in with ADMIN_TOKEN. Send a test ticket: see README.md, "
          "'Send a test ticket'.", flush=True)
