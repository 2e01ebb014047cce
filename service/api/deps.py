"""What a route may ask for: one narrow, typed dependency per part of the service.

A route names only what it uses (`answers: AnswersDep`, `library: LibraryDep`), never the
whole set of components. Each reads the components the app built at start-up
(service/components.py puts them in `app.state.components`); before they exist, or
after shutdown, every one answers 503 not_ready. They are async: they only read app
state and must not wait for a thread of the shared pool.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from service.core.config import Settings
from service.core.errors import NotReady
from service.core.ports import Answerer, ChatModel, Embedder, LexicalSearch, VectorStore
from service.ingest.jobs import JobRunner
from service.ingest.library import Library
from service.ingest.parsing_pool import ParsingPool
from service.ingest.refresh import IndexRefresher
from service.ingest.seeding import DeletedDocuments
from service.retrieval.hybrid import Retriever


def _components(request: Request) -> Any:
    components = getattr(request.app.state, "components", None)
    if components is None:
        raise NotReady("the service is still starting")
    return components


async def get_settings(request: Request) -> Settings:
    settings: Settings = _components(request).settings
    return settings


async def get_answers(request: Request) -> Answerer:
    answers: Answerer = _components(request).answers
    return answers


async def get_retriever(request: Request) -> Retriever:
    retriever: Retriever = _components(request).retriever
    return retriever


async def get_library(request: Request) -> Library:
    library: Library = _components(request).library
    return library


async def get_jobs(request: Request) -> JobRunner:
    jobs: JobRunner = _components(request).jobs
    return jobs


async def get_parsing(request: Request) -> ParsingPool:
    parsing: ParsingPool = _components(request).parsing
    return parsing


async def get_deleted(request: Request) -> DeletedDocuments:
    deleted: DeletedDocuments = _components(request).deleted
    return deleted


async def get_refresher(request: Request) -> IndexRefresher:
    refresher: IndexRefresher = _components(request).refresher
    return refresher


async def get_store(request: Request) -> VectorStore:
    store: VectorStore = _components(request).store
    return store


async def get_lexical(request: Request) -> LexicalSearch:
    lexical: LexicalSearch = _components(request).lexical
    return lexical


async def get_embedder(request: Request) -> Embedder:
    embedder: Embedder = _components(request).embedder
    return embedder


async def get_chat_model(request: Request) -> ChatModel | None:
    chat_model: ChatModel | None = _components(request).chat_model
    return chat_model


SettingsDep = Annotated[Settings, Depends(get_settings)]
AnswersDep = Annotated[Answerer, Depends(get_answers)]
RetrieverDep = Annotated[Retriever, Depends(get_retriever)]
LibraryDep = Annotated[Library, Depends(get_library)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
ParsingDep = Annotated[ParsingPool, Depends(get_parsing)]
DeletedDep = Annotated[DeletedDocuments, Depends(get_deleted)]
RefresherDep = Annotated[IndexRefresher, Depends(get_refresher)]
StoreDep = Annotated[VectorStore, Depends(get_store)]
LexicalDep = Annotated[LexicalSearch, Depends(get_lexical)]
EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
ChatModelDep = Annotated[ChatModel | None, Depends(get_chat_model)]
