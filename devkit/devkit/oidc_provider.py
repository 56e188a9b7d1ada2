"""A real OpenID provider (npm `oidc-provider`, run with Node) on a free port, for tests.

    idp = OidcProvider(clients=[{"client_id": ..., "client_secret": ..., "redirect_uris": [...]}],
                       users={"ada": {"email": ..., "name": ..., "groups": [...]}}).start()
    ...  # point the app at idp.issuer; sign in on its login page with a user's login
    idp.stop()

Its development login page takes any password; consent is skipped (oidc_provider.mjs).
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

from devkit import assets_dir
from devkit.procs import free_port
from devkit.testing import wait_for

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")


class OidcProviderError(RuntimeError):
    pass


class OidcProvider:
    def __init__(self, clients: list[dict], users: dict[str, dict], port: int | None = None,
                 log_path: Path | None = None):
        self.port = port or free_port()
        self.clients, self.users, self.log_path = clients, users, log_path
        self._proc: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "OidcProvider":
        node = shutil.which("node")
        if node is None or not (assets_dir() / "oidc-provider").is_dir():
            raise OidcProviderError("needs Node and `npm ci` (oidc-provider in node_modules): make assets")
        config = json.dumps({"port": self.port, "clients": self.clients, "users": self.users})
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        # NODE_PATH does not reach ES modules: the script sits in the repo, under node_modules' folder
        self._proc = subprocess.Popen([node, str(SCRIPT)], stdout=log, stderr=log,
                                      env={**os.environ, "OIDC_PROVIDER_CONFIG": config})
        wait_for(self._ready, timeout=timeout, message=f"oidc-provider on port {self.port}")
        return self

    def _ready(self) -> bool:
        import urllib.request
        if self._proc.poll() is not None:
            raise AssertionError(f"oidc-provider exited with {self._proc.returncode}")
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=2) as r:
            return r.status == 200

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
