"""The numbers of the buttons `officebot chat` prints, so that a typed number presses exactly the
button that was printed with it.

Every card with buttons gets its own numbers, never reused by another card: after `/leaves` the
own report's 「[1] 撤回 2」 and the approval card's 「[2] 同意  [3] 退回」 can all be pressed, and
`1` never reaches the approval card. An updated card (an edit) is printed again with the numbers it
had, so `2` still means its second button; a button the update removed, a deleted card or a number
never printed presses nothing.

    numbers = ButtonNumbers()
    numbers.show(card, card_buttons)     # [1, 2, 3]: print them beside the buttons
    numbers.press(2)                      # (card, "qa:fb:…") or None: no such button
"""

from __future__ import annotations

Json = dict


class ButtonNumbers:
    """Numbers for the buttons of the cards printed in one chat, by (card, position)."""

    def __init__(self) -> None:
        self._next = 1
        self._by_card: dict[int, list[int]] = {}  # message id -> its numbers, by button position
        self._shown: dict[int, tuple[Json, list[Json]]] = {}  # message id -> the card as last printed
        self._where: dict[int, tuple[int, int]] = {}  # number -> (message id, position)

    def show(self, message: Json, buttons: list[Json]) -> list[int]:
        """The numbers to print beside `buttons` of `message` (new or updated)."""
        message_id = message["message_id"]
        numbers = self._by_card.setdefault(message_id, [])
        while len(numbers) < len(buttons):
            self._where[self._next] = (message_id, len(numbers))
            numbers.append(self._next)
            self._next += 1
        self._shown[message_id] = (message, buttons)
        return numbers[: len(buttons)]

    def forget(self, message: Json) -> None:
        """The card is gone (deleted): its numbers press nothing any more."""
        self._shown.pop(message["message_id"], None)

    def press(self, number: int) -> tuple[Json, str] | None:
        """The card and the button data that `number` was printed with; None when it names no button."""
        where = self._where.get(number)
        if where is None:
            return None
        message_id, position = where
        message, buttons = self._shown.get(message_id, ({}, []))
        if position >= len(buttons):
            return None
        return message, buttons[position]["callback_data"]
