"""The Prefect API a command's flows report to: the server PREFECT_API_URL names, else a temporary one
that groundmill starts itself, reliably, before the first flow.

Prefect starts its temporary server on the first API call and gives up after 20 s. On a fresh machine
the server's first start also creates and migrates its database (PREFECT_HOME/prefect.db); on a busy
machine that alone outlasts the limit, and the run died with `Timed out while attempting to connect to
ephemeral Prefect API server`. So the database is prepared here first, in this process and without a
time limit (once per Prefect version, under a lock: two commands started together migrate it once), and
the server then gets `run.server_start_timeout_s` (or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
where set and larger) and one retry. If it still does not answer, ServerStartError says why and what to
do in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock

from flows.watchdog import guard


class ServerStartError(RuntimeError):
    """The temporary Prefect server did not start; the message says what to do."""


def _database_file() -> Path | None:
    """The SQLite file of the temporary server's database (None for another database)."""
    from prefect.settings import get_current_settings

    url = get_current_settings().server.database.connection_url
    url = url.get_secret_value() if url is not None else ""
    prefix = "sqlite+aiosqlite:///"
    return Path(url.removeprefix(prefix)) if url.startswith(prefix) else None


def prepare_database() -> bool:
    """Create or migrate the temporary server's database unless this Prefect version already did;
    True when it did the work now."""
    import prefect
    from prefect.settings import get_current_settings

    home = Path(get_current_settings().home)
    home.mkdir(parents=True, exist_ok=True)
    done = home / "groundmill-database-ready"  # written after a complete migration only
    database = _database_file()

    def ready() -> bool:
        return database.exists() and done.exists() and done.read_text() == prefect.__version__

    if database is None or ready():
        return False
    with FileLock(home / "groundmill-database.lock"):
        if ready():
            return False  # another command prepared it while this one waited
        from prefect.server.database import provide_database_interface

        print(f"preparing the Prefect database {database} (first start only)", file=sys.stderr, flush=True)

        asyncio.run(provide_database_interface().create_db())
        done.write_text(prefect.__version__)
    return True


def _start_once(timeout_s: int) -> None:
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    server = SubprocessASGIServer()  # the instance Prefect's own clients use
    try:
        # The server process takes its settings from these: it reports no usage, whatever the
        # environment or profile of the command says (the CLI's default alone left a profile's `true`).
        with temporary_settings(updates={PREFECT_SERVER_ANALYTICS_ENABLED: False}):
            server.start(timeout=timeout_s)
        if server.server_process is not None:  # it dies with this run, even on kill -9 (no orphan)
            guard(server.server_process.pid)
    except Exception as exc:
        process = server.server_process
        code = process.poll() if process is not None else None
        server.stop()  # also forgets the instance: the retry starts a new process
        why = f"it exited with code {code}" if code is not None else "it did not answer"
        raise ServerStartError(why) from exc


def _start_timeout(configured_s: int) -> int:
    """run.server_start_timeout_s, or Prefect's own setting where the user set it larger."""
    from prefect.settings import get_current_settings

    prefects = get_current_settings().server.ephemeral
    if "startup_timeout_seconds" in prefects.model_fields_set:  # set by the user (env or profile)
        return max(configured_s, prefects.startup_timeout_seconds)
    return configured_s


def ensure_api(timeout_s: int) -> str | None:
    """Make sure the flows of this process have an API: nothing to do when PREFECT_API_URL names a
    server; else prepare the database and start the temporary server (one retry). Returns what it
    started ("temporary server ...") or None."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return None
    prepare_database()
    timeout_s = _start_timeout(timeout_s)
    started = time.monotonic()
    for attempt in (1, 2):
        try:
            _start_once(timeout_s)
            return f"temporary Prefect server up in {time.monotonic() - started:.1f} s (try {attempt})"
        except ServerStartError as exc:
            why = str(exc)
    raise ServerStartError(
        f"the temporary Prefect server did not start in {timeout_s} s, twice ({why}); the machine may be "
        "busy: raise run.server_start_timeout_s in params.yaml, or run `prefect server start` and set "
        "PREFECT_API_URL=http://127.0.0.1:4200/api"
    )


@contextlib.contextmanager
def prefect_api(timeout_s: int) -> Iterator[None]:
    """ensure_api, then the block runs with settings that give the same start-up time to a temporary
    server started where the flows' settings travel (a Dask worker's tasks)."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    ensure_api(timeout_s)
    with temporary_settings(
        updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: _start_timeout(timeout_s)}
    ):
        yield
