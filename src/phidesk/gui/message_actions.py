"""A message's actions: Copy, Edit (the user's) or Regenerate and Continue (an answer's), Delete, and the
version switcher "‹ 2/3 ›". Icon buttons from the qtawesome font, each with an accessible name and a tooltip;
they show on hover and on keyboard focus (``look.Reveal``), the switcher whenever there are versions.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from phidesk.gui.figures import number
from phidesk.gui.i18n import translate
from phidesk.gui.look import ActionButton, action_button


class VersionSwitcher(QWidget):
    """‹ 2/3 ›: the answer's (or question's) versions; hidden when there is only one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.prev_button = action_button(self, "previous", translate("Message", "Previous version"),
                                         translate("Message", "Show the previous version"))
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setObjectName("versions")
        self.next_button = action_button(self, "next", translate("Message", "Next version"),
                                         translate("Message", "Show the next version"))
        row.addWidget(self.prev_button)
        row.addWidget(self.label)
        row.addWidget(self.next_button)
        self.index, self.count = 0, 1
        self.setVisible(False)

    def set_versions(self, index: int, count: int) -> None:
        """*index* from 0; the label counts from 1."""
        self.index, self.count = max(0, min(index, count - 1)), max(1, count)
        self.label.setText(f"{number(self.index + 1)}/{number(self.count)}")
        self.label.setAccessibleName(translate("Message", "Version {index} of {count}").format(
            index=number(self.index + 1), count=number(self.count)))
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < self.count - 1)
        self.setVisible(self.count > 1)


class ActionBar(QWidget):
    """The buttons of one message (the MessageWidget connects them)."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.copy_button = action_button(self, "copy", translate("Message", "Copy"),
                                         translate("Message", "Copy this message"))
        self.buttons: list[ActionButton] = [self.copy_button]
        self.edit_button: ActionButton | None = None
        self.regen_button: ActionButton | None = None
        self.continue_button: ActionButton | None = None
        if role == "user":
            self.edit_button = action_button(self, "edit", translate("Message", "Edit"),
                                             translate("Message", "Edit this message and send it again"))
            self.buttons.append(self.edit_button)
        else:
            self.regen_button = action_button(self, "regenerate", translate("Message", "Regenerate"),
                                              translate("Message", "Write this answer again"))
            self.continue_button = action_button(self, "continue", translate("Message", "Continue"),
                                                 translate("Message", "Continue this answer"))
            self.continue_button.setVisible(False)  # only when the window says the answer can go on
            self.buttons += [self.regen_button, self.continue_button]
        self.delete_button = action_button(self, "delete", translate("Message", "Delete"),
                                           translate("Message", "Delete this message"))
        self.buttons.append(self.delete_button)
        for button in self.buttons:
            row.addWidget(button)
