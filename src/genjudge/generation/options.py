"""Generator and benchmark settings given as ``--option name=value`` text, read with their types.

Every front end (the command line, ``genjudge run``, a model request from the Space) hands settings
over as text; the code that builds a generator reads each one with the type it needs and, at the
end, refuses any it did not read, naming the valid ones, so a misspelt option never passes silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from genjudge.generation.protocol import GenerationError


def parse_option_pairs(values: Iterable[str]) -> dict[str, str]:
    """``["steps=4", "device=cuda"]`` as a mapping; a value without ``=`` or a repeated name is refused."""
    options: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise GenerationError(f"option {value!r} is not NAME=VALUE")
        if name.strip() in options:
            raise GenerationError(f"option {name.strip()!r} is given twice")
        options[name.strip()] = setting.strip()
    return options


class OptionReader:
    """Reads typed settings out of ``options`` and remembers which ones were read."""

    def __init__(self, options: Mapping[str, str], *, context: str) -> None:
        self._options = dict(options)
        self._read: set[str] = set()
        self._known: list[str] = []
        self.context = context

    def _raw(self, name: str) -> str | None:
        self._known.append(name)
        self._read.add(name)
        value = self._options.get(name)
        return value if value not in (None, "") else None

    def prefixed(self, prefix: str) -> OptionReader:
        """A reader of the options named ``<prefix><name>`` (a second model's settings, e.g.
        ``image.steps``), sharing this reader's record of what was read."""
        child = OptionReader({}, context=f"{self.context} ({prefix.rstrip('.')} model)")
        child._raw = lambda name: self._raw(prefix + name)  # type: ignore[method-assign]
        return child

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._raw(name)
        return default if value is None else value

    def integer(self, name: str, default: int | None = None, *, minimum: int = 0) -> int | None:
        value = self._raw(name)
        if value is None:
            return default
        if not value.lstrip("-").isdigit() or int(value) < minimum:
            raise GenerationError(
                f"{self.context}: option {name!r} must be an integer ≥ {minimum}, got {value!r}"
            )
        return int(value)

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self._raw(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise GenerationError(
                f"{self.context}: option {name!r} must be a number, got {value!r}"
            ) from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value not in ("0", "1", "true", "false"):
            raise GenerationError(f"{self.context}: option {name!r} must be 0 or 1, got {value!r}")
        return value in ("1", "true")

    def listed(self, name: str) -> list[str]:
        """A comma-separated list (several endpoints, for example)."""
        value = self._raw(name)
        return [item.strip() for item in value.split(",") if item.strip()] if value else []

    def refuse_unread(self) -> None:
        unread = sorted(set(self._options) - self._read)
        if unread:
            raise GenerationError(
                f"{self.context}: unknown option(s) {', '.join(unread)}; "
                f"valid: {', '.join(sorted(set(self._known))) or 'none'}"
            )
