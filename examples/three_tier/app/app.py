"""News reader: the reference stack's logic tier.

Articles live in MySQL (`newsreadb`): writes go to the primary (MYSQL_HOST), reads to the
read replica (MYSQL_READ_HOST, or the primary when unset). With no MYSQL_HOST it keeps them in
SQLite (SQLITE_PATH), so it runs on a laptop and in the smoke test. The database login,
SECRET_KEY and API_KEY come from Secrets Manager (see credentials.py), or from the environment
where no secret is configured.
"""

import html
import os
import sqlite3

from flask import Flask, abort, request

from credentials import DatabaseLogin, setting

app = Flask(__name__)
# Read at start: a secret that cannot be read stops the app here, loudly.
app.config["SECRET_KEY"] = setting("SECRET_KEY") or os.urandom(32)
API_KEY = setting("API_KEY")
LOGIN = DatabaseLogin()

SCHEMA_MYSQL = (
    "CREATE TABLE IF NOT EXISTS articles ("
    "id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT NOT NULL)"
)
SCHEMA_SQLITE = (
    "CREATE TABLE IF NOT EXISTS articles ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, body TEXT NOT NULL)"
)


def connect(read=False):
    """A connection and its parameter marker: the replica for reads, the primary for writes."""
    host = os.environ.get("MYSQL_HOST")
    if not host:
        path = os.environ.get("SQLITE_PATH", "newsreader.db")
        return sqlite3.connect(path), "?"
    import pymysql  # only where MySQL is used

    if read:
        host = os.environ.get("MYSQL_READ_HOST") or host
    connection = LOGIN.open(
        lambda user, password: pymysql.connect(
            host=host,
            user=user,
            password=password,
            database=os.environ.get("MYSQL_DB", "newsreadb"),
            connect_timeout=5,
            autocommit=True,
        )
    )
    return connection, "%s"


def init_schema():
    connection, _ = connect()
    schema = SCHEMA_SQLITE if isinstance(connection, sqlite3.Connection) else SCHEMA_MYSQL
    cursor = connection.cursor()
    cursor.execute(schema)
    connection.commit()
    connection.close()


@app.get("/health")
def health():
    try:
        connection, _ = connect(read=True)
        connection.cursor().execute("SELECT 1")
        connection.close()
    except Exception as error:  # the load balancer only needs to know it is unhealthy
        return {"status": "unhealthy", "error": type(error).__name__}, 503
    return {"status": "ok"}


@app.get("/")
def index():
    connection, _ = connect(read=True)
    cursor = connection.cursor()
    cursor.execute("SELECT id, title, body FROM articles ORDER BY id DESC LIMIT 50")
    rows = cursor.fetchall()
    connection.close()
    items = "".join(
        f"<article><h2>{html.escape(title)}</h2><p>{html.escape(body)}</p></article>"
        for _, title, body in rows
    )
    return f"<!doctype html><title>News</title><h1>News</h1>{items or '<p>No news yet.</p>'}"


@app.post("/articles")
def add_article():
    if not API_KEY or request.headers.get("X-Api-Key") != API_KEY:
        abort(401)
    article = request.get_json(silent=True) or {}
    title, body = article.get("title"), article.get("body")
    if not title or not body:
        abort(400)
    connection, marker = connect()
    cursor = connection.cursor()
    cursor.execute(
        f"INSERT INTO articles (title, body) VALUES ({marker}, {marker})", (title, body)
    )
    connection.commit()
    connection.close()
    return {"status": "created"}, 201


if __name__ == "__main__":
    init_schema()
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
