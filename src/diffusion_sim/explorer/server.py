"""Start the explorer: a Solara app served by uvicorn on this machine.

The page is for a meeting room, on the laptop that runs it: it binds to the loopback address unless the
caller names another address explicitly (``--host``), and it loads nothing from the internet: the
browser files come from the ``solara-assets`` package and Solara's usage statistics are switched off.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Callable

from diffusion_sim.errors import ScenarioError

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str | None) -> tuple[str, bool]:
    """(address to bind, whether other machines can reach it); only an explicit ``host`` may leave loopback."""
    if host is None:
        return LOOPBACK, False
    host = host.strip()
    if not host:
        raise ScenarioError("--host: give an address, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
    if host != "0.0.0.0" and not is_loopback(host):
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            try:
                socket.getaddrinfo(host, None)
            except OSError:
                raise ScenarioError(f"--host {host}: not an address of this machine") from None
    return host, not is_loopback(host)


def _bind_error(host: str, port: int, exc: OSError) -> ScenarioError:
    """Blame the option that is wrong: an address this machine does not have is the host's fault, not the port's."""
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
        return ScenarioError(f"--host {host}: not an address of this machine ({exc.strerror or exc}); give one of its "
                             "addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
    return ScenarioError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror or exc}); choose another port")


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, 0))
        except OSError as exc:
            raise _bind_error(host, 0, exc) from None
        return int(s.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """A clear error when the port is taken (or the host is not this machine's), instead of uvicorn's log line."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise _bind_error(host, port, exc) from None


def serve(host: str, port: int, config_json: str, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the page until Ctrl-C. ``config_json`` is :class:`~diffusion_sim.explorer.app.Config` as JSON."""
    from diffusion_sim.explorer.app import CONFIG_ENV

    os.environ[CONFIG_ENV] = config_json
    os.environ["SOLARA_APP"] = "diffusion_sim.explorer.app"
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no usage statistics leave the room
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn
    from solara.server import settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False  # Solara's corner banner covers the figures on a projector; credit is in docs/explorer.md
    from diffusion_sim.explorer import app as explorer_app

    config = explorer_app.Config.from_env()
    engine = explorer_app.engine(config.workers)  # start the worker processes before the first visitor

    def warm_up() -> None:  # and run the starting settings, so the first page answers from memory
        try:
            start = explorer_app.load_start(config)
            engine.run([start.reference, start.strategy], max(int(config.replications), 1))
        except Exception:  # the page reports any problem itself, in the page's language
            logging.getLogger(__name__).debug("explorer warm-up failed", exc_info=True)

    threading.Thread(target=warm_up, name="explorer-warm-up", daemon=True).start()
    server = uvicorn.Server(uvicorn.Config("solara.server.starlette:app", host=host, port=port, log_level="warning",
                                           lifespan="on"))
    if on_ready is not None:
        url_host = f"[{host}]" if ":" in host else host
        on_ready(f"http://{url_host}:{port}")
    try:
        server.run()
    finally:
        if explorer_app._engine is not None:
            explorer_app._engine.close()
