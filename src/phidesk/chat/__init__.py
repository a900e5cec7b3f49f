"""The chat service: one answer in one conversation, for every front end (window, CLI, benchmarks). Qt-free."""

from phidesk.chat.saving import AnswerSaver
from phidesk.chat.service import RETURNED, Answer, ChatService, Refused, Returned, stats_dict

__all__ = ["RETURNED", "Answer", "AnswerSaver", "ChatService", "Refused", "Returned", "stats_dict"]
