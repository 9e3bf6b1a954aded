"""Finding text that a window cuts off: labels, buttons, titles, menus.

:func:`cut_texts` looks at every visible widget of a window and reports
each text that does not fit the space it got: a label (one line wider than
the label, or wrapped lines taller than it), a button or check box
narrower than its text, a group box title, a line edit's placeholder, a
combo box's current text, a tab, a menu that no longer fits the menu bar.
Qt cuts or elides such a text without complaint, which is why a test must.
Texts painted by item delegates (list rows) are the delegates' own
business: they elide on purpose and show the whole text as a tooltip.
"""

from __future__ import annotations

from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

#: What the offscreen screen offers: 800 by 600 pixels, and the same pixels
#: at 150 % scaling, which leaves a window 533 by 400 logical pixels (Qt
#: lays out in logical pixels, and text grows with the scale exactly as the
#: rest does, so this is what 150 % on an 800 by 600 screen looks like).
SCREENS = {"100%": QSize(800, 600), "150%": QSize(533, 400)}


def _describe(widget: QWidget) -> str:
    name = widget.objectName() or type(widget).__name__
    window = widget.window()
    return f"{type(window).__name__}/{name}" if window is not None else name


def _label_cut(label: QLabel) -> bool:
    pixmap = label.pixmap()
    if not label.text() or (pixmap is not None and not pixmap.isNull()):
        return False
    if label.wordWrap():
        return label.heightForWidth(label.width()) > label.height()
    # QLabel's own measure of its current text (subclasses may report
    # another size hint, e.g. FittingLabel its longest wording).
    needed = QLabel.sizeHint(label)
    return needed.width() > label.width() or needed.height() > label.height()


def _cut(widget: QWidget) -> str | None:
    """What text of ``widget`` is cut off, or None."""
    if isinstance(widget, QLabel):
        return widget.text() if _label_cut(widget) else None
    if isinstance(widget, QAbstractButton):
        if widget.text() and widget.sizeHint().width() > widget.width():
            return widget.text()
        return None
    if isinstance(widget, QGroupBox):
        title = widget.title()
        if title and widget.fontMetrics().horizontalAdvance(title) + 16 > widget.width():
            return title
        return None
    if isinstance(widget, QLineEdit):
        placeholder = widget.placeholderText()
        if widget.text() or not placeholder:
            return None
        margins = widget.textMargins()
        space = (widget.contentsRect().width() - margins.left() - margins.right() - 8
                 - (widget.height() if widget.isClearButtonEnabled() else 0))
        return placeholder if widget.fontMetrics().horizontalAdvance(placeholder) > space \
            else None
    if isinstance(widget, QComboBox):
        # Where the style draws the current text: the box less its arrow and frame.
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        style = widget.style()
        assert style is not None
        field = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                     QStyle.SubControl.SC_ComboBoxEditField, widget)
        text = widget.currentText()
        if text and widget.fontMetrics().horizontalAdvance(text) > field.width():
            return text
        return None
    if isinstance(widget, QTabBar):
        for tab in range(widget.count()):
            text = widget.tabText(tab).replace("&", "")
            if widget.fontMetrics().horizontalAdvance(text) + 8 > widget.tabRect(tab).width():
                return widget.tabText(tab)
        return None
    if isinstance(widget, QMenuBar):
        for action in widget.actions():
            geometry = widget.actionGeometry(action)
            if action.isVisible() and (geometry.isEmpty() or not widget.rect().contains(geometry)):
                return action.text()
        return None
    return None


def cut_texts(window: QWidget) -> list[str]:
    """Every text of a visible widget of ``window`` that does not fit."""
    found = []
    for widget in [window, *window.findChildren(QWidget)]:
        if widget is not window and not widget.isVisibleTo(window):
            continue
        text = _cut(widget)
        if text is not None:
            found.append(f"{_describe(widget)}: {text!r} ({widget.width()}x{widget.height()})")
    return found


def smallest_size(window: QWidget) -> QSize:
    """How small a window can be made: its minimum size (which the layout
    sets, unless the window set its own)."""
    smallest = window.minimumSize()
    return smallest if not smallest.isEmpty() else window.minimumSizeHint()


def sizes_to_try(window: QWidget, screen: QSize) -> list[QSize]:
    """The sizes a window may have on ``screen``: a main window filling it
    and at its smallest, a dialog as it opens (its preferred size, within
    the screen)."""
    smallest = smallest_size(window)
    if isinstance(window, QMainWindow):
        return [screen, smallest]
    return [window.sizeHint().expandedTo(smallest).boundedTo(screen)]


def check_fits(window: QWidget, screen: QSize) -> list[str]:
    """Everything cut off in ``window`` at each size it may have on ``screen``,
    and whether it fits the screen at all."""
    problems = []
    smallest = smallest_size(window)
    if smallest.width() > screen.width() or smallest.height() > screen.height():
        problems.append(f"{type(window).__name__} needs at least {smallest.width()}x"
                        f"{smallest.height()}, more than the screen's {screen.width()}x"
                        f"{screen.height()}")
    original = window.size()
    for size in sizes_to_try(window, screen):
        window.resize(size)
        for _ in range(3):  # layouts, then what they change (wrapping), settle
            QApplication.processEvents()
        problems += [f"at {window.width()}x{window.height()}: {problem}"
                     for problem in cut_texts(window)]
    window.resize(original)
    return problems
