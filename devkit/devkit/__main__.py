"""The devkit command line: `devkit kafka start|stop|status`, `devkit topics`, `devkit pg ...`, `devkit rt ...`, `devkit run`."""
import argparse
import sys

from devkit import config


def cmd_kafka(args) -> int:
    from devkit.kafka import Broker, create_topics
    broker = Broker(**config.broker_args())
    if args.action == "start":
        broker.start()
        print(f"kafka: {broker.bootstrap} (data {broker.data_dir}, log {broker.log_path})")
        if not args.no_topics:
            print(f"topics: {create_topics(broker.bootstrap, security=broker.admin_config)}")
    elif args.action == "stop":
        broker.stop()
        print("kafka: stopped")
    elif args.action == "kill":
        broker.kill()
    else:
        healthy = broker.is_healthy()
        print(f"kafka: {'running' if healthy else 'not running'} on {broker.bootstrap}")
        return 0 if healthy else 3
    return 0


def cmd_topics(args) -> int:
    from devkit.kafka import create_topics
    created = create_topics(config.bootstrap(), replication_factor=args.replication_factor,
                            min_insync_replicas=args.min_insync_replicas)
    for name, partitions in sorted(created.items()):
        print(f"{name}\t{partitions}")
    return 0


def cmd_pg(args) -> int:
    from devkit.postgres import Postgres
    pg = Postgres(**config.postgres_args())
    if args.action == "start":
        pg.start()
        for name in args.databases:
            pg.create_database(name)
        print(f"postgres: {pg.url('postgres')} (data {pg.data_dir})")
    elif args.action == "stop":
        pg.stop()
        print("postgres: stopped")
    else:
        running = pg.is_running()
        print(f"postgres: {'running' if running else 'not running'} on port {pg.port}")
        return 0 if running else 3
    return 0


def cmd_rt(args) -> int:
    from devkit.rt import RequestTracker
    rt = RequestTracker(**config.rt_args())
    if args.action == "start":
        rt.start()
        print(f"rt: {rt.url} (REST2 {rt.api}, queue {rt.queue}, data {rt.data_dir})")
        print(f"RT_TOKEN={rt.token}  # {rt.user}: comment on and reopen tickets in {rt.queue}")
    elif args.action == "stop":
        rt.stop()
        print("rt: stopped")
    else:
        healthy = rt.is_healthy()
        print(f"rt: {'running' if healthy else 'not running'} on {rt.url}")
        return 0 if healthy else 3
    return 0


def cmd_mail(args) -> int:
    from devkit.mailcatcher import serve_forever
    serve_forever()
    return 0


def cmd_secrets(args) -> int:
    from devkit.secrets import BANNER, compose_secrets, dev_secrets
    print(f"# {BANNER}")
    for name, value in (compose_secrets() if args.compose else dev_secrets()).items():
        print(f"{name}={value}")
    return 0


def cmd_run(args) -> int:
    from devkit.run import run
    return run()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="devkit", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    kafka = sub.add_parser("kafka", help="the local Kafka broker")
    kafka.add_argument("action", choices=["start", "stop", "status", "kill"])
    kafka.add_argument("--no-topics", action="store_true", help="do not create the suite's topics")
    kafka.set_defaults(func=cmd_kafka)
    topics = sub.add_parser("topics", help="create the suite's missing topics (KAFKA_BOOTSTRAP_SERVERS)")
    topics.add_argument("--replication-factor", type=int, default=1, help="replicas per partition")
    topics.add_argument("--min-insync-replicas", type=int, default=None,
                        help="the topics' min.insync.replicas (else the broker's default)")
    topics.set_defaults(func=cmd_topics)
    pg = sub.add_parser("pg", help="the local PostgreSQL server")
    pg.add_argument("action", choices=["start", "stop", "status"])
    pg.add_argument("databases", nargs="*", help="databases to create after start")
    pg.set_defaults(func=cmd_pg)
    rt = sub.add_parser("rt", help="a local Request Tracker 5 (request-tracker5, SQLite)")
    rt.add_argument("action", choices=["start", "stop", "status"])
    rt.set_defaults(func=cmd_rt)
    sub.add_parser("mail", help="run the mail catcher in the foreground").set_defaults(func=cmd_mail)
    secrets = sub.add_parser("secrets", help="print (and create) the DEV ONLY secrets")
    secrets.add_argument("--compose", action="store_true",
                         help="all docker-compose.yml requires, as a .env file")
    secrets.set_defaults(func=cmd_secrets)
    sub.add_parser("run", help="run the whole suite locally").set_defaults(func=cmd_run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
