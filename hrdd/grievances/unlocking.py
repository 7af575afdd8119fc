"""Where a handler's unlocked private key lives while they work (docs/security.md).

Split in two, so that neither the database nor the browser alone holds it: the session
(stored server-side) keeps the private key encrypted with a random one-time key, and that
one-time key lives only in a cookie of the handler's browser (HttpOnly, SameSite=Strict,
Secure under HTTPS, limited to /grievances/, gone when the browser closes). The pair expires
GRIEVANCE_UNLOCK_MINUTES after unlocking, at logout (the session is flushed) or with
"Lock" (both removed). A database dump taken meanwhile holds only the encrypted half.
"""

import base64
import time

from django.conf import settings

from hrdd.grievances import crypto

SESSION_KEY = "grievance_locked_key"
COOKIE = "hrdd_grievance_key"
COOKIE_PATH = "/grievances/"


def unlock(request, response, private_key: bytes) -> None:
    one_time = crypto.new_data_key()
    request.session[SESSION_KEY] = {
        "key": base64.b64encode(crypto.encrypt(one_time, private_key)).decode(),
        "until": time.time() + settings.GRIEVANCE_UNLOCK_MINUTES * 60,
        "user": request.user.pk,
    }
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(one_time).decode(),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def lock(request, response) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")


def private_key(request) -> bytes | None:
    """The unlocked private key of the handler making this request, or None."""
    stored = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE)
    if not stored or not cookie or stored.get("user") != request.user.pk:
        return None
    if stored.get("until", 0) < time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    try:
        one_time = base64.urlsafe_b64decode(cookie.encode())
        return crypto.decrypt(one_time, base64.b64decode(stored["key"]))
    except (ValueError, crypto.Undecryptable):
        return None
