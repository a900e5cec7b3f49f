"""The chat service: one answer in one conversation, for every front end (window, CLI, benchmarks). Qt-free."""

from phidesk.chat.continuing import CUT_NOTE, can_continue, cut_at_limit
from phidesk.chat.saving import AnswerSaver
from phidesk.chat.service import RETURNED, Answer, ChatService, Refused, Returned, stats_dict

__all__ = ["CUT_NOTE", "RETURNED", "Answer", "AnswerSaver", "ChatService", "Refused", "Returned", "can_continue",
           "cut_at_limit", "stats_dict"]
