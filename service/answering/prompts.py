"""Prompt templates kept as files in prompts/, rendered strictly.

Placeholders are `{{name}}`. Rendering fails if the template names a value
that is not given or is given a value it does not name, so a typo can never
ship a prompt with a hole in it.
"""

from __future__ import annotations

import re
from pathlib import Path

from service.core.ports import Message

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class PromptError(ValueError):
    pass


class Prompts:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._cache: dict[str, str] = {}

    def template(self, name: str) -> str:
        if name not in self._cache:
            path = self._directory / f"{name}.md"
            if not path.is_file():
                raise PromptError(f"no prompt template {path}")
            self._cache[name] = path.read_text(encoding="utf-8")
        return self._cache[name]

    def render(self, name: str, **values: str) -> str:
        return render(self.template(name), **values)

    def messages(self, name: str, system: str | None = None, **values: str) -> list[Message]:
        """A one-question exchange: `<name>_system` (or `<system>_system`, a system line two
        prompts share), then `<name>_user` rendered with values."""
        return [
            {"role": "system", "content": self.render(f"{system or name}_system")},
            {"role": "user", "content": self.render(f"{name}_user", **values)},
        ]


def render(template: str, **values: str) -> str:
    names = set(_PLACEHOLDER.findall(template))
    missing, unused = names - values.keys(), values.keys() - names
    if missing or unused:
        raise PromptError(f"placeholders missing {sorted(missing)}, unused {sorted(unused)}")
    # One pass, so a value that itself contains {{...}} is never expanded.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
