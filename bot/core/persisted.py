"""A python-statemachine model whose state is written back on every transition (never on restore)."""
from __future__ import annotations


class PersistedState:
    """Mixin: the machine reads and writes `state`; each write made during a transition (while `_pending` is set)
    goes to `_persist(old, new)`. Restoring = set `_state` from storage and build the machine over the model."""

    _state: str
    _pending: object = None

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        old, self._state = self._state, value
        if self._pending is not None:  # not the machine's initialisation over a restored model
            self._persist(old, value)

    def _persist(self, old: str, new: str) -> None:
        raise NotImplementedError
