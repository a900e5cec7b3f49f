"""Marking texts for translation outside the window (no Qt here).

Core modules (the model manager's verdicts, errors the window shows) mark their English
templates with :func:`QT_TRANSLATE_NOOP`, the name ``pyside6-lupdate`` looks for, and keep
the values apart from the template; the window translates the template and then fills it in.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name the extractor knows
    """*text* unchanged; the extractor records it under *context*."""
    del context
    return text


class Text(str):
    """A message the window can translate: its value is the English text, so the CLI, logs and ``str()`` see
    English, while ``context``, ``template`` and ``values`` let the window translate the template and fill it in
    (``phidesk.gui.texts_view.localized``)::

        Text("Verdict", QT_TRANSLATE_NOOP("Verdict", "{needed:,} MB needed"), needed=2048)   # "2,048 MB needed"

    The context is a literal in both places, so ``pyside6-lupdate`` records the template under it. A value may be
    another Text (translated too); a number whose field has a ``,`` in its format is written in the window's
    locale. String operations on a Text give a plain ``str`` (English): pass a Text as a value instead of
    concatenating it.
    """

    context: str
    template: str
    values: dict[str, object]

    def __new__(cls, context: str, template: str, /, **values: object) -> Text:
        self = super().__new__(cls, template.format(**values))
        self.context = context
        self.template = template
        self.values = dict(values)
        return self

    def with_values(self, **values: object) -> Text:
        """The same message with some of its values changed (e.g. a path that named a temporary copy)."""
        return Text(self.context, self.template, **{**self.values, **values})

    def __reduce__(self) -> tuple[object, ...]:  # copy, deepcopy (dataclasses.asdict) and pickle keep the parts
        return (_rebuild, (self.context, self.template, self.values))

    def __repr__(self) -> str:
        return f"Text({self.context!r}, {self.template!r}, **{self.values!r})"


def _rebuild(context: str, template: str, values: dict[str, object]) -> Text:
    return Text(context, template, **values)


def message_of(exc: BaseException) -> str:
    """An exception's message, as the Text it was raised with when it was (``str(exc)`` would be plain English)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Text):
        return exc.args[0]
    return str(exc)
