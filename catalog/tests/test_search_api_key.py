"""The search client authenticates with the stage's API key (catalog/search/engine.py).

noida-db, the local engine, checks no credentials, so these tests observe the requests
server-side: a small Elasticsearch-shaped HTTP server on loopback records each request's
headers and answers as an Elasticsearch 8 node does (with `X-Elastic-Product`, which the
client requires).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.search import engine

API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="  # Elastic's encoded id:key form
INFO = {"name": "node-1", "cluster_name": "bookstore", "version": {"number": "8.19.3"}}


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_GET(self):
        self.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        body = json.dumps(INFO).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_cluster(settings):
    """An Elasticsearch-shaped server recording headers, as the stage's only cluster, with the stage's API key."""
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ELASTICSEARCH_URLS = {}
    settings.ELASTICSEARCH_API_KEY = API_KEY
    engine._client.cache_clear()
    yield _Recorder.seen
    engine._client.cache_clear()
    server.shutdown()
    server.server_close()


def test_the_client_sends_the_api_key(recording_cluster):
    assert engine.engine_for("tenant1").info()["version"]["number"] == "8.19.3"
    assert [request["headers"]["authorization"] for request in recording_cluster] == [f"ApiKey {API_KEY}"]


def test_the_health_probe_sends_the_api_key(recording_cluster):
    assert engine.engine_reachable()
    assert recording_cluster[0]["headers"]["authorization"] == f"ApiKey {API_KEY}"


def test_without_a_key_nothing_is_sent(recording_cluster, settings):
    settings.ELASTICSEARCH_API_KEY = None
    engine.engine_for("tenant1").info()
    engine.engine_reachable()
    assert [request["headers"].get("authorization") for request in recording_cluster] == [None, None]
