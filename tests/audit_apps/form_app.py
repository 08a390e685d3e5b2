"""A server-rendered Flask app in the style of Flask's tutorial (flaskr's auth blueprint), for the
audit: an HTML form login carrying Flask-WTF's hidden CSRF token, Flask's default client-side
session, a SECRET_KEY from the course's word list, "Incorrect username." / "Incorrect
password." messages, and a GET logout that only clears the cookie.
"""

from __future__ import annotations

from flask import Flask, redirect, render_template_string, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash, generate_password_hash

WEAK_SECRET_KEY = "development"  # in notebooks/data/weak-secrets.txt
PASSWORDS = {"alice": "alice-password-1", "admin": "admin-password-2"}
IDS = {"alice": 1, "admin": 2}

LOGIN_PAGE = """<!doctype html>
<title>Log In</title>
<h1>Log In</h1>
{% if error %}<p class="flash">{{ error }}</p>{% endif %}
<form method="post">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <label for="username">Username</label>
  <input name="username" id="username" value="{{ request.form.get('username', '') }}" required>
  <label for="password">Password</label>
  <input type="password" name="password" id="password" required>
  <input type="submit" value="Log In">
</form>
"""


def create_form_app(secret_key: str = WEAK_SECRET_KEY) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key)
    CSRFProtect(app)
    hashes = {name: generate_password_hash(password, method="scrypt:1024:8:1") for name, password in PASSWORDS.items()}
    names = {number: name for name, number in IDS.items()}

    @app.route("/auth/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            username, password = request.form.get("username", ""), request.form.get("password", "")
            if username not in hashes:
                error = "Incorrect username."
            elif not check_password_hash(hashes[username], password):
                error = "Incorrect password."
            else:
                session.clear()
                session["user_id"] = IDS[username]
                return redirect(url_for("profile"))
        return render_template_string(LOGIN_PAGE, error=error)

    @app.get("/profile")
    def profile():
        name = names.get(session.get("user_id"))
        if name is None:
            return redirect(url_for("login"))
        return f"<h1>Hello, {name}</h1>"

    @app.get("/auth/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    return app
