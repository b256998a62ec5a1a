"""What every constraint shares: the sampler's view of it (is this token allowed, which tokens are)
on top of three text-level questions a constraint answers about its output so far:
`extends(s)` (can output + s still become valid?), `can_end()` (is the output valid as it is?) and
`advance(s)` (s was appended)."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set

from .vocab import VocabIndex


class ConstraintState:
    def __init__(self, index: VocabIndex) -> None:
        self._index = index
        self._checked: Dict[str, bool] = {}
        self._can_end: Optional[bool] = None

    # --- what a constraint implements ---------------------------------------------------------
    def extends(self, piece: str) -> bool:
        raise NotImplementedError

    def can_end(self) -> bool:
        raise NotImplementedError

    def advance_text(self, piece: str) -> None:
        raise NotImplementedError

    # --- what the sampler calls ---------------------------------------------------------------
    def _check(self, piece: str) -> bool:
        known = self._checked.get(piece)
        if known is None:
            known = self.extends(piece)
            self._checked[piece] = known
        return known

    def _ends(self) -> bool:
        if self._can_end is None:
            self._can_end = self.can_end()
        return self._can_end

    def allows_token_fn(self, enders: Set[int], special_ids: Set[int]) -> Callable[[int], bool]:
        def allows(token: int) -> bool:
            if token in enders:
                return self._ends()
            text = self._index.text(token)
            return text is not None and self._check(text)

        return allows

    def allowed_ids_fn(self, enders: Set[int]) -> Callable[[], List[int]]:
        def allowed() -> List[int]:
            ids = [token for token in self._index.allowed(self._check) if token not in enders]
            if self._ends():
                ids.extend(token for token in enders if 0 <= token < self._index.vocab_size)
            return ids

        return allowed

    def advance(self, token: int) -> None:
        text = self._index.text(token)
        if text:
            self.advance_text(text)
        self._checked = {}
        self._can_end = None
