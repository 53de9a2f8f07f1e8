"""testing.waiting, testing.shared_builds and local_stack.processes.free_port: what keeps the suite deterministic."""

import socket
import threading

import pytest

from local_stack.processes import HOST, free_port
from testing.shared_builds import built_once, run_folder
from testing.waiting import wait_until


def test_wait_until_returns_the_first_truthy_value():
    answers = iter([None, 0, [], "ready"])
    assert wait_until(lambda: next(answers), what="an answer", interval=0) == "ready"


def test_wait_until_fails_naming_what_never_happened():
    with pytest.raises(AssertionError, match=r"not within 0s: the impossible"):
        wait_until(lambda: False, what="the impossible", timeout=0.05, interval=0.01)


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_bound():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
        first_ephemeral = int(ports.read().split()[0])
    port = free_port()
    assert port < first_ephemeral
    with socket.socket() as sock:
        sock.bind((HOST, port))


def test_a_shared_build_runs_once_however_many_ask_at_once(tmp_path_factory):
    builds = []

    def build(path):
        builds.append(path)
        partial = path.with_suffix(".partial")
        partial.write_text("built")
        partial.replace(path)

    paths = []
    askers = [
        threading.Thread(target=lambda: paths.append(built_once(tmp_path_factory, "thing.txt", build)))
        for _ in range(4)
    ]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()

    assert len(builds) == 1
    assert set(paths) == {run_folder(tmp_path_factory) / "thing.txt"}
    assert paths[0].read_text() == "built"
