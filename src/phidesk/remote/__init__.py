"""Remote endpoints: models served elsewhere through the OpenAI chat API (opt-in; nothing exists until the user
adds an endpoint). ``endpoints`` keeps the list (settings.json, no keys) and the keys (the OS credential store);
``client`` streams answers with the same events as the local engine's client."""

from __future__ import annotations
