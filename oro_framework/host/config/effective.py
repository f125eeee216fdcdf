"""The effective configuration, :class:`Config`: every declared key's value and where it came
from, as :func:`~oro_framework.host.config.loading.load_config` computes it from its layers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, final

from oro_framework.host.config.keys import ConfigRegistry, flatten_key, is_secret_name
from oro_framework.host.config.references import SecretReference, SecretResolver
from oro_framework.host.errors import ConfigError, IPCError

__all__ = ["Config"]

SettingsT = TypeVar("SettingsT")


@final
class Config(Mapping[str, Any]):
    """The effective configuration, keyed by dotted name; ``config["webview_root"]`` (flattened)
    works too. :meth:`source` tells where each value came from."""

    def __init__(
        self,
        registry: ConfigRegistry,
        values: dict[str, Any],
        sources: dict[str, str],
        references: dict[str, SecretReference] | None = None,
        secrets_file: Path | None = None,
        app_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.registry = registry
        self.secrets_file = secrets_file
        """The secrets file read (``ORO_SECRETS_FILE``, ``[oro] secrets_file``), if one was:
        what a plugin that reaches files keeps from pages."""
        self.app_config: Mapping[str, Any] = dict(app_config or {})
        """The keys of the INI config's own sections (``socket.ini``'s ``[test-section]``),
        by Socket's name, as pages read them in ``application.config`` (:mod:`.ini_app`); none
        for an ``oro.toml``, whose keys are declared."""
        self._values = values
        self._sources = sources
        self._references = dict(references or {})

    def _resolve(self, key: str) -> str:
        if key in self._values:
            return key
        dotted = self.registry.dotted(key)
        if dotted not in self._values and "." not in key:
            # A flattened name whose dashes cannot be guessed (``ai_upstreams_my_gpu_base_url``
            # for the table ``my-gpu``): the value whose name flattens to it.
            flattened = flatten_key(key)
            return next((name for name in self._values if flatten_key(name) == flattened), dotted)
        return dotted

    def __getitem__(self, key: str) -> Any:
        return self._values[self._resolve(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._resolve(key) in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def source(self, key: str) -> str:
        """``default``, ``oro.toml:12``, ``env ORO_X`` or ``override``."""
        return self._sources[self._resolve(key)]

    def reference(self, key: str) -> SecretReference | None:
        """The secret reference ``oro.toml`` wrote as ``key``'s value, if it did: what tools
        show instead of the value, resolved or not."""
        return self._references.get(self._resolve(key))

    @property
    def references(self) -> list[SecretReference]:
        """Every secret reference of the loaded files, in key order."""
        return [self._references[name] for name in sorted(self._references)]

    def resolve_references(self, resolver: SecretResolver) -> None:
        """Replace each secret reference's value with the secret ``resolver`` answers, checked
        as its key's values are. The host calls it once, before ``oro_configure``.

        :raises ConfigError: nobody resolves a reference's scheme (``resolver`` answered
            ``None``), the resolver failed (its :class:`~oro_framework.IPCError` says why and
            how to fix it), or the key's checks refuse the secret. The message names the key and
            where the reference was written, never the secret.
        """
        for reference in self.references:
            if reference.key not in self._references:
                continue  # its plugin was dropped as broken meanwhile
            where = f"key '{reference.key}' holds the secret reference '{reference}'"
            try:
                secret = resolver(reference)
            except IPCError as error:
                raise ConfigError(
                    f"{where}, which cannot be resolved: {error}",
                    key=reference.key,
                    source=reference.source,
                ) from error
            if secret is None:
                raise ConfigError(
                    f"{where}, but no installed plugin resolves '{reference.scheme}:' references;"
                    " install the plugin that does (oro-secure-storage resolves "
                    "'secure-storage:'; the host itself resolves 'env:'), or give the secret "
                    "itself in the environment or the secrets file (docs/security.md, Secrets), "
                    "never in oro.toml",
                    key=reference.key,
                    source=reference.source,
                )
            key = self.registry.find(reference.key)
            if key is None:
                continue
            try:
                self._values[reference.key] = key.validate(secret)
            except (TypeError, ValueError) as error:
                raise ConfigError(
                    f"{where}; the secret it names {error}",
                    key=reference.key,
                    source=reference.source,
                ) from None

    def drop_undeclared(self) -> None:
        """Forget the values of keys the registry no longer declares: the host calls it after
        dropping a broken plugin, whose keys must not outlive it."""
        for name in [name for name in self._values if self.registry.find(name) is None]:
            del self._values[name]
            del self._sources[name]
            self._references.pop(name, None)

    def section(self, prefix: str) -> dict[str, Any]:
        """The values below ``prefix`` (``filesystem.mounts``), keyed by the rest of the name."""
        start = prefix + "."
        return {
            name[len(start) :]: value
            for name, value in self._values.items()
            if name.startswith(start)
        }

    def settings(self, cls: type[SettingsT]) -> SettingsT:
        """The settings dataclass ``cls`` (declared with ``config.add_settings``) with this
        config's values.

        :raises LookupError: ``cls`` is not declared on this host.
        """
        return self.registry.read_settings(cls, self)

    def flattened(self, *, include_secrets: bool = True) -> dict[str, Any]:
        """Every value under its flattened name, as pages see it in ``__args.config``, then the
        app's own INI keys (:attr:`app_config`) under Socket's names; without the secrets
        (``*_key``, ``*secret*``..., and keys declared secret) and the keys declared private
        (an upstream's ``base_url``) unless ``include_secrets``."""
        flat = {
            flatten_key(name): self._values[name]
            for name in sorted(self._values)
            if include_secrets or not self._is_private(name)
        }
        # Oro's names of the keys named otherwise here (``meta_title`` is ``meta_name``), so
        # that an Oro page reading ``application.config.meta_title`` finds its value.
        for oro_name, name in self.registry.oro_names().items():
            if flatten_key(name) in flat and not oro_name.endswith(".*"):
                flat.setdefault(flatten_key(oro_name), flat[flatten_key(name)])
        for name, value in self.app_config.items():
            if include_secrets or not is_secret_name(name):
                flat.setdefault(name, value)
        return flat

    def _is_private(self, name: str) -> bool:
        key = self.registry.find(name)
        return is_secret_name(name) or (key is not None and key.is_private)
