"""local_stack/api_server.py: a stop answers the request in flight, closes idle connections, refuses new ones."""

import socket
import threading

import pytest

from local_stack.api_server import ApiServer
from local_stack.processes import free_port
from testing.waiting import wait_until


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")),
            None,
        )
        if length is not None and len(body) >= length:
            break
    return data


@pytest.fixture
def server():
    api = ApiServer(("127.0.0.1", free_port())).start()
    yield api
    if not api.stopping:
        api.stop(timeout=5)


def test_a_stop_answers_the_request_in_flight_and_closes_the_idle_connections(server):
    address = server.server_address
    idle = socket.create_connection(address, timeout=10)
    idle.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert b" 200 " in _read_response(idle).split(b"\r\n", 1)[0]  # answered, and kept alive
    busy = socket.create_connection(address, timeout=10)
    body = b'{"email": "a@example.com"}'
    busy.sendall(b"POST /api/v1/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
    busy.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body[:5])
    # Accepted and reading its body: a connection still in the listen backlog is reset by the stop, not answered.
    wait_until(lambda: server.serving() == 1, what="the server reads the busy connection's request")
    stopped = threading.Thread(target=server.stop)
    threading.Timer(0.3, lambda: busy.sendall(body[5:])).start()

    stopped.start()
    answer = _read_response(busy)
    stopped.join(10)

    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]  # answered in full: a login without a password
    assert not stopped.is_alive()
    assert idle.recv(1) == b"", "the idle keep-alive connection was left open"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2)
