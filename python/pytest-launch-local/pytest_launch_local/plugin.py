"""The pytest11 entry point: options and the session-wide `launch_local` fixture."""
import pytest

from .server import LaunchLocal, default_command


def pytest_addoption(parser):
    group = parser.getgroup("launch-local")
    group.addoption("--launch-local-command", help="How to start launch-local (default: $LAUNCH_LOCAL_COMMAND, launch-local, or npx).")
    group.addoption("--launch-local-arg", action="append", default=[], help="One more argument for launch-local (repeatable).")
    group.addoption("--launch-local-url", help="Use this running launch-local instead of starting one.")
    group.addoption("--launch-local-api-key", help="The key reset() sends (default: pytest).")
    parser.addini("launch_local_command", "How to start launch-local.")
    parser.addini("launch_local_args", "More arguments for launch-local.", type="args")
    parser.addini("launch_local_url", "Use this running launch-local instead of starting one.")
    parser.addini("launch_local_api_key", "The key reset() sends.")


def _option(config, name):
    return config.getoption(f"--launch-local-{name.replace('_', '-')}") or config.getini(f"launch_local_{name}") or None


@pytest.fixture(scope="session")
def launch_local(pytestconfig):
    """launch-local for the whole session: `.url`, `.reset(keep_bundles=False)`, `.info()`."""
    api_key = _option(pytestconfig, "api_key") or "pytest"
    url = _option(pytestconfig, "url")
    if url:
        yield LaunchLocal(url, api_key)
        return
    command = _option(pytestconfig, "command")
    argv = command.split() if command else default_command()
    extra = [*pytestconfig.getini("launch_local_args"), *pytestconfig.getoption("--launch-local-arg")]
    server = LaunchLocal.start(argv, extra, api_key)
    try:
        yield server
    finally:
        server.stop()
