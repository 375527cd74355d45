"""A bare Flask hello-world: the yardstick the page benchmarks divide by (gunicorn bench.hello:app)."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
