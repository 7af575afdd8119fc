"""Sending one message over SMTP with a commit point, so a killed worker never sends twice.

A worker can die at any instant. If it dies after the SMTP server accepted a message but
before the database recorded it as sent, a later retry sends it again; if it records first
and dies before sending, the message is lost. SMTP itself offers the way out: a message is
only accepted when the client sends the final "." of the DATA phase; a connection that drops
before that leaves nothing behind (RFC 5321, 4.1.1.4 and 6.1). So the sender transmits the
whole message except that final line, records the message as sent (commits), and only then
sends the ".". A worker killed before the commit leaves a message the server discarded and
that the database still shows as "sending": it is sent again later, once. Killed after the
commit, the server already has everything but one line it receives within microseconds.
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"


def supports_commit_point(backend) -> bool:
    return isinstance(backend, EmailBackend)


class Envelope(NamedTuple):
    """A message ready for the wire: sender, recipients and the bytes of DATA."""

    sender: str
    recipients: list[str]
    data: bytes


def envelope(message: EmailMessage) -> Envelope:
    """Everything the SMTP dialogue needs, computed without touching the connection (so it can
    be done ahead, while the previous message is being sent)."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return Envelope(
        sanitize_address(message.from_email, encoding),
        [sanitize_address(a, encoding) for a in message.recipients()],
        message.message().as_bytes(linesep="\r\n"),
    )


def send_with_commit_point(
    backend: EmailBackend,
    message: EmailMessage | Envelope,
    commit: Callable[[], Callable[[], None] | None],
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Send `message` on the backend's open connection; call `commit` just before the end.

    Raises the smtplib exception of a refusal at any stage. If `commit` raises, the message
    is abandoned: the connection is closed without the final "." and the caller's exception
    propagates. `commit` may return a function that waits for a commit it only sent (so the
    final "." follows the commit's request at once); it is called after the ".".
    `meanwhile` (which must not raise) is called after each command is sent,
    before its reply is read: work done while the server works (but never between the commit
    and the final ".").
    """
    if backend.connection is None:
        backend.open()
    connection: smtplib.SMTP = backend.connection
    if connection.sock is not None:
        # The final "." goes in a packet of its own after the commit. With Nagle's algorithm
        # it would wait for the server's delayed ACK of the body (40 ms on Linux): 20
        # messages/s instead of hundreds.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.ehlo_or_helo_if_needed()
    sender, recipients, data = message if isinstance(message, Envelope) else envelope(message)

    idle = meanwhile or (lambda: None)

    def command(name: str, args: str = "") -> tuple[int, bytes]:
        """As smtplib's mail(), rcpt() and docmd(), with `meanwhile` run while the server
        answers."""
        connection.putcmd(name, args)
        idle()
        return connection.getreply()

    code, reply = command("mail", f"FROM:{smtplib.quoteaddr(sender)}")
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = command("rcpt", f"TO:{smtplib.quoteaddr(recipient)}")
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        connection.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = command("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = smtplib._quote_periods(data)  # dot-stuffing, as smtplib.SMTP.data() does
    if not body.endswith(CRLF):
        body += CRLF
    connection.send(body)
    try:
        committed = commit()
    except BaseException:
        # Drop the connection mid-DATA (no QUIT, which would become part of the message):
        # the server discards the unfinished message.
        abandon(backend)
        raise
    try:
        connection.send(b"." + CRLF)
    finally:
        if committed is not None:
            committed()  # the commit was sent but not waited for: wait now, whatever happened
    idle()
    code, reply = connection.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def abandon(backend: EmailBackend) -> None:
    """Close the socket without a word, whatever state the SMTP dialogue is in."""
    if backend.connection is not None:
        try:
            backend.connection.close()
        finally:
            backend.connection = None
