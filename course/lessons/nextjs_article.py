"""Run the article's own Next.js API routes, unchanged, with plain Node (lesson 08).

``notebooks/data/nextjs/`` holds the article's ``pages/api/login.js`` and ``profile.js`` and a
small adapter (``next-api-adapter.js``) that gives them Next.js's ``req.body`` and
``res.status().json()`` with Node's own http module: no Next.js, nothing downloaded.

    if node_available():
        article = start_article_app()   # article.url, article.stop()
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import threading
from dataclasses import dataclass, field

from course.layout import COURSE_ROOT

NEXTJS_DIR = COURSE_ROOT / "notebooks" / "data" / "nextjs"
ADAPTER = NEXTJS_DIR / "next-api-adapter.js"
ROUTES = {"login": NEXTJS_DIR / "pages" / "api" / "login.js", "profile": NEXTJS_DIR / "pages" / "api" / "profile.js"}
START_TIMEOUT_SECONDS = 10


class NodeMissing(RuntimeError):
    """``node`` is not on PATH: the article's code cannot run here."""


def node_path() -> str | None:
    return shutil.which("node")


def node_available() -> bool:
    return node_path() is not None


@dataclass
class ArticleApp:
    """The article's routes, served by Node on 127.0.0.1: ``.url``, ``.stop()``."""

    url: str
    process: subprocess.Popen = field(repr=False)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the Node process (safe to call twice)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __repr__(self) -> str:
        return f"<ArticleApp {self.url} ({'running' if self.running else 'stopped'})>"


def start_article_app() -> ArticleApp:
    """Start the adapter on a free loopback port; returns once it listens."""
    node = node_path()
    if node is None:
        raise NodeMissing("node is not on PATH: install Node.js (18 or newer) to run the article's own code")
    process = subprocess.Popen(
        [node, str(ADAPTER), "0"],
        cwd=NEXTJS_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_SECONDS)
    line = first_line[0].strip() if first_line else ""
    if not line.startswith("listening on http://127.0.0.1:"):
        process.kill()
        process.wait()
        raise RuntimeError(f"the Node adapter did not start within {START_TIMEOUT_SECONDS} s")
    app = ArticleApp(url=line.removeprefix("listening on "), process=process)
    atexit.register(app.stop)
    return app
