"""Rules Q&A: parse rule documents into articles, index them (BM25 + Chroma), answer with citations.

chromadb, onnxruntime and the Hugging Face libraries phone home when imported unless told not to,
and every module of this package may lead to them; so the switches are set here, before any of
them can load, whoever imports the package.
"""

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
