"""Errors of the web service, each carrying the HTTP status it is answered with.

    KgsynthError
    └── ServiceError          a request the service refuses (``status`` is the HTTP code)
        ├── NotFoundError     404: no task, sample, dataset or version with that id
        ├── ConflictError     409: the request clashes with the state (cancel a finished task)
        ├── RefusedError      422: the request is well-formed but cannot be done (synthesis from a
        │                     failed extraction task)
        ├── UploadTooLarge    413: an upload over the size limit
        └── ForbiddenError    403: a missing token, a cross-site POST, an unknown Host header

Library errors (``KgsynthError``) raised while serving a request are answered with 400 and
their one-line message; anything else is a bug: 500 with an error id, the traceback stays in
the server log and never reaches the browser.
"""

from __future__ import annotations

from kgsynth.errors import KgsynthError


class ServiceError(KgsynthError):
    """A request the service refuses; ``status`` is the HTTP status code it answers with."""

    status = 400


class NotFoundError(ServiceError):
    """No such task, sample, dataset or version."""

    status = 404


class ConflictError(ServiceError):
    """The request does not fit the current state of what it names."""

    status = 409


class RefusedError(ServiceError):
    """Well-formed, but cannot be done; the message says why."""

    status = 422


class UploadTooLarge(ServiceError):
    """An upload went over the configured size limit."""

    status = 413


class ForbiddenError(ServiceError):
    """Missing token, cross-site request or unknown Host."""

    status = 403


__all__ = [
    "ConflictError",
    "ForbiddenError",
    "NotFoundError",
    "RefusedError",
    "ServiceError",
    "UploadTooLarge",
]
