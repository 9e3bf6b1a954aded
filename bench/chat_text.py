"""Made-up chat lines for benchmark databases, worded like real chat.

A search index is only as fast as its hardest words: a trigram index finds
a rare word through trigrams that common words share, and a common word
matches a large part of the history.  One repeated line would measure
neither, so the lines here draw words, English and Russian, with the
frequencies of real text (Zipf's law: the n-th most common word is about n
times rarer than the first): a few hundred everyday words, then tens of
thousands of made-up ones from syllables, each rarer than the last.

Everything comes from one seeded generator, so every run builds the same
database, and :data:`QUERIES` names words whose frequency in it is known:
a common word, rare words, two-character words and words found nowhere.
"""

from __future__ import annotations

import bisect
import itertools
import random
from typing import Final

__all__ = ["ChatText", "QUERIES"]

_COMMON_EN = (
    "the you and to it is in that for on of we this with have are be not but can do at so "
    "what all if just was will my me get out up about now know like here there one time "
    "when go how see some yes ok thanks please today tomorrow meeting lunch server build "
    "test code file room report bug fix deploy review coffee later morning"
).split()
_COMMON_RU = (
    "и в не на я что он с это как а по но мы все так да ты же уже вот там нет ещё где "
    "когда сегодня завтра привет спасибо пожалуйста встреча обед сервер сборка тест код "
    "файл комната отчёт ошибка правка ревью кофе потом утром ёлка вечером проект работа"
).split()
_SYLLABLES_EN = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
_SYLLABLES_RU = [c + v for c in "бвгджзклмнпрстфхцчш" for v in "аеиоуыяюё"]
#: Made-up words after the common ones, the long tail of the vocabulary.
_MADE_UP = 30_000

#: What the search benchmark asks besides the vocabulary's common and rare
#: words (:meth:`ChatText.queries`).  The words found nowhere are made
#: of trigrams that are everywhere ("бабаба") as well as of ones that are not.
QUERIES: Final[dict[str, tuple[str, ...]]] = {
    "2 characters": ("да", "ok", "ну", "is"),
    "no match": ("щщщ", "zzqx", "бабабаба", "kakakaka"),
}
#: The ranks in the vocabulary of the common words asked for (among words of
#: three characters or more) and of the rare ones.
_COMMON_RANKS = (0, 9, 29, 59)
_RARE_RANKS = (15_000, 17_500, 20_000)


class ChatText:
    """Lines of chat from a seeded generator; :meth:`line` gives the next one."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        words = random.Random(seed + 1)
        made_up: dict[str, None] = {}
        while len(made_up) < _MADE_UP:
            syllables = _SYLLABLES_RU if words.random() < 0.6 else _SYLLABLES_EN
            made_up.setdefault("".join(words.choice(syllables)
                                       for _ in range(words.randint(2, 4))), None)
        common = _COMMON_RU + _COMMON_EN
        words.shuffle(common)
        self.vocabulary = [*common, *(w for w in made_up if w not in common)]
        # Zipf: weight 1/rank, as cumulative weights for bisect.
        self._cumulative = list(itertools.accumulate(
            1 / rank for rank in range(1, len(self.vocabulary) + 1)))

    def line(self) -> str:
        """One line of 3 to 12 words, now and then with a comma or a question."""
        rng, total = self.rng, self._cumulative[-1]
        count = rng.randint(3, 12)
        picked = [self.vocabulary[bisect.bisect(self._cumulative, rng.random() * total)]
                  for _ in range(count)]
        if rng.random() < 0.3:
            picked[0] = picked[0].capitalize()
        if count > 5 and rng.random() < 0.3:
            picked[count // 2] += ","
        return " ".join(picked) + ("?" if rng.random() < 0.1 else "")

    def queries(self) -> dict[str, tuple[str, ...]]:
        """:data:`QUERIES` with this vocabulary's rare words."""
        # The common words among those the index can find (3+ characters).
        indexable = [word for word in self.vocabulary if len(word) >= 3]
        return {"common word": tuple(indexable[rank] for rank in _COMMON_RANKS),
                "rare word": tuple(self.vocabulary[rank] for rank in _RARE_RANKS),
                **QUERIES}
