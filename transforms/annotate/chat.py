"""A small client for OpenAI-compatible chat-completions endpoints (vLLM, llama.cpp server, hosted APIs):
cached by content hash, retried on transient errors, concurrent within a limit, and counted."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from schemas.config import ModelParams
from transforms.storage import write_bytes_atomic

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class ModelError(RuntimeError):
    """The endpoint refused or kept failing a request."""


@dataclass
class Usage:
    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatClient:
    def __init__(self, params: ModelParams, cache: Path):
        self.params = params
        self.cache = cache  # replies by request hash (the flow resolves params.cache_dir)
        key = os.environ.get(params.api_key_env, "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(
            base_url=params.base_url.rstrip("/"), timeout=params.timeout_s, headers=headers
        )
        self.usage = Usage()
        self._lock = threading.Lock()

    def close(self) -> None:
        self.http.close()

    def counts(self) -> dict:
        """What this client spent: requests, cache hits, retries, failures, tokens and cost (a
        `model_usage` row's numbers)."""
        u = self.usage
        return {
            "requests": u.requests,
            "cache_hits": u.cache_hits,
            "retries": u.retries,
            "failures": u.failures,
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "cost_usd": self.cost_usd(),
        }

    def cost_usd(self) -> float:
        p = self.params
        return round(
            (
                self.usage.prompt_tokens * p.price_in_per_mtok
                + self.usage.completion_tokens * p.price_out_per_mtok
            )
            / 1e6,
            6,
        )

    def _count(self, **more: int) -> None:
        with self._lock:
            for name, n in more.items():
                setattr(self.usage, name, getattr(self.usage, name) + n)

    def complete(self, messages: list[dict], temperature: float = 0, seed: int | None = None) -> str:
        """The assistant's reply to `messages`, from the cache when this exact request was answered before.
        Sampling (temperature > 0) takes a `seed`, so each of k samples is its own request and cache entry
        (temperature 0 stays the integer 0: the request body and cache key of before sampling existed)."""
        body = {
            "model": self.params.model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": self.params.max_tokens,
        }
        if seed is not None:
            body["seed"] = seed
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        cached = self.cache / digest[:2] / f"{digest}.json"
        if cached.exists():
            self._count(cache_hits=1)
            return json.loads(cached.read_text())["content"]
        delay = self.params.retry_backoff_s
        problem = ""
        for attempt in range(self.params.max_retries + 1):
            if attempt:
                self._count(retries=1)
                time.sleep(delay)
                delay *= 2
            try:
                self._count(requests=1)
                response = self.http.post("/chat/completions", json=body)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in RETRY_STATUS:
                problem = f"HTTP {response.status_code}"
                after = response.headers.get("retry-after", "")
                delay = min(60.0, float(after)) if after.replace(".", "", 1).isdigit() else delay
                continue
            if response.status_code >= 400:
                self._count(failures=1)
                raise ModelError(
                    f"{self.params.base_url}: HTTP {response.status_code}: {response.text[:200]}"
                )
            data = response.json()
            content = data["choices"][0]["message"]["content"] or ""
            usage = data.get("usage") or {}
            self._count(
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
            )
            write_bytes_atomic(json.dumps({"content": content, "usage": usage}).encode(), cached)
            return content
        self._count(failures=1)
        raise ModelError(
            f"{self.params.base_url}: gave up after {self.params.max_retries + 1} attempts ({problem})"
        )

    def complete_all(
        self, requests: list[list[dict]], temperature: float = 0, seeds: list[int] | None = None
    ) -> list[str | ModelError]:
        """Replies in request order, at most `max_in_flight` open at once; a failed request gives
        its error. `seeds`, one per request, for sampled requests."""

        def one(job: tuple[list[dict], int | None]) -> str | ModelError:
            try:
                return self.complete(job[0], temperature, job[1])
            except ModelError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=max(1, self.params.max_in_flight)) as pool:
            return list(pool.map(one, zip(requests, seeds or [None] * len(requests), strict=True)))
