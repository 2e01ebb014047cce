"""Builds the chat model from settings: a local llama.cpp server, any OpenAI-style URL, or none.

Whatever the source, the service holds one kind of ChatModel (the `openai` client over
HTTP), behind the bounded queue and, outside it, the circuit breaker (which does not count
a busy model as a failing one).

With the local model, the short side calls (the support check, the rewriting of
follow-up questions) go to a second llama.cpp server of the same weights (the file's
pages are shared; each process holds ~0.75 GB of its own). llama.cpp keeps the previous
prompt and reuses its longest common prefix: on one server every side call's prompt
evicted the answering instructions, which the next answer then read again (~2 s on 2
cores). The answering server now only ever sees answering prompts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from service.core.config import Settings
from service.core.errors import LLMFailure
from service.core.machine import available_cores
from service.core.ports import ChatModel
from service.llm.breaker import CircuitBreaker, GuardedChatModel
from service.llm.client import OpenAIChatModel, make_client
from service.llm.local_model import ensure_model, packaged_model
from service.llm.local_server import LocalModelServer, ServerSpec
from service.llm.queue import BoundedChatModel

log = logging.getLogger(__name__)


@dataclass
class ChatSetup:
    model: ChatModel | None
    local_server: LocalModelServer | None = None
    side_model: ChatModel | None = None  # support checks and follow-up rewrites; None: `model`
    side_server: LocalModelServer | None = None


def build_chat_model(
    settings: Settings, on_failure: Callable[[LLMFailure], None] = lambda _: None
) -> ChatSetup:
    mode = settings.llm_mode
    if mode == "none":
        return ChatSetup(None)
    if mode == "openai":
        return ChatSetup(_chat_model(settings, settings.openai_base_url, on_failure))
    servers = start_local_servers(
        settings, ["answer", "side"] if settings.local_side_server else ["answer"]
    )
    server, side = servers["answer"], servers.get("side")
    setup = ChatSetup(_chat_model(settings, server.base_url, on_failure, server), server)
    if side is not None:
        setup.side_server = side
        setup.side_model = _chat_model(settings, side.base_url, on_failure, side)
    return setup


def start_local_servers(settings: Settings, roles: list[str]) -> dict[str, LocalModelServer]:
    """Install (or verify) the configured packaged model once, then start one supervised
    server per role at the same time (a start is mostly waiting for the process to load and
    answer); if one fails, the others are stopped again."""
    model = packaged_model(settings.local_model)
    started = time.perf_counter()
    path = ensure_model(model, settings.local_model_cache)
    log.info(
        "local model %s (%s, %s): weights ready in %.1f s",
        model.name, model.upstream, model.licence.split(" ")[0], time.perf_counter() - started,
    )  # fmt: skip
    with ThreadPoolExecutor(len(roles), thread_name_prefix="llm-start") as pool:
        starting = {role: pool.submit(launch_local_server, settings, path, role) for role in roles}
    servers: dict[str, LocalModelServer] = {}
    failure: BaseException | None = None
    for role, future in starting.items():
        try:
            servers[role] = future.result()
        except BaseException as error:  # re-raised below, after the clean-up
            failure = failure or error
    if failure is not None:
        for server in servers.values():
            server.stop()
        raise failure
    return servers


def launch_local_server(settings: Settings, path: Path, role: str) -> LocalModelServer:
    """Start a supervised server of the verified model file at `path` (`role` names its
    log: local-llm.log answers, local-llm-side.log the side calls)."""
    log_name = "local-llm.log" if role == "answer" else f"local-llm-{role}.log"
    spec = ServerSpec(
        model_path=path,
        model_alias=settings.local_model,
        threads=settings.local_threads or available_cores(),
        ctx=settings.local_ctx,
        log_path=settings.data_dir / log_name,
        startup_timeout_s=settings.local_startup_timeout_s,
    )
    server = LocalModelServer(spec).start()
    log.info(
        "local model server for %s ready at %s in %.1f s",
        role, server.base_url, server.startup_s or 0.0,
    )  # fmt: skip
    return server


def _chat_model(
    settings: Settings,
    base_url: str | None,
    on_failure: Callable[[LLMFailure], None],
    server: LocalModelServer | None = None,
) -> ChatModel:
    name = settings.local_model if server else settings.llm_model
    # A retry against the local server would read the same long prompt again on the same
    # busy cores: it fails fast instead, and the answer falls back to extractive.
    retries = 0 if server else settings.llm_max_retries
    client = make_client(base_url, settings.openai_api_key, settings.llm_timeout_s, retries)
    slots = settings.llm_slots or (1 if server else None)
    bounded = BoundedChatModel(
        OpenAIChatModel(client, name, settings.llm_temperature, settings.llm_max_tokens),
        slots,
        settings.llm_queue_wait_s,
        settings.llm_call_timeout_s,
    )
    return GuardedChatModel(
        bounded,
        CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s),
        on_failure=on_failure,
    )
