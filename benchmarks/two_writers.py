"""Two processes edit one conversation at once; afterwards, every message is counted: none lost, none doubled.

    python benchmarks/two_writers.py [--seconds 60] [--seed 1] [--db PATH]

Process A (``appender``, like a window the user keeps typing in) adds a question, then an answer that
streams (``streaming``, a few content updates, then ``complete``), keeping its own view and reloading only
when the store refuses a write. Process B (``editor``, like a second window left open) reloads now and
then, waits a little (the user reading), then regenerates the last answer, edits a random question, or
asks a new one, always naming the last message its view knew. Seeded random choices in both.

Each process reports every id it added and every id its deletes removed. The check: the messages in the
database are exactly (added − deleted), no content appears twice, positions run 0..n-1 without gaps, and no
delete removed a message its process had not seen (``deleted_unseen``: what "lost" means to a user). With
``--unchecked`` the editor writes without naming what it saw, as PhiDesk did before: it then deletes unseen
messages (the failure this guards against).
Prints one JSON object; exits 1 if any message was lost, doubled or unexplained.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from phidesk.store import ConversationChangedError, Store, StoredMessage


class Actor:
    def __init__(self, store: Store, conversation_id: int, name: str, rng: random.Random, checked: bool) -> None:
        self.store, self.conversation_id, self.name, self.rng = store, conversation_id, name, rng
        self.checked = checked
        self.deleted_unseen = 0  # messages a delete removed that this actor's view did not show
        self.view: list[StoredMessage] = []
        self.added: list[int] = []
        self.deleted: list[int] = []
        self.refused = 0
        self.serial = 0
        self.ops: dict[str, int] = {}
        self.reload()

    def reload(self) -> None:
        self.view = list(self.store.get_conversation(self.conversation_id).messages)

    def last(self) -> int | None:
        return self.view[-1].id if self.view else None

    def tag(self, kind: str) -> str:
        self.serial += 1
        return f"{self.name}-{kind}-{self.serial}"

    def add(self, role: str, status: str = "complete") -> StoredMessage:
        after = self.last() if self.checked else ...
        message = self.store.add_message(self.conversation_id, role, self.tag(role), status=status, after=after)
        self.added.append(message.id)
        self.view.append(message)
        return message

    def cut(self, index: int) -> None:
        last_id = self.last() if self.checked else ...
        removed = self.store.delete_from_message(self.conversation_id, self.view[index].id, last_id=last_id)
        self.deleted_unseen += len(set(removed) - {m.id for m in self.view[index:]})
        self.deleted += removed
        del self.view[index:]

    def step(self) -> None:
        raise NotImplementedError

    def run(self, seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.step()
            except ConversationChangedError:
                self.refused += 1
                self.reload()
        return {"added": self.added, "deleted": self.deleted, "refused": self.refused, "ops": self.ops,
                "deleted_unseen": self.deleted_unseen}

    def count(self, op: str) -> None:
        self.ops[op] = self.ops.get(op, 0) + 1


class Appender(Actor):
    """Window A: question, streamed answer, again."""

    def step(self) -> None:
        self.add("user")
        answer = self.add("assistant", status="streaming")
        text = answer.content
        for _ in range(self.rng.randint(1, 4)):
            text += " more"
            self.store.update_message(answer.id, content=text)
            time.sleep(self.rng.uniform(0, 0.005))
        self.store.update_message(answer.id, status="complete")
        self.count("turn")
        time.sleep(self.rng.uniform(0, 0.01))


class Editor(Actor):
    """Window B: a view that goes stale; regenerate, edit, or ask."""

    def step(self) -> None:
        if self.rng.random() < 0.3:
            self.reload()
        time.sleep(self.rng.uniform(0, 0.02))  # the user reads before clicking
        choice = self.rng.random()
        answers = [i for i, m in enumerate(self.view) if m.role == "assistant"]
        questions = [i for i, m in enumerate(self.view) if m.role == "user"]
        if choice < 0.4 and answers:
            self.cut(answers[-1])
            self.add("assistant")
            self.count("regenerate")
        elif choice < 0.7 and questions:
            self.cut(self.rng.choice(questions[-3:]))  # mostly recent ones, so the conversation still grows
            self.add("user")
            self.add("assistant")
            self.count("edit")
        else:
            self.add("user")
            self.add("assistant")
            self.count("ask")


def child(args: argparse.Namespace) -> int:
    with Store(Path(args.db)) as store:
        kind = Appender if args.role == "appender" else Editor
        actor = kind(store, args.conversation, args.role, random.Random(args.seed), checked=not args.unchecked)
        print(json.dumps(actor.run(args.seconds)))
    return 0


def check(db: Path, conversation_id: int, reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    added = [i for r in reports.values() for i in r["added"]]
    deleted = [i for r in reports.values() for i in r["deleted"]]
    with Store(db) as store:
        messages = store.get_conversation(conversation_id).messages
    present = [m.id for m in messages]
    expected = set(added) - set(deleted)
    contents = [m.content for m in messages]
    return {
        "messages_in_db": len(present),
        "added": len(added),
        "deleted": len(deleted),
        "lost": len(expected - set(present)),
        "unexplained": len(set(present) - expected),
        "duplicate_contents": len(contents) - len(set(contents)),
        "duplicate_ids_added": len(added) - len(set(added)),
        "deleted_twice": len(deleted) - len(set(deleted)),
        "deleted_unseen": sum(r["deleted_unseen"] for r in reports.values()),
        "positions_ok": [m.position for m in messages] == list(range(len(messages))),
        "streaming_left": sum(m.status == "streaming" for m in messages),
        "refused": {name: r["refused"] for name, r in reports.items()},
        "ops": {name: r["ops"] for name, r in reports.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="the database (default: a new one in a temporary folder)")
    parser.add_argument("--unchecked", action="store_true",
                        help="the editor writes without naming the last message it knew (how PhiDesk wrote before)")
    parser.add_argument("--role", choices=["appender", "editor"], help=argparse.SUPPRESS)
    parser.add_argument("--conversation", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role:
        return child(args)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "conversations.sqlite3"
        with Store(db) as store:
            conversation_id = store.create_conversation("two writers").id
        procs = {
            role: subprocess.Popen(
                [sys.executable, __file__, "--role", role, "--db", str(db), "--conversation", str(conversation_id),
                 "--seconds", str(args.seconds), "--seed", str(args.seed + offset),
                 *(["--unchecked"] if args.unchecked and role == "editor" else [])],
                stdout=subprocess.PIPE, text=True)
            for offset, role in enumerate(("appender", "editor"))
        }
        reports = {}
        for role, proc in procs.items():
            out, _ = proc.communicate()
            if proc.returncode != 0:
                print(json.dumps({"error": f"{role} exited {proc.returncode}"}))
                return 1
            reports[role] = json.loads(out)
        result = {"seconds": args.seconds, "seed": args.seed, **check(db, conversation_id, reports)}
    print(json.dumps(result))
    bad = (result["lost"] or result["unexplained"] or result["duplicate_contents"] or result["duplicate_ids_added"]
           or result["deleted_twice"] or result["deleted_unseen"] or not result["positions_ok"]
           or result["streaming_left"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
