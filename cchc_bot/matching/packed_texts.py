"""Many short strings kept as one: a large knowledge base's question texts without the
per-object overhead of a Python string each."""

from __future__ import annotations

from array import array

_CHUNK = 4096  # appended strings are joined this many at a time, so each is freed quickly


class PackedTexts:
    """An append-only list of strings stored as one joined string and end offsets."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._pending: list[str] = []
        self._blob = ""
        self._ends = array("q")

    def append(self, text: str) -> None:
        self._pending.append(text)
        self._ends.append((self._ends[-1] if self._ends else 0) + len(text))
        if len(self._pending) >= _CHUNK:
            self._chunks.append("".join(self._pending))
            self._pending.clear()

    def seal(self) -> None:
        """Join what was appended (also done on the first read after an append)."""
        if self._pending or self._chunks:
            self._blob = "".join([self._blob, *self._chunks, *self._pending])
            self._chunks.clear()
            self._pending.clear()

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if self._pending or self._chunks:
            self.seal()
        if not -len(self._ends) <= index < len(self._ends):
            raise IndexError(index)
        if index < 0:
            index += len(self._ends)
        start = self._ends[index - 1] if index > 0 else 0
        return self._blob[start : self._ends[index]]
