"""Path-sensitive walk of one snippet function, for the pair and noinstr rules.

The abstract state on a path is the stack of brackets opened and not yet
closed (instrumentation sections included, like objtool's per-path
counter).  Every control-flow construct of C is followed: if/else, switch
with fall-through, loops (iterated to a fixed point, so a bracket left open
by one iteration is seen), break/continue, return, and goto (label states
iterated to a fixed point).  The walk only records events; the rule modules
decide what to report.
"""
from __future__ import annotations

import dataclasses
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from .clang import cindex
from .compile import Call, Compiled, _walk as walk

MAX_STATES = 256      # distinct stacks kept per program point
MAX_ITERATIONS = 4    # loop and goto fixed-point rounds
MAX_DEPTH = 12


@dataclasses.dataclass(frozen=True)
class Frame:
    pair: str
    opener: str
    line: int          # file position of the opening call
    column: int
    var: Optional[str]  # the variable its returned state went into, if any
    returns_state: bool


if TYPE_CHECKING:
    State = Tuple[Frame, ...]


@dataclasses.dataclass(frozen=True)
class Unclosed:
    frame: Frame
    line: int
    column: int
    at_return: bool


@dataclasses.dataclass(frozen=True)
class Crossed:
    closer: str
    line: int
    column: int
    closed: Frame
    still_open: Frame


@dataclasses.dataclass(frozen=True)
class Unopened:
    closer: str
    pair: str
    line: int
    column: int


@dataclasses.dataclass(frozen=True)
class Mismatched:
    closer: str
    pair: str
    line: int
    column: int
    frame: Frame


@dataclasses.dataclass(frozen=True)
class StateNotPassed:
    closer: str
    line: int
    column: int
    frame: Frame
    given: Optional[str]   # the variable passed instead, None when it is not a variable


@dataclasses.dataclass(frozen=True)
class Reached:
    """A call reached on some path outside every instrumentation section."""
    call_line: int
    call_column: int


class _Done(Exception):
    pass


class FunctionFlow:
    def __init__(self, compiled: Compiled, function, section_pair: str = "instrumentation"):
        self.ci = cindex()
        self.compiled = compiled
        self.function = function
        self.section_pair = section_pair
        self.calls: Dict[Tuple[int, int], Call] = {
            (c.cursor.location.line, c.cursor.location.column): c for c in compiled.calls}
        self.events: Set[object] = set()
        self.labels: Dict[str, FrozenSet[State]] = {}
        self.jumps: List[List[Set[State]]] = []   # per loop/switch: [breaks, continues]

    # -- public -------------------------------------------------------------
    def run(self) -> Set[object]:
        body = next((c for c in self.function.get_children()
                     if c.kind == self.ci.CursorKind.COMPOUND_STMT), None)
        if body is None:
            return self.events
        for _ in range(MAX_ITERATIONS):
            before = dict(self.labels)
            out = self.stmt(body, frozenset({()}))
            if self.labels == before:
                break
        end = self.position(body.extent.end) or (0, 0)
        for state in out:
            self.leave(state, end, at_return=False)
        return self.events

    # -- helpers ------------------------------------------------------------
    def position(self, location) -> Optional[Tuple[int, int]]:
        return self.compiled.position(location)

    def leave(self, state: State, where: Tuple[int, int], at_return: bool) -> None:
        for frame in state:
            self.events.add(Unclosed(frame, where[0], where[1], at_return))

    def cap(self, states: Set[State]) -> FrozenSet[State]:
        states = {s[-MAX_DEPTH:] for s in states}
        if len(states) > MAX_STATES:
            states = set(sorted(states, key=len)[:MAX_STATES])
        return frozenset(states)

    # -- statements ---------------------------------------------------------
    def stmt(self, cursor, states: FrozenSet[State]) -> FrozenSet[State]:
        K = self.ci.CursorKind
        kind = cursor.kind
        children = list(cursor.get_children())
        if not states and kind not in (K.LABEL_STMT, K.CASE_STMT, K.DEFAULT_STMT, K.COMPOUND_STMT):
            return states
        if kind == K.COMPOUND_STMT:
            for child in children:
                states = self.stmt(child, states)
            return states
        if kind == K.IF_STMT:
            cond, rest = children[0], children[1:]
            states = self.expr(cond, states)
            then = self.stmt(rest[0], states) if rest else states
            other = self.stmt(rest[1], states) if len(rest) > 1 else states
            return self.cap(set(then) | set(other))
        if kind == K.SWITCH_STMT:
            return self.switch(children, states)
        if kind in (K.WHILE_STMT, K.FOR_STMT):
            for child in children[:-1]:
                states = self.expr(child, states)
            return self.loop(children[-1], states, at_least_once=False)
        if kind == K.DO_STMT:
            return self.loop(children[0], states, at_least_once=True)
        if kind == K.RETURN_STMT:
            for child in children:
                states = self.expr(child, states)
            where = self.position(cursor.location) or (0, 0)
            for state in states:
                self.leave(state, where, at_return=True)
            return frozenset()
        if kind == K.BREAK_STMT:
            if self.jumps:
                self.jumps[-1][0].update(states)
            return frozenset()
        if kind == K.CONTINUE_STMT:
            for jumps in reversed(self.jumps):
                if jumps[1] is not None:
                    jumps[1].update(states)
                    break
            return frozenset()
        if kind == K.GOTO_STMT:
            label = next((c.spelling for c in children if c.kind == K.LABEL_REF), None)
            if label:
                self.labels[label] = self.cap(set(self.labels.get(label, frozenset())) | set(states))
            return frozenset()
        if kind == K.LABEL_STMT:
            states = self.cap(set(states) | set(self.labels.get(cursor.spelling, frozenset())))
            for child in children:
                states = self.stmt(child, states)
            return states
        if kind in (K.CASE_STMT, K.DEFAULT_STMT):
            # Reached by falling through or by the switch's jump to the label.
            states = self.cap(set(states) | set(self.switch_entry[-1]))
            self.switch_has_default[-1] |= kind == K.DEFAULT_STMT
            body = children[-1] if children else None
            if kind == K.CASE_STMT and len(children) < 2:
                body = None
            return self.stmt(body, states) if body is not None else states
        return self.expr(cursor, states)

    switch_entry: List[FrozenSet[State]] = []
    switch_has_default: List[bool] = []

    def switch(self, children, states):
        cond, body = children[0], children[-1]
        states = self.expr(cond, states)
        self.switch_entry = self.switch_entry + [states]
        self.switch_has_default = self.switch_has_default + [False]
        self.jumps.append([set(), None])
        out = self.stmt(body, frozenset())
        breaks, _ = self.jumps.pop()
        has_default = self.switch_has_default[-1]
        self.switch_entry = self.switch_entry[:-1]
        self.switch_has_default = self.switch_has_default[:-1]
        result = set(out) | breaks
        if not has_default:
            result |= set(states)
        return self.cap(result)

    def loop(self, body, states, at_least_once: bool):
        head: Set[State] = set(states)
        exits: Set[State] = set()
        frontier = states
        after_body: Set[State] = set()
        for _ in range(MAX_ITERATIONS):
            self.jumps.append([set(), set()])
            out = self.stmt(body, frontier)
            breaks, continues = self.jumps.pop()
            exits |= breaks
            reached = set(out) | continues
            after_body |= reached
            new = reached - head
            if not new:
                break
            head |= new
            frontier = self.cap(new)
        result = (after_body if at_least_once else head) | exits
        return self.cap(result)

    # -- expressions: calls in evaluation order ------------------------------
    def expr(self, cursor, states):
        """Children before their parent, left to right, with an explicit
        stack: ``(f(), 1) + 1 + 1 ...`` is as deep as it is long, and a
        thousand terms must not exhaust Python's recursion."""
        K = self.ci.CursorKind
        stack = [(cursor, True)]
        stack.extend((child, False) for child in reversed(list(cursor.get_children())))
        while stack:
            node, children_done = stack.pop()
            if not children_done:
                if node.kind == K.COMPOUND_STMT:
                    states = self.stmt(node, states)
                    continue
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(list(node.get_children())))
                continue
            if node.kind in (K.CALL_EXPR, K.UNEXPOSED_EXPR):
                call = self.calls.get((node.location.line, node.location.column))
                if call is not None and node == call.cursor:
                    states = self.call(call, node, states)
        return states

    def call(self, call: Call, cursor, states):
        position = self.compiled.snippet.position(call.line, call.column)
        if any(not any(f.pair == self.section_pair for f in s) for s in states):
            self.events.add(Reached(*position))
        function = call.function
        if function is None or not (function.opens or function.closes):
            return states
        result: Set[State] = set()
        for state in states:
            if function.opens:
                result.add(state + (Frame(function.opens, function.name, position[0], position[1],
                                          self.assigned_to(cursor), function.result != "void"),))
            else:
                result.add(self.close(function, cursor, position, state))
        return self.cap(result)

    def close(self, function, cursor, position, state: State) -> State:
        pair = function.closes
        line, column = position
        for depth in range(len(state) - 1, -1, -1):
            frame = state[depth]
            if frame.pair != pair:
                continue
            if depth != len(state) - 1:
                self.events.add(Crossed(function.name, line, column, frame, state[-1]))
            self.check_state(function, cursor, position, frame)
            return state[:depth] + state[depth + 1:]
        # Not open on this path: closed by the wrong partner, or never opened.
        candidates = [i for i in range(len(state) - 1, -1, -1)
                      if (state[i].pair == self.section_pair) == (pair == self.section_pair)]
        if candidates:
            frame = state[candidates[0]]
            self.events.add(Mismatched(function.name, pair, line, column, frame))
            return state[:candidates[0]] + state[candidates[0] + 1:]
        self.events.add(Unopened(function.name, pair, line, column))
        return state

    def check_state(self, function, cursor, position, frame: Frame) -> None:
        """An exit that takes the state its enter returned should be given it."""
        if not frame.returns_state:
            return
        K = self.ci.CursorKind
        args = list(cursor.get_arguments())
        params = function.params
        for index, (ptype, _name) in enumerate(params):
            if index >= len(args) or "irqentry_state" not in ptype and ptype != frame_result(frame, self):
                continue
            arg = args[index]
            ref = _strip(arg, K)
            given = ref.spelling if ref is not None and ref.kind == K.DECL_REF_EXPR else None
            if frame.var is None or given != frame.var:
                self.events.add(StateNotPassed(function.name, position[0], position[1], frame, given))
            return

    def assigned_to(self, cursor) -> Optional[str]:
        """Name of the variable a call's result is assigned to or initialises."""
        parent = getattr(cursor, "_entrydoc_parent", None)
        return self.compiled_assignments().get((cursor.location.line, cursor.location.column), parent)

    _assignments: Optional[Dict[Tuple[int, int], str]] = None

    def compiled_assignments(self) -> Dict[Tuple[int, int], str]:
        if self._assignments is None:
            self._assignments = assignments(self.function)
        return self._assignments


def frame_result(frame: Frame, flow: FunctionFlow) -> str:
    api_function = next((c.function for c in flow.compiled.calls
                         if c.function is not None and c.function.name == frame.opener), None)
    return api_function.result if api_function else ""


def _strip(cursor, K):
    """Look through casts and parentheses to the expression that matters."""
    while cursor is not None and cursor.kind in (K.UNEXPOSED_EXPR, K.PAREN_EXPR, K.CSTYLE_CAST_EXPR):
        children = list(cursor.get_children())
        cursor = children[-1] if children else None
    return cursor


def _operator(cursor, left, right) -> str:
    """The operator token of a binary operator whose left operand is a
    plain name: the second token between the operands' starts (tokenizing
    the whole operator, for every operator of a long expression, would be
    quadratic)."""
    ci = cindex()
    between = ci.SourceRange.from_locations(left.extent.start, right.extent.start)
    tokens = ci.TokenGroup.get_tokens(cursor.translation_unit, between)
    for number, token in enumerate(tokens):
        if number == 1:
            return token.spelling
    return ""


def assignments(function) -> Dict[Tuple[int, int], str]:
    """Map each call's location to the variable its result is stored in."""
    K = cindex().CursorKind
    found: Dict[Tuple[int, int], str] = {}
    for cursor, _parent in walk(function, None):   # not walk_preorder(): it recurses
        target = value = None
        if cursor.kind == K.BINARY_OPERATOR:
            children = list(cursor.get_children())
            if len(children) == 2 and children[0].kind == K.DECL_REF_EXPR \
                    and _operator(cursor, *children) == "=":
                target, value = children[0].spelling, children[1]
        elif cursor.kind == K.VAR_DECL:
            children = [c for c in cursor.get_children() if c.kind != K.TYPE_REF]
            if children:
                target, value = cursor.spelling, children[-1]
        if target and value is not None:
            value = _strip(value, K)
            if value is not None and value.kind == K.CALL_EXPR:
                found[(value.location.line, value.location.column)] = target
    return found


def analyse(compiled: Compiled, function) -> Set[object]:
    """The events of one function, computed once for all the rules that ask."""
    key = (function.location.line, function.location.column)
    cache = compiled.__dict__.setdefault("_flows", {})
    if key not in cache:
        cache[key] = FunctionFlow(compiled, function).run()
    return cache[key]
