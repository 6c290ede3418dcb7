"""The test JupyterLab server survives losing its port before it binds it.

free_port() only probes a port; on a busy machine another process -- in the CI
failure that prompted this, a kernel's ZMQ socket -- can take it before
JupyterLab binds it.  LabServer must then start again on a new port."""

import socket
import threading

import labdriver


def _zmq_like_listener():
    """A listener that greets every connection with bytes that are not HTTP."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\r\n\r\n")  # ZMTP greeting

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return srv, stop


def test_lab_server_moves_to_another_port_when_its_port_is_taken(tmp_path, monkeypatch):
    srv, stop = _zmq_like_listener()
    taken = srv.getsockname()[1]
    ports = iter([taken])
    real_free_port = labdriver.free_port
    monkeypatch.setattr(labdriver, "free_port", lambda: next(ports, None) or real_free_port())
    server = labdriver.LabServer(tmp_path)
    try:
        assert server.port == taken
        server.start()
        assert server.port != taken
        assert "kernels" in server.api("GET", "/api/status")  # our server answers, with our token
    finally:
        server.stop()
        stop.set()
        srv.close()
