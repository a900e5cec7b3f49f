"""The catalog in the model manager: one row per build with its verdict and the arithmetic behind it; builds this
computer cannot run at all (``fit.CANNOT_RUN``) under a heading of their own, with the reason, after the others."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from phidesk.gui.download_row import mb
from phidesk.gui.i18n import translate
from phidesk.gui.plain import tooltip
from phidesk.gui.texts_view import localized
from phidesk.models import fit
from phidesk.texts import QT_TRANSLATE_NOOP

ID_ROLE = Qt.ItemDataRole.UserRole  # (model id, variant) on a build's row; None on the heading
OTHER_BUILDS = QT_TRANSLATE_NOOP("Catalog", "Other builds (cannot run on this computer)")


def fill_catalog(tree: QTreeWidget, report: dict[str, Any]) -> None:
    """Show the machine report's verdicts in *tree*; the recommended build is starred and selected."""
    from phidesk.models import catalog

    best = report.get("recommended") or {}
    tree.clear()
    sizes = {e.key: e.size_bytes for e in catalog.load_catalog()}
    recs = report["recommendations"]
    other = [rec for rec in recs if rec["verdict"] == fit.CANNOT_RUN]
    group: QTreeWidgetItem | None = None
    if other:  # builds for another system or GPU: listed apart, with the reason, not as "won't fit"
        group = QTreeWidgetItem([translate("Catalog", OTHER_BUILDS)])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable, nothing to download
    for rec in recs:
        star = "★ " if (rec["id"], rec["variant"]) == (best.get("id"), best.get("variant")) else ""
        item = QTreeWidgetItem([f"{star}{rec['id']}", rec["variant"],
                                mb(sizes.get(f"{rec['id']}:{rec['variant']}", 0) / 2**20),
                                translate("Verdict", rec["verdict"])])
        item.setData(0, ID_ROLE, (rec["id"], rec["variant"]))
        reason = localized(rec["reason"])  # a Text from phidesk.models.fit: the arithmetic in the window's language
        item.setToolTip(0, tooltip(reason))
        item.setToolTip(3, tooltip(reason))
        if group is not None and rec in other:
            group.addChild(item)
            continue
        tree.addTopLevelItem(item)
        if star:
            tree.setCurrentItem(item)
    if group is not None:
        tree.addTopLevelItem(group)
        group.setFirstColumnSpanned(True)
        group.setExpanded(True)
    for column in range(tree.columnCount()):
        tree.resizeColumnToContents(column)
