"""Exceptions a user can cause, each with a message fit to print on one line."""


class QingmiaoError(Exception):
    """A problem with the user's data or environment (CLI exit status 1)."""


class DatabaseMissing(QingmiaoError):
    """The database file does not exist."""


class DatabaseLocked(QingmiaoError):
    """Another process holds the database open for writing."""


class SchemaMismatch(QingmiaoError):
    """The file is not a Qingmiao database, or was written by another schema version."""


class RulesError(QingmiaoError):
    """The rules file is malformed or names an unknown value."""
