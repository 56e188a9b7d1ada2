"""A real Request Tracker 5 (Debian's request-tracker5) on SQLite, for the connector tests.

Everything lives in data_dir: the site config, the database, Mason's caches, the tokens, the log.
"""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devkit import procs, repo_root

RT_HOME = Path(os.environ.get("RT_HOME", "/usr/share/request-tracker5"))
START_TIMEOUT = float(os.environ.get("RT_START_TIMEOUT", "180"))

# Creates the queue, the connector's user with just the rights it needs on that queue, and an
# auth token for it and for root (the tests' stand-in for the service desk's agents).
QUEUE_PERL = r"""
use strict; use warnings;
use RT; RT::LoadConfig(); RT::Init();
my ($queue_name, $user_name) = @ARGV;
my $queue = RT::Queue->new(RT->SystemUser);
$queue->Load($queue_name);
unless ($queue->Id) { my ($ok, $msg) = $queue->Create(Name => $queue_name); die "queue: $msg\n" unless $ok; }
my $user = RT::User->new(RT->SystemUser);
$user->Load($user_name);
unless ($user->Id) {
    my ($ok, $msg) = $user->Create(Name => $user_name, EmailAddress => "$user_name\@rt.test",
                                   Privileged => 1);
    die "user: $msg\n" unless $ok;
}
for my $right (qw(SeeQueue ShowTicket ShowTicketComments CommentOnTicket ModifyTicket)) {
    my ($ok, $msg) = $user->PrincipalObj->GrantRight(Right => $right, Object => $queue);
    die "right $right: $msg\n" unless $ok or $msg =~ /already/i;
}
"""
SETUP_PERL = QUEUE_PERL + r"""
# No scrips: their notifications go nowhere here and cost each ticket change about 40%
my $scrips = RT::Scrips->new(RT->SystemUser); $scrips->UnLimit;
while (my $scrip = $scrips->Next) { $scrip->SetDisabled(1) }
for my $name ($user_name, 'root') {
    my $owner = RT::User->new(RT->SystemUser); $owner->Load($name);
    my $token = RT::AuthToken->new(RT->SystemUser);
    my ($ok, $msg, $secret) = $token->Create(Owner => $owner->Id, Description => 'devkit');
    die "token: $msg\n" unless $ok;
    print "$name\t$secret\n";
}
"""


class RtError(RuntimeError):
    pass


def rt_server() -> Path | None:
    """Debian's rt-server, or None when request-tracker5 is not installed."""
    path = RT_HOME / "libexec" / "rt-server"
    return path if path.exists() else None


class RequestTracker:
    """One rt-server owned through its data_dir (site config path on its command line)."""

    def __init__(self, port: int = 8991, data_dir: Path | None = None, queue: str = "Surveys",
                 user: str = "survey-bot"):
        self.port, self.queue, self.user = port, queue, user
        self.data_dir = Path(data_dir or repo_root() / "var" / "dev-rt").resolve()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/REST/2.0"

    @property
    def site_config(self) -> Path:
        return self.data_dir / "RT_SiteConfig.pm"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "rt.log"

    @property
    def tokens(self) -> dict[str, str]:
        """{"survey-bot": token, "root": token} once set up."""
        path = self.data_dir / "tokens.json"
        return json.loads(path.read_text()) if path.exists() else {}

    @property
    def token(self) -> str:
        return self.tokens[self.user]

    @property
    def root_token(self) -> str:
        return self.tokens["root"]

    def pids(self) -> list[int]:
        return procs.pids_matching("rt-server", str(self.data_dir))

    def is_running(self) -> bool:
        return bool(self.pids())

    def is_healthy(self) -> bool:
        return self.is_running() and bool(self.tokens) and self._answers()

    def start(self, timeout: float = START_TIMEOUT) -> "RequestTracker":
        """Create the database, queue, user and tokens once; start rt-server; wait for REST2."""
        if rt_server() is None:
            raise RtError("request-tracker5 is not installed: run `make system-deps`")
        if self.is_healthy():
            return self
        self.stop()
        if not procs.wait_ports_free([self.port], 15.0):
            raise RtError(f"port {self.port} is taken by another process")
        self._prepare()
        process = self._spawn()
        self._wait_ready(process, timeout)
        return self

    def stop(self, timeout: float = 20.0) -> None:
        for pid in self.pids():
            procs.terminate(pid, timeout)

    def _env(self) -> dict[str, str]:
        # RT reads our site config and an empty RT_SiteConfig.d instead of /etc/request-tracker5
        return {**os.environ, "RT_SITE_CONFIG": str(self.site_config),
                "RT_SITE_CONFIG_DIR": str(self.data_dir / "RT_SiteConfig.d"),
                "PERL5LIB": str(RT_HOME / "lib")}

    def _prepare(self) -> None:
        for sub in ("RT_SiteConfig.d", "var", "mason_data", "session_data"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self.site_config.write_text(self._site_config())
        database = self.data_dir / "rt.db"
        if not database.exists() or not self.tokens:
            database.unlink(missing_ok=True)
            self._run(["rt-setup-database", "--action", "init", "--skip-create"])
            out = self._run(["perl", "-e", SETUP_PERL, self.queue, self.user])
            tokens = dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)
            (self.data_dir / "tokens.json").write_text(json.dumps(tokens))

    def add_queue(self, name: str) -> str:
        """A queue where the connector's user has its rights (a test's own tickets)."""
        self._run(["perl", "-e", QUEUE_PERL, name, self.user])
        return name

    def _site_config(self) -> str:
        d = self.data_dir
        return "\n".join([
            # Paths RT's Debian build fixes under /var: ours, so a non-root user can run it too
            f"$RT::VarPath = '{d / 'var'}';",
            f"$RT::MasonDataDir = '{d / 'mason_data'}';",
            f"$RT::MasonSessionDir = '{d / 'session_data'}';",
            "Set($DatabaseType, 'SQLite');",
            f"Set($DatabaseName, '{d / 'rt.db'}');",
            f"Set($WebPort, {self.port});",
            "Set($WebDomain, '127.0.0.1');",
            "Set($WebPath, '');",
            f"Set($WebBaseURL, '{self.url}');",
            "Set($rtname, 'rt.test');",
            "Set($Organization, 'rt.test');",
            "Set($Timezone, 'UTC');",
            "Set($LogToSTDERR, 'error');",
            "Set($LogToSyslog, undef);",
            "Set($LogToFile, undef);",
            # The scrips' notifications go nowhere: no MTA needed, no mail leaves the test
            "Set($MailCommand, sub { 1 });",
            "1;", ""])

    def _run(self, command: list[str]) -> str:
        if command[0] != "perl":
            command = [str(shutil.which(command[0]) or RT_HOME / "sbin" / command[0]), *command[1:]]
        result = subprocess.run(command, capture_output=True, text=True, env=self._env(),
                                timeout=300, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RtError(f"{command[0]} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def _spawn(self) -> subprocess.Popen:
        log = open(self.log_path, "ab")
        try:
            # -I<data dir> (harmless) is how pids() finds this server on its command line
            return subprocess.Popen(
                ["perl", f"-I{self.data_dir}", str(rt_server()), "--listen",
                 f"127.0.0.1:{self.port}", "--max-workers", "2"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self._env(), start_new_session=True)
        finally:
            log.close()

    def _answers(self) -> bool:
        request = urllib.request.Request(f"{self.api}/rt",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _wait_ready(self, process: subprocess.Popen, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RtError(f"rt-server exited with {process.returncode}:\n{self.log_tail()}")
            if procs.port_open(self.port) and self._answers():
                return
            time.sleep(0.2)
        procs.signal_group(process.pid, signal.SIGKILL)
        raise RtError(f"rt-server not ready within {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no rt-server log)"
