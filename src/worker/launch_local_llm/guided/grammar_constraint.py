"""Context-free constraints (guided_grammar, guided_json, response_format) on lark's LALR parser.

The output is lexed here, not by lark: at each point only the terminals the parser state accepts
(plus the ignored ones, e.g. whitespace) are tried. A terminal is committed once the text goes on
past its longest match, so a token may end in the middle of one; that open tail is kept with the
parser state in a *configuration*. Several configurations may live at once when the text can be
split in more than one way. A candidate is allowed when one configuration can consume it; the
output may end when one configuration's tail completes a terminal after which the parser accepts
the end of input.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from copy import copy

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedInput

from ..errors import RequestError
from .base import ConstraintState
from .terminals import RegexTerminal
from .vocab import VocabIndex

_MAX_CONFIGURATIONS = 64
_MASK_CACHE_SIZE = 4096
_END = "$END"


class GrammarSpec:
    """A compiled grammar: lark's LALR tables plus the terminals this lexer matches."""

    def __init__(self, grammar: str, terminals: Optional[Dict[str, Any]] = None, ignore: Optional[List[Any]] = None, start: str = "start") -> None:
        try:
            self._lark = Lark(grammar, parser="lalr", lexer="contextual", start=start)
        except LarkError as error:
            raise RequestError(f"Invalid grammar for guided decoding (an LALR(1) grammar in lark's syntax or EBNF is needed): {_first_line(error)}") from error
        self.terminals: Dict[str, Any] = dict(terminals or {})
        for definition in self._lark.terminals:
            if definition.name not in self.terminals:
                self.terminals[definition.name] = RegexTerminal(definition.pattern.to_regexp())
        self.ignore_names = [name for name in self._lark.ignore_tokens]
        self.extra_ignore = list(ignore or [])
        self._accepts: Dict[Tuple[int, ...], frozenset] = {}
        self._fed: Dict[Tuple[Tuple[int, ...], str], Optional[Any]] = {}
        # The allowed ids of a set of configurations: JSON and grammar outputs revisit the same
        # parser states (after a comma, before a key …), so most steps are a lookup.
        self.masks: Dict[Any, List[int]] = {}

    def start(self, index: VocabIndex) -> "GrammarState":
        parser = self._lark.parse_interactive("")
        # No tree is built: the parser is only asked what it accepts (lark's own accepts() does this).
        conf = copy(parser.parser_state.parse_conf)
        conf.callbacks = {}
        parser.parser_state.parse_conf = conf
        return GrammarState(index, self, parser)

    # Parser questions, remembered per parser state (its whole stack decides them).
    def accepts(self, parser: Any) -> frozenset:
        key = tuple(parser.parser_state.state_stack)
        known = self._accepts.get(key)
        if known is None:
            known = frozenset(parser.accepts())
            self._accepts[key] = known
        return known

    def feed(self, parser: Any, name: str, value: str) -> Optional[Any]:
        """The parser after `name`, or None when the parser refuses it (never changes `parser`)."""
        key = (tuple(parser.parser_state.state_stack), name)
        if key in self._fed:
            return self._fed[key]
        after = parser.copy(deepcopy_values=False)
        try:
            after.feed_token(Token(name, value))
        except (UnexpectedInput, LarkError):
            after = None
        self._fed[key] = after
        return after

    def ignored(self) -> List[Any]:
        return [self.terminals[name] for name in self.ignore_names] + self.extra_ignore


# (parser, the open tail not yet committed as a terminal, whether the last commit was ignored text)
Configuration = Tuple[Any, str, bool]


class GrammarState(ConstraintState):
    def __init__(self, index: VocabIndex, spec: GrammarSpec, parser: Any) -> None:
        super().__init__(index)
        self._spec = spec
        self._ignored = spec.ignored()
        self._configs: List[Configuration] = [(parser, "", False)]

    def _expand(self, config: Configuration, piece: str, first_only: bool) -> List[Configuration]:
        """The configurations after `piece`. Ignored text (whitespace) never follows ignored text:
        between two terminals there is one match of the ignore pattern, so `[ ]?` means one space."""
        spec = self._spec
        results: List[Configuration] = []
        seen = set()
        work = [(config[0], config[1] + piece, config[2])]
        while work:
            parser, text, after_ignore = work.pop()
            if not text:
                results.append((parser, "", after_ignore))
                if first_only:
                    return results
                continue
            candidates = [(name, spec.terminals[name]) for name in spec.accepts(parser) if name != _END and name in spec.terminals]
            if not after_ignore:
                candidates += [(None, terminal) for terminal in self._ignored]
            is_open = False
            for name, terminal in candidates:
                end = terminal.match(text, 0)
                if end is not None and 0 < end < len(text):
                    after = parser if name is None else spec.feed(parser, name, text[:end])
                    key = (id(after), len(text) - end, name is None)
                    if after is not None and key not in seen:
                        seen.add(key)
                        work.append((after, text[end:], name is None))
                if not is_open and terminal.viable(text):
                    is_open = True
            if is_open:
                results.append((parser, text, after_ignore))
                if first_only:
                    return results
        return results

    def _key(self) -> Any:
        return frozenset((tuple(parser.parser_state.state_stack), tail, after_ignore) for parser, tail, after_ignore in self._configs)

    def allowed_ids_fn(self, enders: Set[int]) -> Callable[[], List[int]]:
        compute = super().allowed_ids_fn(enders)

        def allowed() -> List[int]:
            key = (self._key(), frozenset(enders))
            known = self._spec.masks.get(key)
            if known is None:
                known = compute()
                if len(self._spec.masks) >= _MASK_CACHE_SIZE:
                    self._spec.masks.pop(next(iter(self._spec.masks)))
                self._spec.masks[key] = known
            return list(known)

        return allowed

    def extends(self, piece: str) -> bool:
        return any(self._expand(config, piece, True) for config in self._configs)

    def can_end(self) -> bool:
        spec = self._spec
        for parser, tail, after_ignore in self._configs:
            if not tail:
                if _END in spec.accepts(parser):
                    return True
                continue
            for name in spec.accepts(parser):
                terminal = spec.terminals.get(name)
                if terminal is not None and terminal.match(tail, 0) == len(tail):
                    after = spec.feed(parser, name, tail)
                    if after is not None and _END in spec.accepts(after):
                        return True
            ends_ignored = not after_ignore and any(terminal.match(tail, 0) == len(tail) for terminal in self._ignored)
            if ends_ignored and _END in spec.accepts(parser):
                return True
        return False

    def advance_text(self, piece: str) -> None:
        configs: List[Configuration] = []
        seen = set()
        for config in self._configs:
            for parser, tail, after_ignore in self._expand(config, piece, False):
                key = (tuple(parser.parser_state.state_stack), tail, after_ignore)
                if key not in seen:
                    seen.add(key)
                    configs.append((parser, tail, after_ignore))
        self._configs = configs[:_MAX_CONFIGURATIONS]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
