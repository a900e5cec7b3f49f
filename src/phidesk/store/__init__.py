"""The conversation history: a Qt-free SQLite store of conversations and messages, with export and import.

It owns ``conversations.sqlite3`` in the data folder (WAL, schema version in ``PRAGMA user_version``,
migrations in :mod:`phidesk.store.schema`). Each Store is used by one thread; several processes may open one
database, and writes that depend on what a window shows are checked (``ConversationChangedError``,
``ConversationMissingError``). Every write is committed at once, so a crash loses nothing already written.
Modules: ``records`` (the values handed out), ``conversations`` (the Store), ``branches`` (versions of messages:
the tree and the branch shown), ``versions`` (deleting and switching versions), ``schema`` (tables and migrations),
``writers`` (who writes a streaming answer), ``text`` (search folding, snippets, titles), ``transfer``
(Markdown and JSON export, validated JSON import).
"""

from phidesk.store.conversations import Store
from phidesk.store.records import (
    DEFAULT_TITLE,
    ROLES,
    STATUSES,
    Conversation,
    ConversationChangedError,
    ConversationMissingError,
    ConversationSummary,
    NewMessage,
    StoredMessage,
)
from phidesk.store.transfer import export_file_name, export_json, export_markdown, import_json

__all__ = [
    "DEFAULT_TITLE",
    "ROLES",
    "STATUSES",
    "Conversation",
    "ConversationChangedError",
    "ConversationMissingError",
    "ConversationSummary",
    "NewMessage",
    "Store",
    "StoredMessage",
    "export_file_name",
    "export_json",
    "export_markdown",
    "import_json",
]
