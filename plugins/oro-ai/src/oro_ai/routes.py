"""The ``ai.*`` IPC routes: manage resident models and LoRA adapters from page JS
(``ai.llm.*``), and the completions relayed to the ``/ai/llama`` app (:mod:`.relay`).
:data:`ROUTES` is the group the plugin adds to the host."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import anyio

from oro_ai.errors import APIError
from oro_ai.models import real_path_within
from oro_ai.permissions import AI
from oro_ai.relay import relay
from oro_ai.state import STATE
from oro_framework import (
    InvalidArgumentError,
    NotFoundError,
    Request,
    RouteGroup,
    SecurityError,
)

__all__ = ["ROUTES"]


async def _permitted_path(request: Request, text: str) -> Path:
    """The real path of the model or adapter file a page names, if models may be read from
    there: the app's resources, its data directory, ``ai.llm.models_dir`` or a directory of
    ``ai.llm.model_path`` or ``ai.llm.lora_path``. A relative path is taken from the app
    directory.

    :raises SecurityError: ``EPERM`` for any other place, checked before the file is looked
        at, so the answer is the same whether or not something exists there.
    """
    host = request.host
    roots = host.stash[STATE].model_roots

    def resolve() -> Path | None:
        return real_path_within(host.app_dir / Path(text).expanduser(), roots)

    real = await anyio.to_thread.run_sync(resolve)
    if real is None:
        raise SecurityError(
            f"Cannot read models from '{text}': a path must lie in the app's resources, its "
            "data directory, ai.llm.models_dir, ai.llm.model_path or ai.llm.lora_path",
            code="EPERM",
            path=text,
        )
    return real


async def model_load(request: Request) -> dict[str, Any]:
    """Load a model by `name`, or register a `path` (a .gguf or a directory) and load it."""
    manager = request.host.stash[STATE].manager
    name = request.params.get_str("name")
    path = request.params.get_str("path")
    if not name and not path:
        raise InvalidArgumentError.missing("name")
    try:
        if path:
            permitted = await _permitted_path(request, path)
            try:
                brought = manager.registry.add(permitted)
            except FileNotFoundError:
                raise NotFoundError(f"No model at {path}") from None
            except ValueError as error:
                raise InvalidArgumentError(str(error)) from None
            name = name or brought[0].name
        model = await manager.get(name)
    except APIError as error:
        raise error.to_ipc_error() from None
    return model.describe()


async def model_unload(request: Request) -> dict[str, Any]:
    """Unload model `name`; `unloaded` is false when it was not resident."""
    manager = request.host.stash[STATE].manager
    name = request.params.require_str("name")
    return {"name": name, "unloaded": await manager.unload(name)}


async def model_list(request: Request) -> dict[str, Any]:
    """Every model on the search path, whether it is loaded, and the resident ones' pools."""
    manager = request.host.stash[STATE].manager
    loaded = manager.loaded
    default = manager.registry.default_name
    return {
        "default": default,
        "models": [
            loaded[file.name].describe()
            if file.name in loaded
            else {
                "name": file.name,
                "path": file.shown_path,
                "source": file.source,
                "loaded": False,
            }
            for file in manager.registry.models()
        ],
    }


async def model_status(request: Request) -> dict[str, Any]:
    """Where model `name` (default model when omitted) stands: ``{model, path, state, size,
    loadSeconds, error}`` with state ``unloaded``, ``loading``, ``ready`` or ``error``. Loads
    nothing; each transition is also sent to pages as the ``aimodelstatechange`` event."""
    manager = request.host.stash[STATE].manager
    try:
        file = manager.resolve(request.params.get_str("name"))
    except APIError as error:
        raise error.to_ipc_error() from None
    return manager.status(file).to_json()


async def _adapter(request: Request, name: str) -> str:
    """The registered name of adapter `name`, found in ``ai.llm.lora_path`` if need be.

    :raises NotFoundError: no such adapter.
    """
    manager = request.host.stash[STATE].manager
    if name in manager.loras:
        return name
    try:
        found = await anyio.to_thread.run_sync(manager.lora_file, name)
        if found is None:
            raise NotFoundError(
                f"No LoRA adapter '{name}': load it with ai.llm.lora.load, or put {name}.gguf "
                "in a directory of ai.llm.lora_path"
            )
        return manager.add_lora(found, found.stem)
    except APIError as error:
        raise error.to_ipc_error() from None


async def lora_load(request: Request) -> dict[str, Any]:
    """Register a LoRA adapter .gguf at `path` under `name` (default: its file name), or
    find the adapter `name` (a file name, `.gguf` optional) in ``ai.llm.lora_path``."""
    manager = request.host.stash[STATE].manager
    text = request.params.get_str("path")
    if not text:
        name = await _adapter(request, request.params.require_str("name"))
        return {"name": name, "path": manager.loras[name].name}
    path = await _permitted_path(request, text)
    try:
        name = manager.add_lora(path, request.params.get_str("name"))
    except APIError as error:
        raise error.to_ipc_error() from None
    return {"name": name, "path": manager.loras[name].name}


async def lora_attach(request: Request) -> dict[str, Any]:
    """Apply adapter `name` (loaded, or found in ``ai.llm.lora_path``) to `model` (default
    model when omitted) with `scale` (1.0)."""
    manager = request.host.stash[STATE].manager
    scale = request.params.get_float("scale", 1.0)
    if not -10.0 <= scale <= 10.0:
        raise InvalidArgumentError.invalid("scale", "must be between -10 and 10")
    name = await _adapter(request, request.params.require_str("name"))
    path = manager.loras[name]
    try:
        model = await manager.get(request.params.get_str("model"))
        await anyio.to_thread.run_sync(model.attach, name, path, scale)
    except APIError as error:
        raise error.to_ipc_error() from None
    return {"name": name, "model": model.name, "scale": scale}


async def lora_detach(request: Request) -> dict[str, Any]:
    """Remove adapter `name` from `model` (default model when omitted)."""
    manager = request.host.stash[STATE].manager
    name = request.params.require_str("name")
    try:
        file = manager.resolve(request.params.get_str("model"))
    except APIError as error:
        raise error.to_ipc_error() from None
    model = manager.loaded.get(file.name)
    detached = model.detach(name) if model is not None else False
    return {"name": name, "model": file.name, "detached": detached}


async def chat_completions(request: Request) -> Any:
    """The OpenAI chat request whose fields are the JSON body (or the parameters) answered as
    ``POST <server_prefix>/v1/chat/completions`` answers it: the completion, or with ``stream``
    its server-sent events (over the Conduit when the page's IPC goes there)."""
    return await relay(request.host.stash[STATE], request, "/v1/chat/completions")


async def completions(request: Request) -> Any:
    """The text completion request answered as ``POST <server_prefix>/v1/completions``."""
    return await relay(request.host.stash[STATE], request, "/v1/completions")


ROUTES: Final = RouteGroup.guarded(
    AI,
    handlers={
        "ai.llm.model.load": model_load,
        "ai.llm.model.unload": model_unload,
        "ai.llm.model.list": model_list,
        "ai.llm.model.status": model_status,
        "ai.llm.lora.load": lora_load,
        "ai.llm.lora.attach": lora_attach,
        "ai.llm.lora.detach": lora_detach,
        "ai.chat.completions": chat_completions,
        "ai.completions": completions,
    },
)
"""Every ``ai.*`` route, guarded by ``ai``, which guards ``/ai/llama`` too."""
